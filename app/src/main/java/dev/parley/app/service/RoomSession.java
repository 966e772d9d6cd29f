package dev.parley.app.service;

import java.util.function.Consumer;

/** A room we are in. Closing it leaves the room and stops our capture. */
public interface RoomSession extends AutoCloseable {
    /** The ticket others use to join. */
    String ticket();

    /** Ourselves, with the local preview and capture stats. */
    Participant self();

    /**
     * Delivers room events from any thread, starting with a {@link RoomUpdate.ParticipantJoined} for each
     * remote participant already present. Closing the handle stops delivery.
     */
    Subscription subscribe(Consumer<RoomUpdate> listener);

    ChatService chat();

    void setMicMuted(boolean muted);

    void setCameraOn(boolean on);

    /** Starts or stops sharing the chosen screen; a failure arrives as a {@link RoomUpdate.Notice}. */
    void setScreenSharing(boolean on);

    @Override
    void close();
}
