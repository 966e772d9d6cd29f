package dev.parley.net.relay;

import dev.parley.net.identity.Identity;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Connects to a relay and keeps the link up: {@link #connect} returns at once and (re)connects in the
 * background with capped exponential backoff until the link is closed. See {@link RelayConnection}.
 */
public final class RelayClient {
    private RelayClient() {}

    /**
     * Timings and limits of a link. {@code pingInterval}: how long the relay may be silent before the client
     * pings it; {@code deadAfter}: silence after which the connection is dropped and redialled.
     */
    public record Options(Duration firstRetry, Duration maxRetry, Duration pingInterval, Duration deadAfter,
                          Duration connectTimeout, int queueCapacity, Optional<SslContext> tls) {
        public static Options defaults() {
            return new Options(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(2),
                    Duration.ofSeconds(6), Duration.ofSeconds(5), 512, Optional.empty());
        }

        public Options withTls(SslContext tls) {
            return new Options(firstRetry, maxRetry, pingInterval, deadAfter, connectTimeout, queueCapacity, Optional.of(tls));
        }

        public Options withQueueCapacity(int capacity) {
            return new Options(firstRetry, maxRetry, pingInterval, deadAfter, connectTimeout, capacity, tls);
        }
    }

    /** Links to the relay at {@code url} (iroh style {@code http(s)://host:port/}) as {@code identity}. */
    public static RelayLink connect(String url, Identity identity, EventLoopGroup group, RelayLink.Listener listener) {
        return connect(url, identity, group, listener, Options.defaults());
    }

    public static RelayLink connect(String url, Identity identity, EventLoopGroup group, RelayLink.Listener listener,
                                    Options options) {
        RelayConnection c = new RelayConnection(url, webSocketUri(url), identity, group.next(), listener, options);
        c.start();
        return c;
    }

    /**
     * Where a Parley relay answers STUN by default: UDP on its URL's host and port number
     * ({@code parley relay} binds STUN on the same port number as its HTTP listener). Not resolved.
     */
    public static InetSocketAddress stunAddress(String url) {
        URI ws = webSocketUri(url);
        String host = ws.getHost().startsWith("[") ? ws.getHost().substring(1, ws.getHost().length() - 1) : ws.getHost();
        return InetSocketAddress.createUnresolved(host, ws.getPort());
    }

    /**
     * The WebSocket URI of a relay URL: {@code http}→{@code ws}, {@code https}→{@code wss} (a {@code ws(s)}
     * URL is taken as is), path + {@code relay}. Throws {@link IllegalArgumentException} for anything else.
     */
    public static URI webSocketUri(String url) {
        URI u;
        try {
            u = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a relay URL: " + url, e);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
        boolean secure = switch (scheme) {
            case "http", "ws" -> false;
            case "https", "wss" -> true;
            default -> throw new IllegalArgumentException("a relay URL is http(s)://host:port/, got " + url);
        };
        if (u.getHost() == null) {
            throw new IllegalArgumentException("a relay URL needs a host: " + url);
        }
        int port = u.getPort() > 0 ? u.getPort() : secure ? 443 : 80;
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        if (!path.endsWith(HttpFront.RELAY_PATH)) {
            path = (path.endsWith("/") ? path : path + "/") + HttpFront.RELAY_PATH.substring(1);
        }
        String host = u.getHost().indexOf(':') >= 0 && !u.getHost().startsWith("[") ? "[" + u.getHost() + "]" : u.getHost();
        return URI.create((secure ? "wss" : "ws") + "://" + host + ":" + port + path);
    }
}
