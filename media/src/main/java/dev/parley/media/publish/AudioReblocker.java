package dev.parley.media.publish;

import dev.parley.media.frame.AudioBlock;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts captured PCM blocks into the encoder's packet size: a 10 ms source feeds 20 ms packets two
 * blocks at a time, a 20 ms block becomes two 10 ms packets. Each packet is stamped with the capture
 * time of its first sample (the first pending block's time plus the samples before it), so the
 * timestamps stay on the source's clock. A block whose rate or channel count differs from the last
 * one's drops what was pending (a source switch; never mixed into one packet). Not thread-safe: the
 * capture thread only.
 */
final class AudioReblocker {
    private final int frames;
    private short[] pending = new short[0];
    private long pendingMicros;
    private int sampleRate;
    private int channels;

    /** {@code frames}: samples per channel in every block {@link #add} returns. */
    AudioReblocker(int frames) {
        if (frames <= 0) {
            throw new IllegalArgumentException("frames must be positive: " + frames);
        }
        this.frames = frames;
    }

    /** The whole packets {@code block} completes, oldest first (often none or one). */
    List<AudioBlock> add(AudioBlock block) {
        if (block.sampleRate() != sampleRate || block.channels() != channels) {
            pending = new short[0];
            sampleRate = block.sampleRate();
            channels = block.channels();
        }
        if (pending.length == 0) {
            pendingMicros = block.captureMicros();
            if (block.frames() == frames) {
                return List.of(block); // the common case: the source already reads packet-sized blocks
            }
        }
        short[] joined = new short[pending.length + block.samples().length];
        System.arraycopy(pending, 0, joined, 0, pending.length);
        System.arraycopy(block.samples(), 0, joined, pending.length, block.samples().length);
        int size = frames * channels;
        List<AudioBlock> out = new ArrayList<>(joined.length / size);
        int off = 0;
        for (; off + size <= joined.length; off += size) {
            short[] packet = new short[size];
            System.arraycopy(joined, off, packet, 0, size);
            out.add(new AudioBlock(packet, sampleRate, channels, pendingMicros + micros(off / channels)));
        }
        pending = java.util.Arrays.copyOfRange(joined, off, joined.length);
        pendingMicros += micros(off / channels);
        return out;
    }

    private long micros(int sampleFrames) {
        return sampleFrames * 1_000_000L / sampleRate;
    }
}
