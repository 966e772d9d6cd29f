package dev.parley.net.transport;

import java.util.ArrayDeque;

/**
 * The sending side's delivery estimate for a stream binding (QMux over one WebSocket/TCP connection),
 * where no congestion controller reports anything: measured from the bytes the socket has taken
 * (written into the kernel, which on a full path takes them only as fast as the peer acknowledges
 * them) over the last {@link #WINDOW_NANOS}, sampled about every 200 ms. It is what a PROBE reports.
 *
 * <p>The path is <em>limited</em> when, in {@link #LIMITED_SAMPLES} samples in a row, either data
 * waited in our own buffers because the socket would take no more, or the ping RTT (pings travel
 * behind the queued data) stood above its floor by more than {@code max(40 ms, minRtt / 4)}: then the
 * bytes taken are the path's capacity, and that is the estimate, held for {@link #HOLD_NANOS} once the
 * queue is gone. Otherwise the sender is application-limited: the path carried everything it was given
 * without a queue, and the most it could carry is bounded only by what TCP keeps in flight, the
 * socket's send buffer per round trip (the kernel sizes that buffer from the congestion window, so this
 * is the stream's counterpart of a QUIC sender's window / RTT); the estimate is that bound, and never
 * less than what is delivered. Before the RTT is measured it is 0 (unknown). Pure; not thread-safe;
 * time is passed in.
 */
public final class StreamDeliveryEstimator {
    static final long WINDOW_NANOS = 600_000_000L;
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

    /**
     * Adds one sample and returns the estimate in bits per second (0 = unknown).
     *
     * @param nowNanos      monotonic time of the sample
     * @param bytesTaken    bytes the socket has taken so far (cumulative)
     * @param backlogBytes  bytes waiting in our buffers now because the socket would take no more
     * @param rttNanos      smoothed ping RTT now (0 = not measured yet)
     * @param windowBytes   the socket's send buffer now (what TCP may keep in flight), 0 when unknown
     */
    public long sample(long nowNanos, long bytesTaken, long backlogBytes, long rttNanos, long windowBytes) {
        if (rttNanos > 0) {
            minRttNanos = Math.min(minRttNanos, rttNanos);
        }
        window.addLast(new Point(nowNanos, bytesTaken));
        while (window.size() > 2 && nowNanos - window.getFirst().at() > WINDOW_NANOS) {
            window.removeFirst();
        }
        Point first = window.getFirst();
        long span = nowNanos - first.at();
        long delivered = span <= 0 ? 0 : Math.max(0, bytesTaken - first.taken()) * 8 * 1_000_000_000L / span;
        long queue = rttNanos > 0 && minRttNanos != Long.MAX_VALUE ? rttNanos - minRttNanos : 0;
        boolean queued = backlogBytes > 0 || queue > Math.max(QUEUE_FLOOR_NANOS, minRttNanos / 4);
        limitedSamples = queued ? limitedSamples + 1 : 0;
        limited = delivered > 0 && limitedSamples >= LIMITED_SAMPLES;
        if (limited) {
            capacityBps = delivered;
            limitedAt = nowNanos;
            return delivered;
        }
        if (capacityBps >= 0 && nowNanos - limitedAt < HOLD_NANOS) {
            return Math.max(delivered, capacityBps);
        }
        if (rttNanos <= 0 || windowBytes <= 0) {
            return 0;
        }
        return Math.max(delivered, windowBytes * 8 * 1_000_000_000L / rttNanos);
    }

    /** Whether the last sample showed the path limiting the sender (the estimate is a measurement). */
    public boolean limited() {
        return limited;
    }
}
