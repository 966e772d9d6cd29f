package dev.parley.rooms.gossip.proto;

import dev.parley.net.identity.EndpointId;
import dev.parley.rooms.gossip.wire.TreeMessage.Scope;

/** What the application sees of a topic. */
public sealed interface GossipEvent {

    /** A peer entered the active view (a direct, connected neighbour). */
    record NeighborUp(EndpointId peer) implements GossipEvent {}

    /** A peer left the active view. */
    record NeighborDown(EndpointId peer) implements GossipEvent {}

    /** A broadcast arrived, first copy only; {@code deliveredFrom} is the neighbour that relayed it. */
    record Received(byte[] content, EndpointId deliveredFrom, Scope scope) implements GossipEvent {}
}
