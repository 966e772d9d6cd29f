package dev.parley.media.hang;

import dev.parley.media.MediaException;

/**
 * The hang "legacy" container: each moq frame is a QUIC variable-length integer timestamp in
 * microseconds followed by the codec payload (Annex-B H.264 access unit or raw Opus packet).
 */
public record LegacyFrame(long timestampMicros, byte[] payload) {
    private static final long MAX_VARINT = (1L << 62) - 1;

    public LegacyFrame {
        if (timestampMicros < 0 || timestampMicros > MAX_VARINT) {
            throw new IllegalArgumentException("timestamp out of varint range: " + timestampMicros);
        }
    }

    /** Encodes into one new array (frames are shared, immutable byte arrays in the moq model). */
    public byte[] encode() {
        int n = varintLength(timestampMicros);
        byte[] out = new byte[n + payload.length];
        writeVarint(out, timestampMicros, n);
        System.arraycopy(payload, 0, out, n, payload.length);
        return out;
    }

    /** Decodes a frame; throws {@link MediaException} on a truncated or empty frame. */
    public static LegacyFrame decode(byte[] frame) {
        if (frame.length == 0) {
            throw new MediaException("empty legacy frame");
        }
        int n = 1 << ((frame[0] & 0xff) >> 6);
        if (frame.length < n) {
            throw new MediaException("legacy frame shorter than its timestamp varint");
        }
        long v = frame[0] & 0x3f;
        for (int i = 1; i < n; i++) {
            v = (v << 8) | (frame[i] & 0xff);
        }
        byte[] payload = new byte[frame.length - n];
        System.arraycopy(frame, n, payload, 0, payload.length);
        return new LegacyFrame(v, payload);
    }

    static int varintLength(long v) {
        if (v < (1L << 6)) {
            return 1;
        }
        if (v < (1L << 14)) {
            return 2;
        }
        return v < (1L << 30) ? 4 : 8;
    }

    private static void writeVarint(byte[] out, long v, int n) {
        int prefix = switch (n) {
            case 1 -> 0;
            case 2 -> 1;
            case 4 -> 2;
            default -> 3;
        };
        for (int i = n - 1; i >= 0; i--) {
            out[i] = (byte) v;
            v >>>= 8;
        }
        out[0] = (byte) ((out[0] & 0x3f) | (prefix << 6));
    }
}
