package dev.parley.app.service;

/** What happens in a room, in order, from any thread. */
public sealed interface RoomEvent {
    /** Someone appeared (also sent for everyone already present when a listener subscribes). */
    record ParticipantJoined(Participant participant) implements RoomEvent {}

    record ParticipantLeft(String id) implements RoomEvent {}

    /** A participant's media or connection state changed. */
    record ParticipantChanged(String id, boolean muted, boolean cameraOn, ConnectionState connection)
            implements RoomEvent {}

    /** Our own connection to the room changed (for the reconnecting banner). */
    record SelfConnectionChanged(ConnectionState connection) implements RoomEvent {}

    /** Something the user should read, already in plain words. */
    record Notice(String message, boolean error) implements RoomEvent {}
}
