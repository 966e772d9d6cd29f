package dev.parley.rooms;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.rooms.chat.ChatMessage;
import dev.parley.rooms.presence.PeerState;

import java.util.Optional;

/** What happens in a room, in order, from the room actor. */
public sealed interface RoomEvent {

    /** A peer is present: its signed state arrived (first sighting, or back after leaving). */
    record PeerJoined(EndpointId peer, Optional<String> displayName) implements RoomEvent {}

    /** A present peer changed its state (display name or broadcast list). */
    record PeerUpdated(EndpointId peer, PeerState state) implements RoomEvent {}

    /** A peer is gone; its broadcasts have ended first. */
    record PeerLeft(EndpointId peer, LeaveReason reason) implements RoomEvent {}

    /**
     * This peer is now subscribed to {@code peer}'s broadcast {@code name}. The consumer belongs to the
     * room: it is closed (and {@link BroadcastEnded} follows) when the peer unpublishes or leaves.
     */
    record BroadcastSubscribed(EndpointId peer, String name, BroadcastConsumer broadcast) implements RoomEvent {}

    /** A subscription from {@link BroadcastSubscribed} ended. */
    record BroadcastEnded(EndpointId peer, String name) implements RoomEvent {}

    /**
     * The media connection to a present peer changed: CONNECTING after {@link PeerJoined}, CONNECTED
     * once its room broadcast is subscribed, RECONNECTING when the connection failed while the peer is
     * still present (its subscriptions end; after CONNECTED again they are subscribed afresh). A peer
     * that stays unreachable ends with {@link PeerLeft}, which also ends its link.
     */
    record PeerConnection(EndpointId peer, LinkState state) implements RoomEvent {}

    /**
     * Our own connectivity as far as the room can tell: RECONNECTING while peers are present and every
     * one of them is unreachable (our network is likely down), CONNECTED otherwise (also when alone).
     */
    record RoomConnection(LinkState state) implements RoomEvent {}

    /**
     * How {@code peer}'s media reaches us changed (relay and hybrid rooms): through the moq relay, or
     * directly. A relay room reports every peer as relayed once it joins; a hybrid room reports each switch.
     */
    record PeerRoute(EndpointId peer, boolean viaRelay) implements RoomEvent {}

    /**
     * A chat message; live, or from the sender's recent history when this peer joined late. {@code seq} is
     * its group sequence in the sender's chat track (numbered from 0 per run of the sender).
     */
    record ChatReceived(ChatMessage message, long seq, boolean fromHistory) implements RoomEvent {}

    /** Why a peer left. */
    enum LeaveReason {
        /** It left cleanly (leave marker or gossip goodbye). */
        LEFT,
        /** Its connection failed and re-dialing did not succeed in time: it crashed or was cut off. */
        FAILED,
        /** Its state expired without a refresh. */
        EXPIRED
    }
}
