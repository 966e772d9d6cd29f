package dev.parley.net.postcard;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the subset of postcard (serde's positional binary format) that gossip, the signed KV and
 * tickets use: raw bytes, unsigned LEB128 varints, length-prefixed byte strings, options and enum tags.
 */
public final class PostcardWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    public PostcardWriter u8(int value) {
        out.write(value);
        return this;
    }

    public PostcardWriter bool(boolean value) {
        return u8(value ? 1 : 0);
    }

    /** Unsigned LEB128; {@code value} is treated as unsigned 64-bit. */
    public PostcardWriter varint(long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
        return this;
    }

    /** Fixed-size array: the bytes with no length. */
    public PostcardWriter raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** {@code Vec<u8>} / {@code Bytes}: varint length then the bytes. */
    public PostcardWriter bytes(byte[] bytes) {
        varint(bytes.length);
        return raw(bytes);
    }

    public PostcardWriter string(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }

    public int size() {
        return out.size();
    }
}
