package dev.parley.media.adapt;

/**
 * Frame arrivals between two control ticks: how late each video frame arrived (arrival time − media
 * timestamp, above the fastest arrival seen; see the watcher's live edge), how many frames of the
 * standby and how many audio frames arrived (whether anything at all comes through: the silence
 * signal), and when the shown rendition's latest group started (its keyframe cadence: when the next one
 * is due). The readers record, the control step drains. Thread-safe.
 */
public final class ArrivalWindow {
    /**
     * The arrivals of one tick; {@code others}: how many uncounted frames (the standby's) arrived;
     * {@code audio}: how many audio frames; {@code groupAgeMicros}: how long before the drain the latest
     * counted group started at the publisher (-1: none started in the tick); {@code groupIntervalMicros}: its
     * timestamp's distance from the previous group's of the same track (0: unknown).
     */
    public record Summary(int count, long minLatenessMicros, long maxLatenessMicros, int others, int audio,
                          long groupAgeMicros, long groupIntervalMicros) {
        public static final Summary EMPTY = new Summary(0, 0, 0, 0, 0);

        public Summary(int count, long minLatenessMicros, long maxLatenessMicros) {
            this(count, minLatenessMicros, maxLatenessMicros, 0, 0);
        }

        public Summary(int count, long minLatenessMicros, long maxLatenessMicros, int others) {
            this(count, minLatenessMicros, maxLatenessMicros, others, 0);
        }

        public Summary(int count, long minLatenessMicros, long maxLatenessMicros, int others, int audio) {
            this(count, minLatenessMicros, maxLatenessMicros, others, audio, -1, 0);
        }
    }

    private static final long NONE = Long.MIN_VALUE;

    private int count;
    private long min = Long.MAX_VALUE;
    private long max;
    private int others;
    private int audio;
    private long groupSentAtMicros = NONE;
    private long groupIntervalMicros;

    public synchronized void record(long latenessMicros) {
        count++;
        min = Math.min(min, latenessMicros);
        max = Math.max(max, latenessMicros);
    }

    /** A frame arrived; its lateness counts only when {@code counted} (else it is one of the others). */
    public synchronized void record(long latenessMicros, boolean counted) {
        if (counted) {
            record(latenessMicros);
        } else {
            others++;
        }
    }

    /** An audio frame arrived. */
    public synchronized void recordAudio() {
        audio++;
    }

    /**
     * A counted (shown) rendition's group started arriving: its first frame was sent at {@code sentAtMicros} (on
     * the clock {@link #drain(long)} is given), {@code intervalMicros} after the previous group of its track (0: unknown).
     */
    public synchronized void recordGroupStart(long sentAtMicros, long intervalMicros) {
        groupSentAtMicros = sentAtMicros;
        groupIntervalMicros = intervalMicros;
    }

    /** The arrivals since the last drain (a group start is not reported: no clock); starts a new window. */
    public synchronized Summary drain() {
        groupSentAtMicros = NONE;
        return drain(0);
    }

    /** The arrivals since the last drain, a group start's age counted to {@code nowMicros}; starts a new window. */
    public synchronized Summary drain(long nowMicros) {
        long age = groupSentAtMicros == NONE ? -1 : Math.max(0, nowMicros - groupSentAtMicros);
        Summary s = count == 0 ? new Summary(0, 0, 0, others, audio, age, groupIntervalMicros)
                : new Summary(count, min, max, others, audio, age, groupIntervalMicros);
        groupSentAtMicros = NONE;
        groupIntervalMicros = 0;
        count = 0;
        min = Long.MAX_VALUE;
        max = 0;
        others = 0;
        audio = 0;
        return s;
    }
}
