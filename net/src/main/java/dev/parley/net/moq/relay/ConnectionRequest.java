package dev.parley.net.moq.relay;

import dev.parley.net.identity.EndpointId;

import java.util.Objects;
import java.util.Optional;

/**
 * What a relay knows about a new session when it resolves its scope.
 *
 * @param path      the raw (undecoded) connection path, not yet validated
 * @param query     the raw URL query without {@code ?}, empty when absent
 * @param peer      the peer's endpoint identity on raw QUIC (mutual TLS), empty on WebSocket
 * @param transport {@code quic} or {@code websocket}, for logs and policies
 */
public record ConnectionRequest(String path, String query, Optional<EndpointId> peer, String transport) {
    public ConnectionRequest {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(transport, "transport");
    }

    /** A request from {@code path?query} as one string (the lite-05 SETUP Path form). */
    public static ConnectionRequest of(String pathAndQuery, Optional<EndpointId> peer, String transport) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? new ConnectionRequest(pathAndQuery, "", peer, transport)
                : new ConnectionRequest(pathAndQuery.substring(0, q), pathAndQuery.substring(q + 1), peer, transport);
    }

    /**
     * Every value of query parameter {@code name}, in order, form-decoded as moq-relay's URL parser does
     * ({@code %3A} is {@code :}, {@code +} a space; browsers encode {@code ?pull=parley:…} that way). A
     * value with a malformed escape is kept as sent.
     */
    public java.util.List<String> parameter(String name) {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                out.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return out;
    }

    private static String decode(String value) {
        try {
            return java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }
}
