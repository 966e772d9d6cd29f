package dev.parley.net.moq.wire;

/** Argument checks shared by the message records. */
final class Checks {
    private Checks() {}

    static void u8(int v, String what) {
        if (v < 0 || v > 255) {
            throw new IllegalArgumentException(what + " must be 0..255: " + v);
        }
    }

    static void varint(long v, String what) {
        if (v < 0 || v > VarInt.MAX) {
            throw new IllegalArgumentException(what + " must be 0..2^62-1: " + v);
        }
    }
}
