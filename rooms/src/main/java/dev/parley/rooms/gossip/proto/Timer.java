package dev.parley.rooms.gossip.proto;

import dev.parley.net.identity.EndpointId;
import dev.parley.rooms.gossip.wire.MessageId;

/** Timers a {@link TopicState} schedules through {@link Action.Schedule}; the driver hands them back. */
public sealed interface Timer {

    /** Re-send Join to the bootstrap peers while no neighbour is up. */
    record JoinRetry() implements Timer {}

    /** A Neighbor request (identified by {@code seq}) was not answered in time. */
    record NeighborRequestTimeout(EndpointId peer, long seq) implements Timer {}

    /** Try again to fill the active view from the passive view. */
    record Refill() implements Timer {}

    /** Periodic passive-view exchange. */
    record Shuffle() implements Timer {}

    /** Ask an announcer for a message seen only in an IHave. */
    record SendGraft(MessageId id) implements Timer {}

    /** Flush batched IHave announcements. */
    record DispatchLazy() implements Timer {}

    /** Sweep the payload and id caches. */
    record EvictCaches() implements Timer {}
}
