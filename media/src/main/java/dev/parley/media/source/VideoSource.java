package dev.parley.media.source;

import dev.parley.media.frame.VideoFrame;

/**
 * A source of I420 frames. Sinks get frames on the capture thread and retain what they keep. The
 * nominal frame size and rate (what the device was asked for) live here, once for every source.
 */
public abstract class VideoSource extends SharedSource<VideoFrame> {
    protected final int width;
    protected final int height;
    protected final double fps;

    protected VideoSource(String name, int width, int height, double fps) {
        super(name);
        if (width <= 0 || height <= 0 || !(fps > 0)) {
            throw new IllegalArgumentException("video format needs a positive size and rate, got " + width + "x" + height
                    + " at " + fps + " fps");
        }
        this.width = width;
        this.height = height;
        this.fps = fps;
    }

    public final int width() {
        return width;
    }

    public final int height() {
        return height;
    }

    public final double fps() {
        return fps;
    }

    @Override
    protected final void release(VideoFrame item) {
        item.close();
    }
}
