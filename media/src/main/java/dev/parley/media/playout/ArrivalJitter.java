package dev.parley.media.playout;

import java.util.ArrayDeque;

/**
 * Measures how late packets arrive relative to their media timestamps, NetEq style: each packet's
 * relative delay is its arrival time minus its timestamp; the smallest relative delay in the last
 * {@value #WINDOW} packets (about 5 s) is the path's base, and a packet's jitter is how far above that
 * base it came. {@link #percentileMicros()} is the {@value #PERCENTILE} percentile of that jitter over a
 * histogram that forgets exponentially (half life about 3.5 s), so the buffer grows quickly when jitter
 * appears and shrinks within seconds once the link is clean. A tail that the link no longer shows (every
 * packet of the last {@value #CLEAN_PACKETS} within {@value #CLEAN_MICROS} µs of the base while the
 * percentile still says more than {@value #STALE_TAIL_MICROS} µs: a queue that has drained) is forgotten
 * fast (half life about 7 packets), so a transient queue does not keep the buffer deep for seconds after
 * it. A moving base also absorbs clock drift.
 * Pure: arrival times are injected; not thread-safe.
 */
public final class ArrivalJitter {
    static final int WINDOW = 250;
    static final double PERCENTILE = 0.97;
    private static final int BIN_MICROS = 1_000;
    private static final int BINS = 500; // jitter above half a second lands in the last bin
    private static final double FORGET = 0.996;
    static final int CLEAN_PACKETS = 25; // 0.5 s of 20 ms packets
    static final long CLEAN_MICROS = 10_000;
    static final long STALE_TAIL_MICROS = 40_000;
    private static final double FORGET_STALE = 0.9;

    private final double[] histogram = new double[BINS];
    private double total;
    // relative delays with their sequence, a monotonic deque: the front is the window's minimum
    private final ArrayDeque<long[]> minima = new ArrayDeque<>();
    private long count;
    private int cleanRun;

    /** Records a packet with media timestamp {@code timestampMicros} that arrived at {@code arrivalNanos}. */
    public void arrived(long timestampMicros, long arrivalNanos) {
        long relative = arrivalNanos / 1000 - timestampMicros;
        long seq = count++;
        while (!minima.isEmpty() && minima.peekLast()[1] >= relative) {
            minima.pollLast();
        }
        minima.addLast(new long[]{seq, relative});
        while (minima.peekFirst()[0] <= seq - WINDOW) {
            minima.pollFirst();
        }
        long jitter = relative - minima.peekFirst()[1];
        cleanRun = jitter <= CLEAN_MICROS ? cleanRun + 1 : 0;
        double forget = cleanRun >= CLEAN_PACKETS && percentileMicros() > STALE_TAIL_MICROS ? FORGET_STALE : FORGET;
        for (int i = 0; i < BINS; i++) {
            histogram[i] *= forget;
        }
        total = total * forget + 1;
        histogram[(int) Math.min(BINS - 1, jitter / BIN_MICROS)] += 1;
    }

    /** Packets seen so far. */
    public long count() {
        return count;
    }

    /** The {@value #PERCENTILE} percentile of recent jitter, in microseconds (upper edge of its bin); 0 before any packet. */
    public long percentileMicros() {
        if (total == 0) {
            return 0;
        }
        double need = total * PERCENTILE;
        double sum = 0;
        for (int i = 0; i < BINS; i++) {
            sum += histogram[i];
            if (sum >= need) {
                return i == 0 ? 0 : (long) (i + 1) * BIN_MICROS;
            }
        }
        return (long) BINS * BIN_MICROS;
    }
}
