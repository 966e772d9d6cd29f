package dev.parley.net.moq.session;

/**
 * Send priority of a group stream, as the single number {@link dev.parley.net.transport.SendStream#setPriority}
 * takes (higher is sent first). Layout, from the top: bits 48..55 the subscriber's priority (dominant,
 * moq-lite §Prioritization), bits 40..47 the publisher's track priority (breaks ties), bits 0..39 the
 * group sequence (newer first), as in moq-lite's publisher. So audio (80) goes before video (60) whatever
 * the groups, and a new keyframe group before an old one. The value is always below 2^56. A binding with
 * only a few levels (QUIC urgency) uses {@code value >>> 48}, the 8-bit priority; a binding with a full
 * scheduler (QMux) compares the whole number.
 *
 * <p>A superseded group (a newer group of its track has started) moves one 32-wide band down with
 * {@link #superseded}, so its leftovers yield to the newer group of the same track on every binding, as
 * moq-lite's publisher serves the newest group first (a QUIC binding sends streams of one band oldest
 * first, so without this an old GOP's backlog goes before the new keyframe). It never drops below
 * {@link #AUDIO_BAND}: a superseded audio group still goes before any video group.
 */
final class StreamPriority {
    static final int PRIORITY_SHIFT = 48;
    /** Lowest 8-bit priority of the band hang's audio (80) is in; demotion stops here. */
    static final int AUDIO_BAND = 64;
    private static final int BAND = 32;
    private static final int PUBLISHER_SHIFT = 40;
    private static final long SEQUENCE_MASK = (1L << PUBLISHER_SHIFT) - 1;

    private StreamPriority() {}

    /** Priorities are 0..255 (higher first); the group sequence is clamped to 40 bits (newer first). */
    static long of(int subscriberPriority, int publisherPriority, long groupSequence) {
        return ((long) (subscriberPriority & 0xff) << PRIORITY_SHIFT)
                | ((long) (publisherPriority & 0xff) << PUBLISHER_SHIFT)
                | Math.min(groupSequence, SEQUENCE_MASK);
    }

    /**
     * The priority of a superseded group: one band (32 steps, one QUIC urgency level) lower, but not
     * below {@link #AUDIO_BAND} for a track at or above it.
     */
    static long superseded(long priority) {
        long current = priority >>> PRIORITY_SHIFT;
        long top = current >= AUDIO_BAND ? Math.max(AUDIO_BAND, current - BAND) : Math.max(0, current - BAND);
        return (top << PRIORITY_SHIFT) | (priority & ((1L << PRIORITY_SHIFT) - 1));
    }
}
