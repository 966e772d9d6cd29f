package dev.parley.media.adapt;

/**
 * Frame arrivals between two control ticks: how late each video frame arrived (arrival time − media
 * timestamp, above the fastest arrival seen; see the watcher's live edge), and how many frames of the
 * standby arrived. The readers record, the control step drains. Thread-safe.
 */
public final class ArrivalWindow {
    /** The arrivals of one tick; {@code others}: how many uncounted frames (the standby's) arrived. */
    public record Summary(int count, long minLatenessMicros, long maxLatenessMicros, int others) {
        public static final Summary EMPTY = new Summary(0, 0, 0, 0);

        public Summary(int count, long minLatenessMicros, long maxLatenessMicros) {
            this(count, minLatenessMicros, maxLatenessMicros, 0);
        }
    }

    private int count;
    private long min = Long.MAX_VALUE;
    private long max;
    private int others;

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

    /** The arrivals since the last drain; starts a new window. */
    public synchronized Summary drain() {
        Summary s = count == 0 ? new Summary(0, 0, 0, others) : new Summary(count, min, max, others);
        count = 0;
        min = Long.MAX_VALUE;
        max = 0;
        others = 0;
        return s;
    }
}
