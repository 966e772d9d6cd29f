package dev.parley.media.stats;

import java.util.ArrayDeque;

/** Events and bytes per second over the last second, plus a running mean of a duration. Thread-safe. */
public final class RateMeter {
    private static final long WINDOW = 1_000_000_000L;
    private final ArrayDeque<long[]> events = new ArrayDeque<>();
    private long total;
    private double meanMillis;

    /** Records one event of {@code bytes} that took {@code nanos} to process. */
    public synchronized void record(long bytes, long nanos) {
        long now = System.nanoTime();
        events.addLast(new long[]{now, bytes});
        total++;
        meanMillis = meanMillis == 0 ? nanos / 1e6 : meanMillis * 0.9 + nanos / 1e6 * 0.1;
        trim(now);
    }

    private void trim(long now) {
        while (!events.isEmpty() && now - events.peekFirst()[0] > WINDOW) {
            events.pollFirst();
        }
        while (events.size() > 4096) {
            events.pollFirst();
        }
    }

    public synchronized double perSecond() {
        trim(System.nanoTime());
        return events.size() * 1e9 / WINDOW;
    }

    public synchronized long bitsPerSecond() {
        trim(System.nanoTime());
        long bytes = 0;
        for (long[] e : events) {
            bytes += e[1];
        }
        return bytes * 8 * 1_000_000_000L / WINDOW;
    }

    /** Smoothed processing time in milliseconds. */
    public synchronized double meanMillis() {
        return meanMillis;
    }

    public synchronized long total() {
        return total;
    }
}
