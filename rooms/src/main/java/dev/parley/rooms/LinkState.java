package dev.parley.rooms;

/** Where the media (moq) connection to a present peer is; see {@link RoomEvent.PeerConnection}. */
public enum LinkState {
    /** First dial to a peer that just appeared. */
    CONNECTING,
    /** The session is up and the peer's room broadcast is subscribed. */
    CONNECTED,
    /** The session failed while the peer is still present; the room re-dials with backoff. */
    RECONNECTING
}
