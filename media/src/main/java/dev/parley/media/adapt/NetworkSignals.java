package dev.parley.media.adapt;

import dev.parley.net.transport.PathStats;

import java.time.Duration;

/**
 * One adaptation sample, derived from two consecutive {@link PathStats} samples.
 *
 * @param rtt              smoothed round-trip time
 * @param minRtt           lowest round-trip time seen (baseline for queueing delay)
 * @param lossRate         packets lost / packets sent over the window (our send direction)
 * @param availableBps     estimated capacity: delivery rate when known, else {@code cwnd × 8 / rtt}
 * @param receiveBps       bytes actually received over the window × 8 (the downstream media rate)
 * @param congestionEvents cumulative congestion-window reductions
 */
public record NetworkSignals(Duration rtt, Duration minRtt, double lossRate, long availableBps, long receiveBps,
                             long congestionEvents) {

    /** Signals for the window between {@code earlier} and {@code later}. */
    public static NetworkSignals between(PathStats earlier, PathStats later) {
        long windowNanos = Math.max(1, Duration.between(earlier.at(), later.at()).toNanos());
        long rttNanos = later.rtt().toNanos();
        long available = later.deliveryRate() > 0 ? later.deliveryRate() * 8
                : rttNanos > 0 ? later.cwnd() * 8 * 1_000_000_000L / rttNanos : 0;
        long received = Math.max(0, later.bytesReceived() - earlier.bytesReceived()) * 8 * 1_000_000_000L / windowNanos;
        return new NetworkSignals(later.rtt(), later.minRtt(), later.lossRateSince(earlier), available, received,
                later.congestionEvents());
    }

    /** Queueing delay: how far the RTT sits above its floor. */
    public Duration queueingDelay() {
        Duration d = rtt.minus(minRtt);
        return d.isNegative() ? Duration.ZERO : d;
    }
}
