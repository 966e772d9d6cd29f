package dev.parley.rooms.gossip.wire;

import dev.parley.net.postcard.PostcardReader;
import dev.parley.net.postcard.PostcardWriter;
import org.bouncycastle.crypto.digests.Blake3Digest;

import java.util.Arrays;
import java.util.HexFormat;

/** A broadcast's id: BLAKE3 of its content, so receivers can check it and drop forgeries. */
public final class MessageId {
    public static final int LENGTH = 32;
    private final byte[] id;
    private final int hash;

    private MessageId(byte[] id) {
        this.id = id;
        this.hash = Arrays.hashCode(id);
    }

    public static MessageId of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a message id is 32 bytes, got " + bytes.length);
        }
        return new MessageId(bytes.clone());
    }

    /** BLAKE3-256 of {@code content}. */
    public static MessageId hash(byte[] content) {
        Blake3Digest d = new Blake3Digest(256);
        d.update(content, 0, content.length);
        byte[] out = new byte[LENGTH];
        d.doFinal(out, 0);
        return new MessageId(out);
    }

    static MessageId read(PostcardReader r) {
        return new MessageId(r.raw(LENGTH));
    }

    void write(PostcardWriter w) {
        w.raw(id);
    }

    public byte[] bytes() {
        return id.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageId m && Arrays.equals(id, m.id);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(id, 0, 5);
    }
}
