package dev.parley.net.quic;

import dev.parley.net.identity.Identity;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How an {@link Endpoint} binds and what it allows peers.
 *
 * @param identity           the endpoint's key; its id is what peers dial
 * @param bindAddress        local UDP address; port 0 picks an ephemeral port
 * @param handshakeTimeout   a dial fails if the handshake has not finished by then
 * @param idleTimeout        a connection with no traffic for this long closes
 * @param maxBidiStreams     concurrent bidirectional streams a peer may open
 * @param maxUniStreams      concurrent unidirectional streams a peer may open
 * @param streamWindow       receive window per stream in bytes (QUIC flow control)
 * @param connectionWindow   receive window per connection in bytes
 * @param relayUrl           the home relay (iroh relay protocol), null for none: with one the endpoint is
 *                           reachable by id through it and its address carries the URL
 * @param mdns               whether to advertise and browse for peers on the LAN with mDNS
 * @param relayConnector     how relay links are opened (tests may wrap it); null: the relay client
 */
public record EndpointConfig(
        Identity identity,
        InetSocketAddress bindAddress,
        Duration handshakeTimeout,
        Duration idleTimeout,
        long maxBidiStreams,
        long maxUniStreams,
        long streamWindow,
        long connectionWindow,
        String relayUrl,
        boolean mdns,
        dev.parley.net.path.RelayConnector relayConnector) {

    public EndpointConfig {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (maxBidiStreams < 0 || maxUniStreams < 0 || streamWindow <= 0 || connectionWindow < streamWindow) {
            throw new IllegalArgumentException("stream limits must be >= 0 and windows positive (connection >= stream)");
        }
        if (relayUrl != null) {
            java.net.URI u;
            try {
                u = java.net.URI.create(relayUrl);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a relay URL: " + relayUrl);
            }
            if (u.getScheme() == null || !List.of("http", "https", "ws", "wss").contains(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("a relay URL is http(s):// or ws(s)://host[:port], got " + relayUrl);
            }
        }
    }

    /** Defaults: every interface (IPv4, and IPv6 where the socket is dual-stack), ephemeral port, 10 s handshake, 30 s idle, 100 bidi / 1000 uni streams. */
    public static EndpointConfig of(Identity identity) {
        return new EndpointConfig(identity, new InetSocketAddress(0), Duration.ofSeconds(10), Duration.ofSeconds(30),
                100, 1000, 1024 * 1024, 16 * 1024 * 1024, null, false, null);
    }

    /** Defaults bound to 127.0.0.1 on an ephemeral port, for tests and local use. */
    public static EndpointConfig loopback(Identity identity) {
        return of(identity).withBindAddress(new InetSocketAddress("127.0.0.1", 0));
    }

    public EndpointConfig withBindAddress(InetSocketAddress address) {
        return new EndpointConfig(identity, address, handshakeTimeout, idleTimeout, maxBidiStreams, maxUniStreams,
                streamWindow, connectionWindow, relayUrl, mdns, relayConnector);
    }

    public EndpointConfig withHandshakeTimeout(Duration timeout) {
        return new EndpointConfig(identity, bindAddress, timeout, idleTimeout, maxBidiStreams, maxUniStreams,
                streamWindow, connectionWindow, relayUrl, mdns, relayConnector);
    }

    public EndpointConfig withIdleTimeout(Duration timeout) {
        return new EndpointConfig(identity, bindAddress, handshakeTimeout, timeout, maxBidiStreams, maxUniStreams,
                streamWindow, connectionWindow, relayUrl, mdns, relayConnector);
    }

    public EndpointConfig withStreamLimits(long bidi, long uni) {
        return new EndpointConfig(identity, bindAddress, handshakeTimeout, idleTimeout, bidi, uni,
                streamWindow, connectionWindow, relayUrl, mdns, relayConnector);
    }

    public EndpointConfig withWindows(long stream, long connection) {
        return new EndpointConfig(identity, bindAddress, handshakeTimeout, idleTimeout, maxBidiStreams, maxUniStreams,
                stream, connection, relayUrl, mdns, relayConnector);
    }

    /** With a home relay ({@code null}: none). */
    public EndpointConfig withRelay(String url) {
        return new EndpointConfig(identity, bindAddress, handshakeTimeout, idleTimeout, maxBidiStreams, maxUniStreams,
                streamWindow, connectionWindow, url, mdns, relayConnector);
    }

    /** With mDNS discovery on the LAN on or off. */
    public EndpointConfig withMdns(boolean on) {
        return new EndpointConfig(identity, bindAddress, handshakeTimeout, idleTimeout, maxBidiStreams, maxUniStreams,
                streamWindow, connectionWindow, relayUrl, on, relayConnector);
    }

    public EndpointConfig withRelayConnector(dev.parley.net.path.RelayConnector connector) {
        return new EndpointConfig(identity, bindAddress, handshakeTimeout, idleTimeout, maxBidiStreams, maxUniStreams,
                streamWindow, connectionWindow, relayUrl, mdns, connector);
    }
}
