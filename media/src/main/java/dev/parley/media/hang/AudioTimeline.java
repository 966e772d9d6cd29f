package dev.parley.media.hang;

/**
 * Presentation timestamps for a run of audio packets: each packet starts where the previous one
 * ended (its first timestamp + the summed packet durations), not at the wall-clock time it was read.
 * A hang player places each packet's samples at {@code round(timestamp × sampleRate)} in its playout
 * buffer, so timestamps carrying capture-thread jitter become gaps of silence and overwritten samples.
 * Capture delays do not break sample continuity (the device or generator buffers the samples), so
 * the timeline only resyncs to the capture clock when the two drift apart by more than
 * {@value #RESYNC_MICROS} µs, e.g. after samples were really lost or the source restarted.
 * Not thread-safe: one writer thread.
 */
public final class AudioTimeline {
    /** Larger than a capture-thread stall under load (80 ms seen on a busy 2-core machine). */
    public static final long RESYNC_MICROS = 100_000;
    private long next = -1;
    private long resyncs;

    /** The timestamp for a packet read at {@code captureMicros} that lasts {@code durationMicros}. */
    public long stamp(long captureMicros, long durationMicros) {
        if (next < 0 || Math.abs(captureMicros - next) > RESYNC_MICROS) {
            if (next >= 0) {
                resyncs++;
            }
            next = captureMicros;
        }
        long ts = next;
        next += durationMicros;
        return ts;
    }

    /** How often the timeline jumped back to the capture clock (not counting the start). */
    public long resyncs() {
        return resyncs;
    }
}
