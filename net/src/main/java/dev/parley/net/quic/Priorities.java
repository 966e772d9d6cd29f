package dev.parley.net.quic;

/**
 * Maps the transport SPI's stream priority (higher value = send first) onto quiche's eight
 * urgency levels (0 = send first, 7 = last). The value is read as moq-lite's 8-bit priority:
 * it is clamped to 0..255 and split into eight bands of 32, so 224..255 gets urgency 0 and
 * 0..31 (and any negative value) gets urgency 7. Streams in the same band are sent in stream-id
 * order (non-incremental), which keeps whole groups together. Values above 255 carry the moq
 * session's full layout (8-bit priority in bits 48..55, then publisher priority and group sequence,
 * see {@code dev.parley.net.moq.session.StreamPriority}); quiche has no finer levels, so only that
 * top byte is used.
 */
final class Priorities {
    private Priorities() {
    }

    static int urgency(long priority) {
        long eightBit = priority > 255 ? priority >>> 48 : priority;
        long clamped = Math.max(0, Math.min(255, eightBit));
        return 7 - (int) (clamped >> 5);
    }
}
