package dev.parley.media.hang;

import dev.parley.media.MediaException;
import dev.parley.net.moq.wire.VarInt;

/**
 * The hang "legacy" container: each moq frame is a QUIC variable-length integer timestamp in
 * microseconds followed by the codec payload (Annex-B H.264 access unit or raw Opus packet).
 */
public record LegacyFrame(long timestampMicros, byte[] payload) {

    public LegacyFrame {
        if (timestampMicros < 0 || timestampMicros > VarInt.MAX) {
            throw new IllegalArgumentException("timestamp out of varint range: " + timestampMicros);
        }
    }

    /** Encodes into one new array (frames are shared, immutable byte arrays in the moq model). */
    public byte[] encode() {
        int n = VarInt.size(timestampMicros);
        byte[] out = new byte[n + payload.length];
        VarInt.write(timestampMicros, out, 0);
        System.arraycopy(payload, 0, out, n, payload.length);
        return out;
    }

    /** Decodes a frame; throws {@link MediaException} on a truncated or empty frame. */
    public static LegacyFrame decode(byte[] frame) {
        if (frame.length == 0) {
            throw new MediaException("empty legacy frame");
        }
        int n = VarInt.lengthOf(frame[0]);
        if (frame.length < n) {
            throw new MediaException("legacy frame shorter than its timestamp varint");
        }
        long v = VarInt.read(frame, 0);
        byte[] payload = new byte[frame.length - n];
        System.arraycopy(frame, n, payload, 0, payload.length);
        return new LegacyFrame(v, payload);
    }
}
