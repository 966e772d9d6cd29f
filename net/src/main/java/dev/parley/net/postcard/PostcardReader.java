package dev.parley.net.postcard;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads postcard values from a byte array. Every read is bounds-checked and throws
 * {@link PostcardException} on truncation, so hostile input can never allocate more than it carries.
 */
public final class PostcardReader {
    private final byte[] buf;
    private int pos;
    private final int end;

    public PostcardReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public PostcardReader(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    public int remaining() {
        return end - pos;
    }

    public int u8() {
        if (pos >= end) {
            throw new PostcardException("truncated: expected 1 more byte");
        }
        return buf[pos++] & 0xFF;
    }

    public boolean bool() {
        int b = u8();
        if (b > 1) {
            throw new PostcardException("invalid bool " + b);
        }
        return b == 1;
    }

    /** Unsigned LEB128 of at most 64 bits (10 bytes). */
    public long varint() {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = u8();
            if (shift == 63 && (b & 0x7E) != 0) {
                throw new PostcardException("varint overflows 64 bits");
            }
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new PostcardException("varint longer than 10 bytes");
    }

    /** A varint that must fit {@code max} (inclusive); used for u16 fields and lengths. */
    public int varint(int max, String what) {
        long v = varint();
        if (v < 0 || v > max) {
            throw new PostcardException(what + " " + Long.toUnsignedString(v) + " exceeds " + max);
        }
        return (int) v;
    }

    public byte[] raw(int n) {
        return raw(n, "value");
    }

    /** {@code n} raw bytes of the field {@code what} (named in the error when they are missing). */
    public byte[] raw(int n, String what) {
        if (n > remaining()) {
            throw new PostcardException("truncated: " + what + " needs " + n + " bytes, " + remaining() + " left");
        }
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    /** A length-prefixed byte string; the length is checked against what is left before allocating. */
    public byte[] bytes() {
        return raw(length("byte string"));
    }

    /** A collection length, bounded by the bytes left (every element takes at least one byte). */
    public int length(String what) {
        return varint(remaining(), what + " length");
    }

    /** A length-prefixed string that must be valid UTF-8. */
    public String string() {
        byte[] b = bytes();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new PostcardException("string is not valid UTF-8");
        }
    }

    /** Fails unless every byte was consumed: trailing garbage is an error, not padding. */
    public void expectEnd() {
        if (pos != end) {
            throw new PostcardException(remaining() + " trailing bytes");
        }
    }
}
