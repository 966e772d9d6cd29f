package dev.parley.net.path;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The timings and thresholds of path selection (substrate §4.3 and §4.5, iroh ≤ 0.95 values).
 *
 * @param trust          a Pong makes its address trusted for this long
 * @param heartbeat      the trusted path is pinged this often while the session is active
 * @param pingTimeout    an unanswered ping is given up after this long; an untrusted candidate is
 *                       pinged again no sooner
 * @param sessionActive  a peer counts as active for this long after the last packet to or from it
 * @param upgrade        how often the other candidates are probed while a direct path is in use
 * @param switchMin      a new direct path replaces the current one only if its RTT is this much better
 * @param ipv6Advantage  an IPv6 path's RTT counts this much lower
 * @param callMeMaybe    at most one CallMeMaybe per peer this often while no direct path is trusted
 */
public record PathPolicy(Duration trust, Duration heartbeat, Duration pingTimeout, Duration sessionActive,
                         Duration upgrade, Duration switchMin, Duration ipv6Advantage, Duration callMeMaybe) {

    /** The values of substrate §4.3/§4.5. */
    public static final PathPolicy DEFAULT = new PathPolicy(Duration.ofMillis(6500), Duration.ofSeconds(5),
            Duration.ofSeconds(5), Duration.ofSeconds(45), Duration.ofSeconds(60), Duration.ofMillis(5),
            Duration.ofMillis(3), Duration.ofSeconds(5));

    long biasedRtt(InetSocketAddress address, long rttNanos) {
        return address.getAddress() instanceof Inet6Address ? rttNanos - ipv6Advantage.toNanos() : rttNanos;
    }
}
