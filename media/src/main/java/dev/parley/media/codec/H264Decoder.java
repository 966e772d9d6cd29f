package dev.parley.media.codec;

import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;

import java.util.List;

/**
 * Annex-B H.264 decoder (FFmpeg software, low delay, slice threads) that outputs BGRA or I420 frames;
 * the H.264 case of {@link VideoDecoder}. Owned by one thread.
 */
public final class H264Decoder implements AutoCloseable {
    private final VideoDecoder decoder;

    public H264Decoder(PixelFormat outFormat) {
        decoder = new VideoDecoder(outFormat);
    }

    public String name() {
        return decoder.name();
    }

    public long errors() {
        return decoder.errors();
    }

    /** See {@link VideoDecoder#decode}. */
    public List<VideoFrame> decode(EncodedVideo unit) {
        return decoder.decode(unit);
    }

    @Override
    public void close() {
        decoder.close();
    }
}
