package dev.parley.rooms.gossip.proto;

import dev.parley.net.identity.EndpointId;
import dev.parley.rooms.gossip.wire.TreeMessage.Scope;

/** What the application sees of a topic. */
public sealed interface GossipEvent {

    /** A peer entered the active view (a direct, connected neighbour). */
    record NeighborUp(EndpointId peer) implements GossipEvent {}

    /** A peer left the active view, and why. */
    record NeighborDown(EndpointId peer, DownReason reason) implements GossipEvent {}

    /** Why a neighbour went down. */
    enum DownReason {
        /** It said goodbye (Disconnect, not alive): it left the topic. */
        LEFT,
        /** The link failed: idle timeout (a crash or a cut), or a dial error. */
        FAILED,
        /** It is alive but no longer a neighbour (eviction, refusal, a clean link close, or we quit). */
        DEMOTED
    }

    /** A broadcast arrived, first copy only; {@code deliveredFrom} is the neighbour that relayed it. */
    record Received(byte[] content, EndpointId deliveredFrom, Scope scope) implements GossipEvent {}
}
