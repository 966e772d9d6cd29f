package dev.parley.net.transport;

import io.netty.handler.proxy.HttpProxyHandler;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP proxy a TCP connection (a relay link, a moq-lite WebSocket session) must go through, as
 * office and school networks require: there UDP is blocked and TCP only leaves through the proxy, so
 * the relay's WebSocket is the one way out. Read from the environment the way curl and most tools read
 * it: {@code HTTPS_PROXY} for {@code wss://}/{@code https://} targets, {@code HTTP_PROXY} for
 * {@code ws://}/{@code http://}, {@code ALL_PROXY} for both (lower-case names too, which win), and
 * {@code NO_PROXY}: a comma-separated list of host names (a name also covers its subdomains; a leading
 * dot is ignored), IP addresses and ranges ({@code 10.0.0.0/8}), or {@code *} for none. Loopback
 * targets never use a proxy. Only {@code http://} proxies are supported, with optional
 * {@code user:password@}; the tunnel is an HTTP {@code CONNECT}, so TLS stays end to end.
 *
 * @param address  the proxy, unresolved (resolved when the connection is made)
 * @param user     Basic authentication user, or null
 * @param password Basic authentication password, or null
 */
public record HttpProxy(InetSocketAddress address, String user, String password) {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpProxy.class);
    private static final java.util.Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * The proxy for a connection to {@code host} from this process's environment, if any. A malformed
     * setting is not used (the connection goes direct) and is reported once per process, so every kind of
     * connection treats it the same way.
     */
    public static Optional<HttpProxy> forTarget(boolean secure, String host) {
        try {
            return forTarget(secure, host, System.getenv());
        } catch (IllegalArgumentException e) {
            if (WARNED.size() < 16 && WARNED.add(e.getMessage())) {
                LOG.warn("ignoring the proxy setting: {}", e.getMessage());
            }
            return Optional.empty();
        }
    }

    /**
     * The proxy for a connection to {@code host} ({@code secure}: TLS inside, a {@code wss://} or
     * {@code https://} URL) under {@code env}.
     *
     * @throws IllegalArgumentException when the proxy variable is not an {@code http://host[:port]} URL
     */
    public static Optional<HttpProxy> forTarget(boolean secure, String host, Map<String, String> env) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (isLoopback(h) || bypassed(h, get(env, "no_proxy"))) {
            return Optional.empty();
        }
        String url = get(env, secure ? "https_proxy" : "http_proxy");
        if (url == null) {
            url = get(env, "all_proxy");
        }
        return url == null ? Optional.empty() : Optional.of(parse(url));
    }

    /** An {@code http://[user:password@]host[:port]} proxy URL (port 80 when missing; a bare {@code host:port} too). */
    public static HttpProxy parse(String url) {
        URI u;
        try {
            u = URI.create(url.contains("://") ? url.trim() : "http://" + url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a proxy URL: " + url, e);
        }
        if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("only http://host[:port] proxies are supported, not " + url);
        }
        String user = null;
        String password = null;
        if (u.getUserInfo() != null) {
            String[] parts = u.getUserInfo().split(":", 2);
            user = parts[0];
            password = parts.length > 1 ? parts[1] : "";
        }
        String host = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1) : u.getHost();
        return new HttpProxy(InetSocketAddress.createUnresolved(host, u.getPort() > 0 ? u.getPort() : 80), user, password);
    }

    /**
     * A handler that opens the {@code CONNECT} tunnel: first in the pipeline, before TLS; the channel must be
     * connected to the target's unresolved address (the proxy resolves the name). Resolves the proxy's own
     * name here, so call it where a DNS lookup may block.
     */
    public HttpProxyHandler handler(Duration connectTimeout) {
        InetSocketAddress resolved = new InetSocketAddress(address.getHostString(), address.getPort());
        HttpProxyHandler h = user == null ? new HttpProxyHandler(resolved) : new HttpProxyHandler(resolved, user, password);
        h.setConnectTimeoutMillis(connectTimeout.toMillis());
        return h;
    }

    @Override
    public String toString() {
        return "http://" + (user == null ? "" : user + ":***@") + address.getHostString() + ":" + address.getPort();
    }

    private static String get(Map<String, String> env, String lowerName) {
        String v = env.get(lowerName);
        if (v == null || v.isBlank()) {
            v = env.get(lowerName.toUpperCase(Locale.ROOT));
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.") || h.equals("::1");
    }

    private static boolean bypassed(String host, String noProxy) {
        if (noProxy == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        for (String raw : noProxy.split(",")) {
            String e = raw.trim().toLowerCase(Locale.ROOT);
            if (e.startsWith(".")) {
                e = e.substring(1);
            }
            if (e.isEmpty()) {
                continue;
            }
            if (e.equals("*") || h.equals(e) || h.endsWith("." + e) || e.contains("/") && inRange(h, e)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the IP literal {@code host} lies in {@code cidr} (e.g. {@code 10.0.0.0/8}); false for names. */
    private static boolean inRange(String host, String cidr) {
        try {
            String[] parts = cidr.split("/", 2);
            byte[] net = java.net.InetAddress.ofLiteral(parts[0]).getAddress();
            byte[] ip = java.net.InetAddress.ofLiteral(host).getAddress();
            int bits = Integer.parseInt(parts[1]);
            if (net.length != ip.length || bits < 0 || bits > net.length * 8) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((net[i / 8] & mask) != (ip[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (IllegalArgumentException e) { // not literals (NumberFormatException included)
            return false;
        }
    }
}
