package dev.parley.net.transport;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Which path a connection's packets take right now.
 *
 * @param kind     direct, relayed, or none known yet
 * @param direct   the direct address in use (DIRECT), else null
 * @param relayUrl the relay in use (RELAY), else null
 * @param rtt      the disco round-trip time of the direct path, zero when unknown or relayed
 * @param changes  how many times the selected direct path changed
 */
public record PathInfo(Kind kind, InetSocketAddress direct, String relayUrl, Duration rtt, int changes) {
    public enum Kind { DIRECT, RELAY, NONE }

    public static PathInfo direct(InetSocketAddress address) {
        return new PathInfo(Kind.DIRECT, address, null, Duration.ZERO, 0);
    }

    public boolean relayed() {
        return kind == Kind.RELAY;
    }

    /** The far end of the path for the stats: the direct address, the relay, or {@code fallback} when none is known. */
    public java.net.SocketAddress remote(java.net.SocketAddress fallback) {
        return switch (kind) {
            case DIRECT -> direct;
            case RELAY -> new RelayAddress(relayUrl);
            case NONE -> fallback;
        };
    }

    /** {@code direct ip:port} ({@code direct [ipv6]:port}), {@code relay URL} or {@code none}: the form printed in stats. */
    public String describe() {
        return switch (kind) {
            case DIRECT -> "direct " + (direct.getAddress() instanceof java.net.Inet6Address
                    ? "[" + direct.getAddress().getHostAddress() + "]" : direct.getAddress().getHostAddress())
                    + ":" + direct.getPort();
            case RELAY -> "relay " + relayUrl;
            case NONE -> "none";
        };
    }

    @Override
    public String toString() {
        return describe();
    }
}
