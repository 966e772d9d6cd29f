package dev.parley.net.moq.session;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * The address of a moq-lite relay as a user gives it ({@code --moq-relay}): {@code https://host:port/path?jwt=…},
 * {@code http://…}, or the WebSocket forms {@code wss://}/{@code ws://}. The path is the scope on the relay
 * (moq-relay's convention); the query (a {@code jwt} token) is passed through untouched. Parley reaches a
 * relay over WebSocket with QMux framing: {@code http} becomes {@code ws} and {@code https} becomes
 * {@code wss}, as moq-relay serves both on one port.
 *
 * @param uri the WebSocket URL dialed ({@code ws} or {@code wss}, with a path of at least {@code /})
 */
public record MoqRelayUrl(URI uri) {
    public MoqRelayUrl {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme();
        if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
            throw new IllegalArgumentException("a moq relay is reached over ws:// or wss://, not " + uri);
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
        String ws = switch (scheme) {
            case "http", "ws" -> "ws";
            case "https", "wss" -> "wss";
            default -> throw new IllegalArgumentException("a moq relay URL starts with https://, http://, wss:// or ws://, got '"
                    + text.strip() + "'");
        };
        if (u.getHost() == null || u.getHost().isBlank()) {
            throw new IllegalArgumentException("the moq relay URL has no host: '" + text.strip() + "'");
        }
        if (u.getRawFragment() != null) {
            throw new IllegalArgumentException("the moq relay URL has a #fragment: '" + text.strip() + "'");
        }
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        try {
            return new MoqRelayUrl(new URI(ws + "://" + u.getRawAuthority() + path
                    + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery())));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getMessage());
        }
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
            return new MoqRelayUrl(new URI(uri.getScheme() + "://" + uri.getRawAuthority() + base + rest
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
        } catch (URISyntaxException e) {
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
        return uri.getScheme() + "://" + uri.getRawAuthority() + scope() + (uri.getRawQuery() == null ? "" : "?…");
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
