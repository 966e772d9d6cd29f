package dev.parley.net.moq.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * One frame of a group: on the wire a varint size then the payload (lite-03 has no timestamp). The
 * array is owned by the frame once decoded; it is not copied.
 */
public record Frame(byte[] payload) implements GroupStreamItem {

    public Frame {
        Objects.requireNonNull(payload, "payload");
    }

    /** The size prefix for a payload of {@code size} bytes. */
    public static byte[] header(int size) {
        byte[] out = new byte[VarInt.size(size)];
        VarInt.write(size, out, 0);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && Arrays.equals(payload, f.payload);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Frame[" + payload.length + " bytes]";
    }
}
