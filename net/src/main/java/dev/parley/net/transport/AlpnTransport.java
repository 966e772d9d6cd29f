package dev.parley.net.transport;

import dev.parley.net.ticket.EndpointAddr;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A binding that serves protocols by ALPN and dials peers offering ALPNs (the QUIC endpoint): what the
 * moq session layer needs from it, so that layer does not depend on the binding itself.
 */
public interface AlpnTransport {
    /** Hands every accepted connection that negotiated {@code alpn} to {@code handler}. */
    void register(String alpn, Consumer<Connection> handler);

    /** Stops serving {@code alpn}; open connections stay. */
    void unregister(String alpn);

    /** Dials {@code peer} offering {@code alpns} in preference order. */
    CompletableFuture<Connection> connect(EndpointAddr peer, List<String> alpns);
}
