package dev.parley.net.quic;

import dev.parley.net.transport.Connection;

/**
 * Serves one application protocol (ALPN) on an {@link Endpoint}, like a route in a router.
 * {@link #accept} runs on its own virtual thread for each incoming connection, so it may block
 * for the connection's whole life; returning does not close the connection.
 */
@FunctionalInterface
public interface ProtocolHandler extends java.util.function.Consumer<Connection> {
    @Override
    void accept(Connection connection);
}
