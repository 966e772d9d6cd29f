package dev.parley.net.relay;

import dev.parley.net.identity.EndpointId;
import io.netty.buffer.ByteBuf;

/**
 * A client's link to its home relay, kept up by {@link RelayClient}: datagrams go to peers by
 * {@link EndpointId} and come back with the relay-authenticated source id.
 */
public interface RelayLink extends AutoCloseable {
    /** The relay URL as given, e.g. {@code "http://198.18.0.1:3340/"}. */
    String url();

    /** True while authenticated to the relay. */
    boolean isConnected();

    /**
     * Queues {@code datagram} for {@code destination}. Never blocks; false if dropped (not connected,
     * queue full, over 64 KiB). Takes ownership of {@code datagram} either way.
     */
    boolean send(EndpointId destination, ByteBuf datagram);

    /** Stops reconnecting and closes the connection. */
    @Override
    void close();

    /** Receives what the relay delivers; called on an event loop, must not block. */
    interface Listener {
        /** A datagram from {@code source}; the listener releases it. */
        void onDatagram(EndpointId source, ByteBuf datagram);

        /** A peer that this client had received datagrams from left the relay. */
        default void onEndpointGone(EndpointId id) {}

        /** Authenticated (true) or lost (false). */
        default void onConnectionChanged(boolean connected) {}
    }
}
