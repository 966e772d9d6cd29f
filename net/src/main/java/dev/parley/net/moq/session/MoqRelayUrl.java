package dev.parley.net.moq.session;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The address of a moq-lite relay as a user gives it ({@code --moq-relay}). The path is the scope on
 * the relay (moq-relay's convention); the query (a {@code jwt} token) is passed through untouched. The
 * scheme says how the relay is reached, as the public moq clients read it:
 * <ul>
 *   <li>{@code https://} - raw QUIC (ALPN {@code moq-lite-0X}, WebPKI TLS for the URL's host) and
 *       secure WebSocket to the same host and port number, dialed at once; the first to connect wins
 *       (the npm clients race WebTransport and WebSocket the same way; Parley has no WebTransport, and
 *       moq-relay serves raw QUIC on its WebTransport port);</li>
 *   <li>{@code moql://} - raw QUIC only (moq-native's scheme for it); {@code moql://<endpoint-id>@host:port/}
 *       checks the relay against its Ed25519 key instead of a certificate (a {@code parley relay} prints this
 *       URL), so a relay without a certificate is still reached encrypted and authenticated;</li>
 *   <li>{@code wss://} - secure WebSocket only; {@code http://} and {@code ws://} - plain WebSocket only
 *       (without TLS there is nothing to check a QUIC server against).</li>
 * </ul>
 * WebSocket uses QMux framing. Raw QUIC carries no URL, so the path and query go in the lite-05 SETUP
 * Path; a relay that only speaks lite-03/04 over QUIC can then be used only at its root without a token.
 *
 * @param uri the normalized URL: scheme {@code https}, {@code moql}, {@code wss} or {@code ws}, a path of at least {@code /}
 */
public record MoqRelayUrl(URI uri) {
    /** How the relay is reached. */
    public enum Transport {
        /** Raw QUIC and WebSocket raced; the first to connect wins. */
        AUTO,
        /** Raw QUIC only. */
        QUIC,
        /** WebSocket (QMux) only. */
        WEBSOCKET
    }

    public MoqRelayUrl {
        Objects.requireNonNull(uri, "uri");
        if (!List.of("https", "moql", "wss", "ws").contains(uri.getScheme())) {
            throw new IllegalArgumentException("a moq relay is reached over https://, moql://, wss:// or ws://, not " + uri);
        }
    }

    /**
     * Parses {@code text}; any problem is an {@link IllegalArgumentException} saying what is wrong.
     */
    public static MoqRelayUrl parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the moq relay URL is empty");
        }
        URI u;
        try {
            u = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getMessage());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        String normal = switch (scheme) {
            case "http", "ws" -> "ws";
            case "https", "wss", "moql" -> scheme;
            default -> throw new IllegalArgumentException("a moq relay URL starts with https://, http://, moql://, wss:// or ws://, got '"
                    + text.strip() + "'");
        };
        if (u.getHost() == null || u.getHost().isBlank()) {
            throw new IllegalArgumentException("the moq relay URL has no host: '" + text.strip() + "'");
        }
        if (u.getRawFragment() != null) {
            throw new IllegalArgumentException("the moq relay URL has a #fragment: '" + text.strip() + "'");
        }
        if (u.getRawUserInfo() != null) {
            if (!"moql".equals(normal)) {
                throw new IllegalArgumentException("a relay's key (<endpoint-id>@) goes with moql:// (raw QUIC), not "
                        + scheme + ":// (a user or password in a relay URL is not used)"); // never echo what may be a password
            }
            dev.parley.net.identity.EndpointId.fromHex(u.getRawUserInfo()); // a clear error for a bad key
        }
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return new MoqRelayUrl(build(normal, u.getRawAuthority(), path, u.getRawQuery()));
    }

    private static URI build(String scheme, String authority, String path, String query) {
        try {
            return new URI(scheme + "://" + authority + path + (query == null ? "" : "?" + query));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getMessage());
        }
    }

    /**
     * The relay's Ed25519 endpoint id when the URL names it ({@code moql://<id>@host:port/}): the QUIC
     * handshake then checks the relay's raw public key instead of a WebPKI certificate.
     */
    public java.util.Optional<dev.parley.net.identity.EndpointId> relayId() {
        String id = uri.getRawUserInfo();
        return id == null ? java.util.Optional.empty() : java.util.Optional.of(dev.parley.net.identity.EndpointId.fromHex(id));
    }

    /** How the URL says to reach the relay. */
    public Transport transport() {
        return switch (uri.getScheme()) {
            case "https" -> Transport.AUTO;
            case "moql" -> Transport.QUIC;
            default -> Transport.WEBSOCKET;
        };
    }

    /**
     * What to dial, at once: {@code moql://} for raw QUIC and {@code ws://}/{@code wss://} for WebSocket, with
     * this URL's host, port, path and query.
     */
    public List<URI> dialTargets() {
        String a = uri.getRawAuthority();
        String q = uri.getRawQuery();
        return switch (transport()) {
            case AUTO -> List.of(build("moql", a, scope(), q), build("wss", a, scope(), q));
            case QUIC -> List.of(uri);
            case WEBSOCKET -> List.of(uri);
        };
    }

    /** The {@code path[?query]} a raw QUIC client sends in the lite-05 SETUP. */
    public String setupPath() {
        return scope() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /** The scope: the URL's path ({@code /} for the root). */
    public String scope() {
        return uri.getRawPath();
    }

    /**
     * The same relay and credentials at {@code suffix} below this URL's path: {@code under("parley/rooms/ab")}
     * of {@code wss://r/app?jwt=t} is {@code wss://r/app/parley/rooms/ab?jwt=t}.
     */
    public MoqRelayUrl under(String suffix) {
        String base = scope().endsWith("/") ? scope() : scope() + "/";
        String rest = suffix.startsWith("/") ? suffix.substring(1) : suffix;
        try {
            return new MoqRelayUrl(build(uri.getScheme(), uri.getRawAuthority(), base + rest, uri.getRawQuery()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a relay path: " + suffix, e);
        }
    }

    /**
     * Where a relay's GOAWAY sends this client: {@code newSessionUri} parsed as a relay URL; one without a
     * path (or just {@code /}) and without a query names only the relay, so this URL's scope and token go
     * along ({@code wss://b/} for {@code wss://a/team?jwt=t} is {@code wss://b/team?jwt=t}); one with either
     * is taken as given. Throws {@link IllegalArgumentException} for an empty or malformed URI.
     */
    public MoqRelayUrl redirect(String newSessionUri) {
        MoqRelayUrl to = parse(newSessionUri);
        if (!"/".equals(to.scope()) || to.uri().getRawQuery() != null) {
            return to;
        }
        try {
            return new MoqRelayUrl(new URI(to.uri().getScheme() + "://" + to.uri().getRawAuthority() + scope()
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getMessage(), e);
        }
    }

    /** The URL without its query (a token is a secret): for logs and messages. */
    public String redacted() {
        return redacted(uri);
    }

    /** {@code target} without its query. */
    public static String redacted(URI target) {
        return target.getScheme() + "://" + target.getRawAuthority() + target.getRawPath()
                + (target.getRawQuery() == null ? "" : "?…");
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
