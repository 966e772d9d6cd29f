package dev.parley.app.service;

import java.util.function.Consumer;

/** A room we are in. Closing it leaves the room and stops our capture. */
public interface RoomSession extends AutoCloseable {
    /** The ticket others use to join. */
    String ticket();

    /** How the room is carried, in plain words: "Peer to peer", or the relay mode and the relay's host. */
    default String mode() {
        return "Peer to peer";
    }

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

    /**
     * Echo cancellation, noise suppression and gain control on this participant's microphone (on by
     * default). Sessions without a real microphone path (tests, demos) have nothing to switch.
     */
    default void setEchoCancellation(boolean on) {
    }

    /**
     * Starts recording (into {@code dir}) or, with {@code null}, stops: every remote participant's
     * received video and audio into a fragmented MP4 of its own (no re-encoding), announced to the room
     * in the chat. Returns at once; problems arrive as {@link RoomUpdate.Notice}. Sessions that watch no
     * media (tests, demos) record nothing.
     */
    default void setRecording(java.nio.file.Path dir) {
    }

    /**
     * Captures from another camera ({@link DeviceChoice#TEST_PATTERN} or a device) from now on, without
     * leaving: the published broadcast and everyone's subscriptions stay. Returns once the switch is
     * made; a device that fails to open afterwards is replaced by the next one (or the test source) and
     * reported as a {@link RoomUpdate.Notice}, like a device unplugged mid-call.
     *
     * @throws ServiceException when the device cannot be used
     */
    default void switchCamera(DeviceChoice camera) {
        throw new ServiceException("This session cannot switch cameras.");
    }

    /** Like {@link #switchCamera}, for the microphone ({@link DeviceChoice#TEST_TONE} or a device). */
    default void switchMicrophone(DeviceChoice microphone) {
        throw new ServiceException("This session cannot switch microphones.");
    }

    /** Plays everyone on another output ({@link DeviceChoice#DEFAULT_SPEAKER} or a device) from now on. */
    default void switchSpeaker(DeviceChoice speaker) {
        throw new ServiceException("This session cannot switch speakers.");
    }

    @Override
    void close();
}
