package dev.parley.media.adapt;

/**
 * Frame arrivals between two control ticks: how late each video frame arrived (arrival time − media
 * timestamp, above the fastest arrival seen; see the watcher's live edge). The readers record, the
 * control step drains. Thread-safe.
 */
public final class ArrivalWindow {
    /** The arrivals of one tick. */
    public record Summary(int count, long minLatenessMicros, long maxLatenessMicros) {
        public static final Summary EMPTY = new Summary(0, 0, 0);
    }

    private int count;
    private long min = Long.MAX_VALUE;
    private long max;

    public synchronized void record(long latenessMicros) {
        count++;
        min = Math.min(min, latenessMicros);
        max = Math.max(max, latenessMicros);
    }

    /** The arrivals since the last drain; starts a new window. */
    public synchronized Summary drain() {
        Summary s = count == 0 ? Summary.EMPTY : new Summary(count, min, max);
        count = 0;
        min = Long.MAX_VALUE;
        max = 0;
        return s;
    }
}
