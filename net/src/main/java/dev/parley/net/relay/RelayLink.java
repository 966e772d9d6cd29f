package dev.parley.net.relay;

import dev.parley.net.identity.EndpointId;
import io.netty.buffer.ByteBuf;

/** A connection to one relay server, carrying datagrams to and from other endpoints by id. */
public interface RelayLink extends AutoCloseable {
    String url();

    boolean isConnected();

    /** Never blocks; takes ownership of {@code datagram}; false if it was dropped. */
    boolean send(EndpointId destination, ByteBuf datagram);

    @Override
    void close();

    interface Listener {
        /** On an event loop; the listener releases {@code datagram}. */
        void onDatagram(EndpointId source, ByteBuf datagram);

        default void onEndpointGone(EndpointId id) {
        }

        default void onConnectionChanged(boolean connected) {
        }
    }
}
