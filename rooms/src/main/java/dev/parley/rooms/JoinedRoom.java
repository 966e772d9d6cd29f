package dev.parley.rooms;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.quic.Endpoint;
import dev.parley.rooms.ticket.RoomMode;
import dev.parley.rooms.ticket.RoomTicket;

import dev.parley.net.transport.PathStats;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * A room this peer is in, whatever carries it: {@link Room} (gossip, peer to peer), {@link RelayRoom}
 * (everything through a moq-lite relay) or {@link HybridRoom} (direct first, the relay per peer as a
 * fallback). {@link #join} picks by the ticket's {@link RoomMode}. Commands go through {@link #handle()},
 * what happens comes out of {@link #events()}, the same events in every mode.
 */
public sealed interface JoinedRoom extends AutoCloseable permits Room, RelayRoom, HybridRoom {

    /** Joins the room of {@code ticket} on {@code endpoint} in the ticket's mode. */
    static JoinedRoom join(Endpoint endpoint, RoomTicket ticket, RoomOptions options) {
        return switch (ticket.mode()) {
            case GOSSIP -> Room.join(endpoint, ticket, options);
            case RELAY -> RelayRoom.join(endpoint, ticket, options);
            case HYBRID -> HybridRoom.join(endpoint, ticket, options);
        };
    }

    RoomHandle handle();

    RoomEvents events();

    EndpointId me();

    /** A ticket to this room (same topic, mode and relay) that lists this peer first where peers are dialed. */
    RoomTicket ticket();

    default RoomMode mode() {
        return ticket().mode();
    }

    /**
     * Follows the path samples of the connection {@code peer}'s media comes over (its own connection, or
     * the relay session when it is relayed; the connection's own 200 ms samples, on a transport thread),
     * with the PROBE estimate last received on it; empty when no such connection is open. Ends with that
     * connection or when the returned handle is closed.
     */
    Optional<AutoCloseable> followPath(EndpointId peer, BiConsumer<PathStats, OptionalLong> sample);

    /** The capacity estimate {@code peer} last sent for its path toward us (bps, 0 = unknown), if linked. */
    OptionalLong probeEstimate(EndpointId peer);

    /** Our sender's capacity estimate (bps, 0 = unknown) of each session that subscribes something of ours. */
    List<Long> sendEstimates();

    /** Present peers right now. */
    CompletableFuture<Set<EndpointId>> presentPeers();

    /** Leaves (at most a few seconds) and releases everything. */
    @Override
    void close();
}
