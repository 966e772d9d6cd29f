package dev.parley.app.service;

/**
 * The render side of a latest-frame mailbox: the renderer takes at most one frame per screen pulse,
 * and frames it did not take in time were already dropped by the producer. Implementations are
 * thread-safe and never block.
 */
public interface VideoFeed {
    /** The newest frame not taken yet, or {@code null}. The caller closes it after copying. */
    BgraFrame poll();

    /**
     * How big the picture is shown, in physical pixels; {@code 0 x 0} means hidden or off screen.
     * Subscribers use it to pick a smaller rendition for small or hidden tiles. Default: ignored.
     */
    default void setViewport(int width, int height) {}

    /** A feed that never has a frame (a participant without video). */
    static VideoFeed none() {
        return () -> null;
    }
}
