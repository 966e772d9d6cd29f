package dev.parley.net.moq.wire;

/**
 * QUIC variable-length integers (RFC 9000 §16): a 2-bit length prefix selects 1, 2, 4 or 8 big-endian
 * bytes, so values run from 0 to 2^62-1. Encoding always picks the shortest form; decoding accepts any
 * form, because the JS client writes version codes in 8 bytes. The one varint of the net module: the
 * moq-lite wire, QMux frames and the iroh relay frames all use it ({@link #tagged}/{@link #untag} let
 * a buffer-based codec read and write whole big-endian integers).
 */
public final class VarInt {
    /** The largest encodable value, 2^62-1. */
    public static final long MAX = (1L << 62) - 1;

    private VarInt() {}

    /** Bytes the minimal encoding of {@code v} takes. */
    public static int size(long v) {
        if (v < 0 || v > MAX) {
            throw new IllegalArgumentException("varint out of range: " + v);
        }
        if (v < (1L << 6)) {
            return 1;
        }
        if (v < (1L << 14)) {
            return 2;
        }
        if (v < (1L << 30)) {
            return 4;
        }
        return 8;
    }

    /** {@code v} with the length prefix of its minimal form: write the low {@link #size} bytes big-endian. */
    public static long tagged(long v) {
        int n = size(v);
        return v | ((long) Integer.numberOfTrailingZeros(n) << (8 * n - 2));
    }

    /** The value of a varint given its {@code n} bytes ({@link #lengthOf} the first) read as one big-endian integer. */
    public static long untag(long raw, int n) {
        return raw & ((1L << (8 * n - 2)) - 1);
    }

    /** Writes the minimal form of {@code v} at {@code off}; returns the bytes written. */
    public static int write(long v, byte[] dst, int off) {
        int n = size(v);
        long tagged = tagged(v);
        for (int i = n - 1; i >= 0; i--) {
            dst[off + i] = (byte) tagged;
            tagged >>>= 8;
        }
        return n;
    }

    /** Length in bytes of the varint whose first byte is {@code first}. */
    public static int lengthOf(byte first) {
        return 1 << ((first & 0xff) >>> 6);
    }

    /** Reads the varint at {@code off}; the caller has checked that {@link #lengthOf} bytes are there. */
    public static long read(byte[] src, int off) {
        int n = lengthOf(src[off]);
        long v = src[off] & 0x3f;
        for (int i = 1; i < n; i++) {
            v = (v << 8) | (src[off + i] & 0xff);
        }
        return v;
    }
}
