package dev.parley.net.moq.session;

/**
 * Send priority of a group stream, as the single number {@link dev.parley.net.transport.SendStream#setPriority}
 * takes (higher is sent first). Track priority dominates (audio 80 goes before video 60, whatever the
 * groups), then the newer group wins, as in moq-lite's publisher. The bindings map it onto QUIC urgency.
 */
final class StreamPriority {
    private static final int SEQUENCE_BITS = 48;
    private static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;

    private StreamPriority() {}

    /** {@code trackPriority} 0..255 (higher first) and the group sequence (newer first). */
    static long of(int trackPriority, long groupSequence) {
        long seq = Math.min(groupSequence, SEQUENCE_MASK);
        return ((long) (trackPriority & 0xff) << SEQUENCE_BITS) | seq;
    }
}
