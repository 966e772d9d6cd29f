package dev.parley.rooms.gossip.wire;

import dev.parley.net.postcard.PostcardReader;
import dev.parley.net.postcard.PostcardWriter;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/** A gossip topic: an opaque 32-byte id. Knowing it (and one member) is enough to join. */
public final class TopicId {
    public static final int LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] id;

    private TopicId(byte[] id) {
        this.id = id;
    }

    public static TopicId of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a topic id is 32 bytes, got " + bytes.length);
        }
        return new TopicId(bytes.clone());
    }

    public static TopicId random() {
        byte[] b = new byte[LENGTH];
        RANDOM.nextBytes(b);
        return new TopicId(b);
    }

    public static TopicId fromHex(String hex) {
        if (hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("a topic id is 64 hex characters, got " + hex.length());
        }
        return new TopicId(HexFormat.of().parseHex(hex));
    }

    public static TopicId read(PostcardReader r) {
        return new TopicId(r.raw(LENGTH));
    }

    public void write(PostcardWriter w) {
        w.raw(id);
    }

    public byte[] bytes() {
        return id.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(id);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicId t && Arrays.equals(id, t.id);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(id);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(id, 0, 5);
    }
}
