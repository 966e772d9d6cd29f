package dev.parley.net.transport;

import java.util.ArrayDeque;

/**
 * The sending side's delivery estimate for a stream binding (QMux over one WebSocket/TCP connection),
 * where no congestion controller reports anything: measured from the bytes TCP saw acknowledged (Linux's
 * {@code TCP_INFO}) or else the bytes the socket has taken (written into the kernel, which on a full path
 * takes them about as fast as the peer acknowledges them): the median rate between the samples of the last
 * {@link #WINDOW_NANOS}, sampled about every 200 ms. It is what a PROBE reports.
 *
 * <p>The path is <em>limited</em> when, in {@link #LIMITED_SAMPLES} samples in a row, either data
 * waited in our own buffers because the socket would take no more, or the ping RTT (pings travel
 * behind the queued data) stood above its floor by more than {@code max(40 ms, minRtt / 4)} without
 * falling (a queue that drains carries more than it is given: its rate is not the path's): then the
 * bytes delivered are the path's capacity, and that is the estimate. Otherwise the sender is
 * application-limited and the bytes delivered only say "at least this much". Before any limit was
 * measured, the most the path could carry is bounded only by what TCP keeps in flight, the socket's send
 * buffer per round trip (the kernel sizes that buffer from the congestion window, so this is the
 * stream's counterpart of a QUIC sender's window / RTT), and that bound is the estimate. After one, the
 * estimate is the measurement, held for {@link #HOLD_NANOS} and then raised as {@link SendEstimator}
 * raises its own (so a receiver tries more in steps and a new queue measures the path again), never
 * above that bound unless measured, never less than what is delivered. Before the RTT is measured it is
 * 0 (unknown). Pure; not thread-safe; time is passed in.
 *
 * <p>The bound alone, after a measurement, was wrong once the socket held little unsent data: the queue
 * gone, it read 1.4 Mbit/s on a 200 kbit/s path and sent the hang player back up to a rendition the
 * path could not carry.
 */
public final class StreamDeliveryEstimator {
    /**
     * Five intervals: a median over three (a 600 ms window) let two bursts through, and a token bucket passes
     * its whole burst at line rate after a quiet moment (PROBE read 550 kbit/s on a 200 kbit/s path).
     */
    static final long WINDOW_NANOS = 1_000_000_000L;
    static final long HOLD_NANOS = 4_000_000_000L;
    static final int LIMITED_SAMPLES = 2;
    private static final long QUEUE_FLOOR_NANOS = 40_000_000L;

    private record Point(long at, long taken) {
    }

    private final ArrayDeque<Point> window = new ArrayDeque<>();
    private long minRttNanos = Long.MAX_VALUE;
    private int limitedSamples;
    private boolean limited;
    private long capacityBps = -1;
    private long limitedAt;
    private long lastRttNanos;

    /**
     * Adds one sample and returns the estimate in bits per second (0 = unknown).
     *
     * @param nowNanos      monotonic time of the sample
     * @param bytesDelivered bytes delivered so far: acknowledged, where TCP tells, else taken by the socket
     *                      (cumulative)
     * @param backlogBytes  bytes waiting in our buffers now because the socket would take no more
     * @param rttNanos      smoothed ping RTT now (0 = not measured yet)
     * @param windowBytes   the socket's send buffer now (what TCP may keep in flight), 0 when unknown
     */
    public long sample(long nowNanos, long bytesDelivered, long backlogBytes, long rttNanos, long windowBytes) {
        if (rttNanos > 0) {
            minRttNanos = Math.min(minRttNanos, rttNanos);
        }
        window.addLast(new Point(nowNanos, bytesDelivered));
        while (window.size() > 2 && nowNanos - window.getFirst().at() > WINDOW_NANOS) {
            window.removeFirst();
        }
        long delivered = delivered();
        long queue = rttNanos > 0 && minRttNanos != Long.MAX_VALUE ? rttNanos - minRttNanos : 0;
        boolean draining = lastRttNanos > 0 && rttNanos > 0 && rttNanos < lastRttNanos * 9 / 10;
        lastRttNanos = rttNanos;
        boolean queued = backlogBytes > 0 || queue > Math.max(QUEUE_FLOOR_NANOS, minRttNanos / 4) && !draining;
        limitedSamples = queued ? limitedSamples + 1 : 0;
        limited = delivered > 0 && limitedSamples >= LIMITED_SAMPLES;
        if (limited) {
            capacityBps = delivered;
            limitedAt = nowNanos;
            return delivered;
        }
        long bound = rttNanos <= 0 || windowBytes <= 0 ? 0 : windowBytes * 8 * 1_000_000_000L / rttNanos;
        if (capacityBps < 0) {
            return bound == 0 ? 0 : Math.max(delivered, bound);
        }
        long quiet = nowNanos - limitedAt - HOLD_NANOS;
        double grown = quiet <= 0 ? capacityBps
                : capacityBps * Math.min(SendEstimator.MAX_GROWTH, Math.pow(SendEstimator.GROWTH_PER_SECOND, quiet / 1e9));
        if (bound > 0) {
            grown = Math.min(grown, Math.max(bound, capacityBps));
        }
        return Math.max(delivered, (long) grown);
    }

    /**
     * The median of the window's per-sample rates (bits per second), or the whole window's rate while it
     * holds fewer than three intervals. One interval can carry a jump that is not a rate: when TCP
     * recovers a loss, the cumulative acknowledgement leaps over everything the peer had already
     * SACKed (1 Mbit/s read on a 200 kbit/s path over a 600 ms average).
     */
    private long delivered() {
        Point first = window.getFirst();
        Point last = window.getLast();
        if (window.size() < 4) {
            long span = last.at() - first.at();
            return span <= 0 ? 0 : Math.max(0, last.taken() - first.taken()) * 8 * 1_000_000_000L / span;
        }
        long[] rates = new long[window.size() - 1];
        Point previous = null;
        int i = 0;
        for (Point p : window) {
            if (previous != null) {
                long span = p.at() - previous.at();
                rates[i++] = span <= 0 ? 0 : Math.max(0, p.taken() - previous.taken()) * 8 * 1_000_000_000L / span;
            }
            previous = p;
        }
        java.util.Arrays.sort(rates);
        int n = rates.length;
        return n % 2 == 1 ? rates[n / 2] : (rates[n / 2 - 1] + rates[n / 2]) / 2;
    }

    /** Whether the last sample showed the path limiting the sender (the estimate is a measurement). */
    public boolean limited() {
        return limited;
    }
}
