package dev.parley.rooms.gossip.proto;

import dev.parley.net.identity.EndpointId;
import dev.parley.rooms.gossip.wire.PeerData;
import dev.parley.rooms.gossip.wire.TopicMessage;

/**
 * What a {@link TopicState} asks its driver to do. The state machine never performs I/O or reads a
 * clock; the simulation and the QUIC driver both just carry these out.
 */
public sealed interface Action {

    /** Send a message to a peer, dialing it first if there is no connection (sending implies connect). */
    record Send(EndpointId to, TopicMessage message) implements Action {}

    /**
     * This topic no longer needs the link to {@code peer}. The driver closes it once no other topic
     * uses it, after queued messages have gone out, and must not report that close back as a failure.
     */
    record Disconnect(EndpointId peer) implements Action {}

    /** Deliver an event to the application. */
    record Emit(GossipEvent event) implements Action {}

    /** Call {@link TopicState#onTimer} with {@code timer} after {@code delayMs}. */
    record Schedule(long delayMs, Timer timer) implements Action {}

    /** Learned a peer's data (its addresses); the driver feeds its address book with it. */
    record PeerDataLearned(EndpointId peer, PeerData data) implements Action {}
}
