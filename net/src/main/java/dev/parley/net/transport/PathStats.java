package dev.parley.net.transport;

import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * One sample of a connection path's statistics. Counters are cumulative since the connection
 * started; rates come from the congestion controller. Sampled about every 200 ms.
 *
 * @param at               when the sample was taken
 * @param remote           the peer address this path uses
 * @param relayed          true when traffic goes through a relay rather than directly
 * @param rtt              smoothed round-trip time
 * @param minRtt           smallest round-trip time seen
 * @param cwnd             congestion window in bytes
 * @param deliveryRate     the sender's estimate of the path's capacity in bytes per second, 0 when unknown
 *                         (QUIC: {@link SendEstimator}; what a publisher's PROBE reports)
 * @param bytesSent        bytes sent
 * @param bytesReceived    bytes received
 * @param packetsSent      packets sent
 * @param packetsReceived  packets received
 * @param packetsLost      packets declared lost
 * @param congestionEvents times the congestion window shrank (loss or ECN reaction)
 */
public record PathStats(
        Instant at,
        SocketAddress remote,
        boolean relayed,
        Duration rtt,
        Duration minRtt,
        long cwnd,
        long deliveryRate,
        long bytesSent,
        long bytesReceived,
        long packetsSent,
        long packetsReceived,
        long packetsLost,
        long congestionEvents) {

    /** A sample with nothing measured yet. */
    public static PathStats empty(SocketAddress remote, boolean relayed) {
        return new PathStats(Instant.now(), remote, relayed, Duration.ZERO, Duration.ZERO, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** Fraction of packets lost between an earlier sample and this one (0 when nothing was sent). */
    public double lossRateSince(PathStats earlier) {
        long sent = packetsSent - earlier.packetsSent;
        long lost = packetsLost - earlier.packetsLost;
        return sent <= 0 ? 0.0 : Math.min(1.0, Math.max(0.0, (double) lost / sent));
    }
}
