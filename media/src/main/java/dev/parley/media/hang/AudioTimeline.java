package dev.parley.media.hang;

/**
 * Presentation timestamps for a run of audio packets: each packet starts where the previous one
 * ended (the previous timestamp + its duration), not at the wall-clock time it was read. A hang
 * player writes each packet's samples at {@code round(timestamp × sampleRate)} in its playout buffer,
 * so read-time jitter would become gaps of silence and overwritten samples.
 * <p>
 * Reads are late by a varying delay, and a stalled capture thread reads the buffered samples in a
 * burst afterwards, so a late read alone proves nothing. The timeline follows the read clock only
 * when the evidence is clear. When a packet is read more than {@value #AHEAD_MICROS} µs before the
 * timeline says its samples could exist (the first read was late, or the source runs fast), it steps
 * back towards the read by at most half a packet per packet: timestamps keep increasing (a hang
 * player would take a step back for a rewind) and stay within the ±half-packet slack of Parley's own
 * jitter buffer. When every read in the last {@value #WINDOW} packets was more than
 * {@value #BEHIND_MICROS} µs late (samples were really lost, or the source runs slow or skipped
 * ahead), it jumps forward (a gap). A capture thread that is merely behind is not a reason: its
 * samples are still buffered, and the timeline is their true time. Not thread-safe: one writer thread.
 */
public final class AudioTimeline {
    public static final long AHEAD_MICROS = 20_000;
    /** Beyond what a stalled capture thread catches up on from the device or generator buffer. */
    public static final long BEHIND_MICROS = 250_000;
    public static final int WINDOW = 50;
    private long next = -1;
    private long minLateness = Long.MAX_VALUE;
    private int windowed;
    private long resyncs;

    /** The timestamp for a packet read at {@code readMicros} that lasts {@code durationMicros}. */
    public long stamp(long readMicros, long durationMicros) {
        if (next < 0) {
            next = readMicros;
        } else {
            long lateness = readMicros - next;
            if (lateness < -AHEAD_MICROS) {
                resync(next - Math.min(-lateness, durationMicros / 2));
            } else {
                minLateness = Math.min(minLateness, lateness);
                if (++windowed >= WINDOW) {
                    if (minLateness > BEHIND_MICROS) {
                        resync(next + minLateness);
                    }
                    minLateness = Long.MAX_VALUE;
                    windowed = 0;
                }
            }
        }
        long ts = next;
        next += durationMicros;
        return ts;
    }

    private void resync(long to) {
        next = to;
        resyncs++;
        minLateness = Long.MAX_VALUE;
        windowed = 0;
    }

    /** How often the timeline stepped towards the read clock (not counting the start). */
    public long resyncs() {
        return resyncs;
    }
}
