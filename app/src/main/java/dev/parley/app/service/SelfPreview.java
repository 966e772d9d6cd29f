package dev.parley.app.service;

/**
 * A running local capture for the start screen: video frames plus the microphone level. Closing it
 * stops the capture threads.
 */
public interface SelfPreview extends AutoCloseable {
    VideoFeed video();

    /** Smoothed loudness of the microphone, 0..1 on the same scale as {@link Participant#audioLevel()}. Cheap; called on every screen pulse. */
    double micLevel();

    @Override
    void close();
}
