package dev.parley.media.watch;

import dev.parley.media.frame.LatestMailbox;
import dev.parley.media.frame.VideoFrame;

import java.util.function.Consumer;

/**
 * Seamless rendition switching in front of the renderer's mailbox. Frames from the active
 * pipeline pass; a pending pipeline (the new rendition) becomes active with its first decoded
 * frame that is not older than the last frame passed, and only then is the old pipeline retired.
 * Frames from any other pipeline are released. So the picture never goes blank, two renditions
 * never interleave, and a switch to a rendition whose encoder or decoder runs behind never shows
 * time going backwards: its frames are dropped until it catches up (its decoder already holds the
 * keyframe, so later frames stay decodable). A pending frame more than {@link #MAX_CATCH_UP_MICROS}
 * behind is taken at once: the renditions' timelines are then not comparable, and waiting could
 * never end.
 */
public final class FrameGate {
    private final LatestMailbox<VideoFrame> mailbox;
    private final Consumer<VideoDecodePipeline> retire;
    private VideoDecodePipeline active;
    private VideoDecodePipeline pending;
    private long switches;
    private long lastPassedMicros = Long.MIN_VALUE;

    /** How far behind a pending rendition may be and still be waited for. */
    static final long MAX_CATCH_UP_MICROS = 1_000_000;

    public FrameGate(LatestMailbox<VideoFrame> mailbox, Consumer<VideoDecodePipeline> retire) {
        this.mailbox = mailbox;
        this.retire = retire;
    }

    /** Makes {@code p} the first pipeline (nothing to switch from) or the pending one. */
    public void start(VideoDecodePipeline p) {
        VideoDecodePipeline dropped = null;
        synchronized (this) {
            if (active == null) {
                active = p;
            } else {
                dropped = pending;
                pending = p;
            }
        }
        if (dropped != null) {
            retire.accept(dropped);
        }
    }

    /** Called by a pipeline's decode thread for every decoded frame (ownership passes here). */
    void deliver(VideoDecodePipeline from, VideoFrame frame) {
        VideoDecodePipeline old = null;
        boolean pass;
        synchronized (this) {
            if (from == pending && !behind(frame.captureMicros())) {
                old = active;
                active = pending;
                pending = null;
                switches++;
            }
            pass = from == active;
            if (pass) {
                lastPassedMicros = Math.max(lastPassedMicros, frame.captureMicros());
            }
        }
        if (old != null) {
            retire.accept(old);
        }
        if (pass) {
            mailbox.put(frame);
        } else {
            frame.close();
        }
    }

    /** True when a pending frame at {@code micros} would show time going back, by a catch-up-able amount. */
    private boolean behind(long micros) {
        if (active == null || lastPassedMicros == Long.MIN_VALUE) {
            return false;
        }
        long lag = lastPassedMicros - micros;
        return lag > 0 && lag <= MAX_CATCH_UP_MICROS;
    }

    public synchronized VideoDecodePipeline active() {
        return active;
    }

    public synchronized VideoDecodePipeline pending() {
        return pending;
    }

    public synchronized long switches() {
        return switches;
    }

    /** Forgets both pipelines (the caller closes them). */
    public synchronized void clear() {
        active = null;
        pending = null;
        lastPassedMicros = Long.MIN_VALUE;
    }
}
