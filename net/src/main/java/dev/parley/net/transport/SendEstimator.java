package dev.parley.net.transport;

import java.util.ArrayDeque;

/**
 * The sending side's estimate of what a path can carry, from the cumulative counters a transport
 * already keeps (bytes sent, bytes declared lost, smoothed RTT), sampled about every 200 ms. It is what
 * a PROBE reports to the subscriber.
 *
 * <p>Delivered rate = (sent − lost) bytes over the last {@link #WINDOW_NANOS}. That is the path's
 * capacity only while the path queues and the queue is not draining: the smoothed RTT stands above its
 * floor by more than {@code max(40 ms, minRtt / 4)} while at least 1 % of the packets of the last second
 * were lost (a full bottleneck queue drops; a receiver starved of CPU, which acknowledges late, does not),
 * or (shallow buffers) more than 10 % of packets were lost while the RTT is at least 5 ms above its floor,
 * in {@link #QUEUED_SAMPLES} samples in a row (a keyframe burst on a fast path lifts the RTT for one). Random loss without queueing is not a bottleneck. While the path does
 * not queue the sender is application-limited and the delivered rate only says "at least this much", so
 * the estimate is the last congested measurement, held for {@link #HOLD_NANOS} and then raised by
 * {@link #GROWTH_PER_SECOND} per second up to {@link #MAX_GROWTH} times (so a receiver eventually tries
 * more, and a new queue measures the path again), and never less than what is delivered now. Before the first congestion the capacity
 * is unknown (0). Pure; not thread-safe; time is passed in.
 */
public final class SendEstimator {
    static final long WINDOW_NANOS = 400_000_000L;
    static final long HOLD_NANOS = 4_000_000_000L;
    static final double GROWTH_PER_SECOND = 1.15;
    /** The raised estimate stops at this many times the measured capacity (enough to try the next rungs). */
    static final double MAX_GROWTH = 16;
    private static final long QUEUE_FLOOR_NANOS = 40_000_000L;
    /** Queueing must show in this many samples in a row: a keyframe burst lifts the smoothed RTT for one. */
    static final int QUEUED_SAMPLES = 3;
    private static final long LOSSY_QUEUE_NANOS = 5_000_000L;
    private static final double LOSS_CONGESTED = 0.10;
    /** A full bottleneck queue drops: this much loss over {@link #LOSS_WINDOW_NANOS} confirms a queue. */
    private static final double LOSS_CONFIRMS = 0.01;
    static final long LOSS_WINDOW_NANOS = 1_000_000_000L;

    private record Point(long at, long delivered, long packetsSent, long packetsLost) {
    }

    private final ArrayDeque<Point> window = new ArrayDeque<>();
    private final ArrayDeque<Point> lossWindow = new ArrayDeque<>();
    private long minRttNanos = Long.MAX_VALUE;
    private long capacityBps = -1;
    private long congestedAt;
    private long lastRttNanos;
    private int queuedSamples;
    private boolean congested;

    /**
     * Adds one sample of cumulative counters and returns the estimate in bits per second (0 = unknown).
     *
     * @param nowNanos    monotonic time of the sample
     * @param bytesSent   bytes sent so far (including retransmissions)
     * @param bytesLost   bytes declared lost so far
     * @param packetsSent packets sent so far
     * @param packetsLost packets declared lost so far
     * @param rttNanos    smoothed RTT now (0 = not measured yet)
     */
    public long sample(long nowNanos, long bytesSent, long bytesLost, long packetsSent, long packetsLost, long rttNanos) {
        if (rttNanos > 0) {
            minRttNanos = Math.min(minRttNanos, rttNanos);
        }
        Point point = new Point(nowNanos, bytesSent - bytesLost, packetsSent, packetsLost);
        window.addLast(point);
        while (window.size() > 2 && nowNanos - window.getFirst().at() > WINDOW_NANOS) {
            window.removeFirst();
        }
        lossWindow.addLast(point);
        while (lossWindow.size() > 2 && nowNanos - lossWindow.getFirst().at() > LOSS_WINDOW_NANOS) {
            lossWindow.removeFirst();
        }
        long sentLonger = point.packetsSent() - lossWindow.getFirst().packetsSent();
        boolean dropping = sentLonger > 0
                && (double) (point.packetsLost() - lossWindow.getFirst().packetsLost()) / sentLonger >= LOSS_CONFIRMS;
        Point first = window.getFirst();
        long span = nowNanos - first.at();
        if (span <= 0) {
            return estimate(nowNanos, 0);
        }
        long delivered = Math.max(0, (first == window.getLast() ? 0 : window.getLast().delivered() - first.delivered()))
                * 8 * 1_000_000_000L / span;
        long queue = rttNanos > 0 && minRttNanos != Long.MAX_VALUE ? rttNanos - minRttNanos : 0;
        long sent = window.getLast().packetsSent() - first.packetsSent();
        double loss = sent <= 0 ? 0 : (double) (window.getLast().packetsLost() - first.packetsLost()) / sent;
        boolean queued = queue > Math.max(QUEUE_FLOOR_NANOS, minRttNanos / 4) && dropping
                || loss > LOSS_CONGESTED && queue > LOSSY_QUEUE_NANOS;
        queuedSamples = queued ? queuedSamples + 1 : 0;
        congested = delivered > 0 && queuedSamples >= QUEUED_SAMPLES;
        // a queue that drains (RTT falling) is being sent less than it carries: not a capacity measurement
        boolean draining = lastRttNanos > 0 && rttNanos < lastRttNanos * 9 / 10;
        lastRttNanos = rttNanos;
        if (congested) {
            congestedAt = nowNanos;
            if (!draining || capacityBps < 0) {
                capacityBps = delivered;
            }
            return Math.max(delivered, capacityBps);
        }
        return estimate(nowNanos, delivered);
    }

    private long estimate(long nowNanos, long delivered) {
        if (capacityBps < 0) {
            return 0;
        }
        long quiet = nowNanos - congestedAt - HOLD_NANOS;
        double grown = quiet <= 0 ? capacityBps
                : capacityBps * Math.min(MAX_GROWTH, Math.pow(GROWTH_PER_SECOND, quiet / 1e9));
        return Math.max(delivered, (long) Math.min(Long.MAX_VALUE / 2, grown));
    }

    /** Whether the last sample showed the path queueing (the estimate is a measurement, not a bound). */
    public boolean congested() {
        return congested;
    }
}
