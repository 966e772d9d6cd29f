package dev.parley.rooms.gossip.wire;

import dev.parley.net.postcard.PostcardException;
import dev.parley.net.postcard.PostcardReader;
import dev.parley.net.postcard.PostcardWriter;

import java.util.Arrays;

/**
 * Opaque data a peer attaches to its membership messages; Parley puts its {@link AddrInfo} here so
 * addresses spread with membership. Immutable.
 */
public final class PeerData {
    private final byte[] bytes;

    private PeerData(byte[] bytes) {
        this.bytes = bytes;
    }

    public static PeerData of(byte[] bytes) {
        return new PeerData(bytes.clone());
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    static PeerData readOption(PostcardReader r) {
        return switch (r.u8()) {
            case 0 -> null;
            case 1 -> new PeerData(r.bytes());
            default -> throw new PostcardException("invalid Option<PeerData> tag");
        };
    }

    static void writeOption(PostcardWriter w, PeerData data) {
        if (data == null) {
            w.u8(0);
        } else {
            w.u8(1).bytes(data.bytes);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerData p && Arrays.equals(bytes, p.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "PeerData[" + bytes.length + " bytes]";
    }
}
