package dev.parley.media.stats;

import dev.parley.media.frame.AudioBlock;

/**
 * A cheap level meter for 16-bit PCM: RMS and peak over each block, smoothed with a short attack
 * ({@value #ATTACK_MILLIS} ms) and a longer release ({@value #RELEASE_MILLIS} ms, about 43 dB/s).
 * Smoothing runs on linear amplitudes, so the release falls at a steady rate in dB, like a meter's
 * needle. One thread feeds it (the audio thread that owns the PCM; no allocation per block); any
 * thread reads it. A meter that has not been fed for {@value #STALE_MILLIS} ms reads silent, so a
 * stopped source never leaves a stale level behind.
 */
public final class AudioLevelMeter {
    static final double ATTACK_MILLIS = 10;
    static final double RELEASE_MILLIS = 200;
    static final long STALE_MILLIS = 250;
    private static final double FULL_SCALE = 32768.0;
    /** One 16-bit step: a smoothed level below it is silence, so the release ends instead of creeping. */
    private static final double LSB = 1 / FULL_SCALE;

    private double rms;
    private double peak;
    /** The smoothed RMS and peak as two floats in one word, so a reader never sees a torn pair. */
    private volatile long packed = pack(0, 0);
    private volatile long updatedNanos = Long.MIN_VALUE;

    /** Measures one block of {@link AudioBlock} PCM. */
    public void accept(AudioBlock block) {
        measure(block.samples(), block.sampleRate(), block.channels());
    }

    /** Measures one block of interleaved 16-bit PCM (all channels count alike). */
    public void measure(short[] pcm, int sampleRate, int channels) {
        if (pcm.length == 0) {
            return;
        }
        long sumSquares = 0;
        int max = 0;
        for (short s : pcm) {
            int v = s;
            sumSquares += (long) v * v;
            int a = v < 0 ? -v : v;
            if (a > max) {
                max = a;
            }
        }
        double blockRms = Math.sqrt((double) sumSquares / pcm.length) / FULL_SCALE;
        double blockPeak = max / FULL_SCALE;
        double blockMillis = pcm.length / (double) Math.max(1, channels) * 1000.0 / sampleRate;
        rms = smooth(rms, blockRms, blockMillis);
        peak = smooth(peak, blockPeak, blockMillis);
        packed = pack(rms, peak);
        updatedNanos = System.nanoTime();
    }

    private static double smooth(double old, double now, double blockMillis) {
        double tau = now > old ? ATTACK_MILLIS : RELEASE_MILLIS;
        double next = old + (1 - Math.exp(-blockMillis / tau)) * (now - old);
        return next < LSB ? 0 : next;
    }

    /** The current level; {@link AudioLevel#SILENT} before the first block or when no longer fed. */
    public AudioLevel level() {
        long at = updatedNanos;
        if (at == Long.MIN_VALUE || System.nanoTime() - at > STALE_MILLIS * 1_000_000L) {
            return AudioLevel.SILENT;
        }
        long p = packed;
        return new AudioLevel(AudioLevel.dbfs(Float.intBitsToFloat((int) (p >>> 32))),
                AudioLevel.dbfs(Float.intBitsToFloat((int) p)));
    }

    private static long pack(double rms, double peak) {
        return ((long) Float.floatToIntBits((float) rms) << 32) | (Float.floatToIntBits((float) peak) & 0xffffffffL);
    }
}
