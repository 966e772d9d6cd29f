package dev.parley.media.adapt;

/**
 * Frame arrivals between two control ticks: how late each video frame arrived (arrival time − media
 * timestamp, above the fastest arrival seen; see the watcher's live edge), how many frames of the
 * standby and how many audio frames arrived (whether anything at all comes through: the silence
 * signal). The readers record, the control step drains. Thread-safe.
 */
public final class ArrivalWindow {
    /**
     * The arrivals of one tick; {@code others}: how many uncounted frames (the standby's) arrived;
     * {@code audio}: how many audio frames.
     */
    public record Summary(int count, long minLatenessMicros, long maxLatenessMicros, int others, int audio) {
        public static final Summary EMPTY = new Summary(0, 0, 0, 0, 0);

        public Summary(int count, long minLatenessMicros, long maxLatenessMicros) {
            this(count, minLatenessMicros, maxLatenessMicros, 0, 0);
        }

        public Summary(int count, long minLatenessMicros, long maxLatenessMicros, int others) {
            this(count, minLatenessMicros, maxLatenessMicros, others, 0);
        }
    }

    private int count;
    private long min = Long.MAX_VALUE;
    private long max;
    private int others;
    private int audio;

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

    /** The arrivals since the last drain; starts a new window. */
    public synchronized Summary drain() {
        Summary s = count == 0 ? new Summary(0, 0, 0, others, audio) : new Summary(count, min, max, others, audio);
        count = 0;
        min = Long.MAX_VALUE;
        max = 0;
        others = 0;
        audio = 0;
        return s;
    }
}
