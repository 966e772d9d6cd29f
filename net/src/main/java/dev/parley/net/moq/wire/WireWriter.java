package dev.parley.net.moq.wire;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * Appends moq-lite fields to a growable buffer. Values outside a field's domain are programming errors
 * and throw {@link IllegalArgumentException}. Not thread-safe.
 */
public final class WireWriter {
    private byte[] buf;
    private int len;

    public WireWriter() {
        this(64);
    }

    public WireWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public WireWriter varint(long v) {
        ensure(8);
        len += VarInt.write(v, buf, len);
        return this;
    }

    public WireWriter u8(int v) {
        if (v < 0 || v > 255) {
            throw new IllegalArgumentException("u8 out of range: " + v);
        }
        ensure(1);
        buf[len++] = (byte) v;
        return this;
    }

    public WireWriter bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    public WireWriter raw(byte[] src, int off, int n) {
        ensure(n);
        System.arraycopy(src, off, buf, len, n);
        len += n;
        return this;
    }

    /** Varint length then the bytes. */
    public WireWriter bytes(byte[] src) {
        varint(src.length);
        return raw(src, 0, src.length);
    }

    /** Varint byte length then UTF-8. */
    public WireWriter string(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** moq's {@code Option<u64>}: none is 0, a value n is n+1. */
    public WireWriter optional(OptionalLong v) {
        if (v.isEmpty()) {
            return varint(0);
        }
        if (v.getAsLong() < 0 || v.getAsLong() >= VarInt.MAX) {
            throw new IllegalArgumentException("optional value out of range: " + v.getAsLong());
        }
        return varint(v.getAsLong() + 1);
    }

    /** Whole milliseconds as a varint. */
    public WireWriter durationMillis(Duration d) {
        return varint(d.toMillis());
    }

    public int size() {
        return len;
    }

    public void clear() {
        len = 0;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /** The internal buffer; valid up to {@link #size()} until the next write. */
    byte[] array() {
        return buf;
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
