package dev.parley.media.source;

import dev.parley.media.frame.AudioBlock;

/**
 * A source of 48 kHz 16-bit PCM in 10 ms blocks (480 frames per channel). 10 ms, not the 20 ms of
 * Parley's own Opus packets ({@code AudioEncoder} joins two), so the 10 ms packets a hang web player
 * is offered are complete 10 ms after their first sample, which shortens its sync buffer by 10 ms.
 * Consumers take any whole number of 10 ms (the echo canceller's frame).
 */
public abstract class AudioSource extends SharedSource<AudioBlock> {
    public static final int SAMPLE_RATE = 48_000;
    public static final int BLOCK_FRAMES = 480;
    public static final long BLOCK_MICROS = 10_000;

    protected AudioSource(String name) {
        super(name);
    }

    public abstract int channels();

    @Override
    protected final void release(AudioBlock item) {
        // PCM blocks are plain arrays; nothing to recycle.
    }
}
