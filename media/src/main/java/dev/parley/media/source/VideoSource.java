package dev.parley.media.source;

import dev.parley.media.frame.VideoFrame;

/** A source of I420 frames. Sinks get frames on the capture thread and retain what they keep. */
public abstract class VideoSource extends SharedSource<VideoFrame> {
    protected VideoSource(String name) {
        super(name);
    }

    /** Nominal frame size and rate (what the device was asked for). */
    public abstract int width();

    public abstract int height();

    public abstract double fps();

    @Override
    protected final void release(VideoFrame item) {
        item.close();
    }
}
