package dev.parley.media.playout;

/**
 * The media time currently being heard, which video is paced against: the timestamp of the last
 * audio block handed to the sink, advanced by wall time since then and held back by the sink's
 * latency. Unset (−1) until audio plays; it never runs more than one block ahead of what was written.
 */
public final class AudioClock {
    private long mediaMicros = -1;
    private long atNanos;
    private long sinkLatencyMicros;

    /** Records that the block starting at {@code mediaMicros} was just written. */
    public synchronized void played(long mediaMicros, long sinkLatencyMicros) {
        this.mediaMicros = mediaMicros;
        this.atNanos = System.nanoTime();
        this.sinkLatencyMicros = sinkLatencyMicros;
    }

    /** Media time heard now, or −1 when no audio has played (or it stalled for over a second). */
    public synchronized long nowMicros() {
        if (mediaMicros < 0) {
            return -1;
        }
        long since = (System.nanoTime() - atNanos) / 1000;
        if (since > 1_000_000) {
            return -1;
        }
        return mediaMicros + Math.min(since, JitterBuffer.FRAME_MICROS) - sinkLatencyMicros;
    }
}
