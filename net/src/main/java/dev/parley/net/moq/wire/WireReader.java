package dev.parley.net.moq.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.OptionalLong;

import static dev.parley.net.moq.wire.DecodeException.Kind.INVALID_UTF8;
import static dev.parley.net.moq.wire.DecodeException.Kind.INVALID_VALUE;
import static dev.parley.net.moq.wire.DecodeException.Kind.LONG;
import static dev.parley.net.moq.wire.DecodeException.Kind.SHORT;

/**
 * Reads moq-lite fields from a complete byte range, usually one message body. Running past the end is
 * a {@link DecodeException.Kind#SHORT}; {@link #expectEnd()} turns leftovers into
 * {@link DecodeException.Kind#LONG}. Not thread-safe.
 */
public final class WireReader {
    private final byte[] buf;
    private final int end;
    private int pos;

    public WireReader(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    public WireReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public int remaining() {
        return end - pos;
    }

    public long varint() {
        need(1, "varint");
        int n = VarInt.lengthOf(buf[pos]);
        need(n, "varint");
        long v = VarInt.read(buf, pos);
        pos += n;
        return v;
    }

    /** A varint that must fit in an int (lengths, counts). */
    public int varintAsInt(String what) {
        long v = varint();
        if (v > Integer.MAX_VALUE) {
            throw new DecodeException(DecodeException.Kind.TOO_LARGE, what + " " + v);
        }
        return (int) v;
    }

    public int u8() {
        need(1, "u8");
        return buf[pos++] & 0xff;
    }

    /** One byte that must be 0 or 1 (the JS decoder throws on anything else). */
    public boolean bool() {
        int b = u8();
        if (b > 1) {
            throw new DecodeException(INVALID_VALUE, "bool byte " + b);
        }
        return b == 1;
    }

    /** Varint length then that many raw bytes. */
    public byte[] bytes() {
        int len = varintAsInt("byte length");
        need(len, "bytes");
        byte[] out = Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        return out;
    }

    /** Varint byte length then strict UTF-8 (malformed or unpaired sequences are rejected). */
    public String string() {
        int len = varintAsInt("string length");
        need(len, "string");
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, pos, len))
                    .toString();
            pos += len;
            return s;
        } catch (CharacterCodingException e) {
            throw new DecodeException(INVALID_UTF8, "string of " + len + " bytes: " + e.getMessage());
        }
    }

    /** moq's {@code Option<u64>}: 0 is none, n is the value n-1. */
    public OptionalLong optional() {
        long v = varint();
        return v == 0 ? OptionalLong.empty() : OptionalLong.of(v - 1);
    }

    /** A duration sent as varint milliseconds. */
    public Duration durationMillis() {
        return Duration.ofMillis(varint());
    }

    /** Fails with {@link DecodeException.Kind#LONG} unless every byte was consumed. */
    public void expectEnd() {
        if (pos != end) {
            throw new DecodeException(LONG, (end - pos) + " bytes left over");
        }
    }

    private void need(int n, String what) {
        if (end - pos < n) {
            throw new DecodeException(SHORT, what + " needs " + n + " bytes, " + (end - pos) + " left");
        }
    }
}
