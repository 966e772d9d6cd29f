package dev.parley.media.source;

import dev.parley.media.frame.AudioBlock;

/** A source of 48 kHz 16-bit PCM in 20 ms blocks (960 frames per channel). */
public abstract class AudioSource extends SharedSource<AudioBlock> {
    public static final int SAMPLE_RATE = 48_000;
    public static final int BLOCK_FRAMES = 960;

    protected AudioSource(String name) {
        super(name);
    }

    public abstract int channels();

    @Override
    protected final void release(AudioBlock item) {
        // PCM blocks are plain arrays; nothing to recycle.
    }
}
