package dev.parley.media.watch;

import dev.parley.media.frame.LatestMailbox;
import dev.parley.media.frame.VideoFrame;

import java.util.function.Consumer;

/**
 * Seamless rendition switching in front of the renderer's mailbox. Frames from the active
 * pipeline pass; a pending pipeline (the new rendition) becomes active with its first decoded
 * frame, which is by construction a keyframe, and only then is the old pipeline retired. Frames
 * from any other pipeline are released. So the picture never goes blank and two renditions never
 * interleave.
 */
public final class FrameGate {
    private final LatestMailbox<VideoFrame> mailbox;
    private final Consumer<VideoDecodePipeline> retire;
    private VideoDecodePipeline active;
    private VideoDecodePipeline pending;
    private long switches;

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
            if (from == pending) {
                old = active;
                active = pending;
                pending = null;
                switches++;
            }
            pass = from == active;
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
    }
}
