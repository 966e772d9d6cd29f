package dev.parley.app.service;

/** What happens in a room, in order, from any thread. */
public sealed interface RoomUpdate {
    /** Someone appeared (also sent for everyone already present when a listener subscribes). */
    record ParticipantJoined(Participant participant) implements RoomUpdate {}

    record ParticipantLeft(String id) implements RoomUpdate {}

    /** A participant's media or connection state changed. */
    record ParticipantChanged(String id, boolean muted, boolean cameraOn, ConnectionState connection)
            implements RoomUpdate {}

    /** A participant's media now comes through the room's moq relay ({@code viaRelay}) or directly. */
    record ParticipantRoute(String id, boolean viaRelay) implements RoomUpdate {}

    /** Our own connection to the room changed (for the reconnecting banner). */
    record SelfConnectionChanged(ConnectionState connection) implements RoomUpdate {}

    /** Something the user should read, already in plain words. */
    record Notice(String message, boolean error) implements RoomUpdate {}
}
