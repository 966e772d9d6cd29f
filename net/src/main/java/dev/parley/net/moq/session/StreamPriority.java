package dev.parley.net.moq.session;

/**
 * Send priority of a group stream, as the single number {@link dev.parley.net.transport.SendStream#setPriority}
 * takes (higher is sent first). The subscriber's priority dominates, the publisher's track priority
 * breaks ties (moq-lite §Prioritization), then the newer group wins, as in moq-lite's publisher. So
 * audio (80) goes before video (60) whatever the groups, and a new keyframe group before an old one.
 * Bindings map the number onto what they have (QUIC urgency, the QMux scheduler).
 */
final class StreamPriority {
    private static final int SEQUENCE_BITS = 48;
    private static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;

    private StreamPriority() {}

    /** Priorities are 0..255 (higher first); the group sequence is clamped to 48 bits (newer first). */
    static long of(int subscriberPriority, int publisherPriority, long groupSequence) {
        long seq = Math.min(groupSequence, SEQUENCE_MASK);
        // 7 bits of subscriber priority keep the result positive; 0..255 maps monotonically onto 0..127.
        return ((long) ((subscriberPriority & 0xff) >>> 1) << 56)
                | ((long) (publisherPriority & 0xff) << SEQUENCE_BITS)
                | seq;
    }
}
