package dev.parley.net.moq.session;

/**
 * Decides when a publisher sends a PROBE bitrate estimate: at most every tick (100 ms), and only when
 * the estimate moved by more than a threshold that starts at 25% after each send and decays by a tenth
 * per quiet tick down to 1%, so big swings go out at once and small drifts eventually do too. Not
 * thread-safe; one per probe stream.
 */
final class ProbeReporter {
    static final double START_THRESHOLD = 0.25;
    static final double MIN_THRESHOLD = 0.01;
    static final double DECAY = 0.9;

    private long lastSent = -1;
    private double threshold = START_THRESHOLD;

    /** Returns the bitrate to send for this tick's estimate, or -1 to stay quiet. */
    long onTick(long estimateBitsPerSecond) {
        if (estimateBitsPerSecond < 0) {
            return -1;
        }
        boolean send;
        if (lastSent < 0) {
            send = estimateBitsPerSecond > 0;
        } else if (lastSent == 0) {
            send = estimateBitsPerSecond > 0;
        } else {
            send = Math.abs(estimateBitsPerSecond - lastSent) > threshold * lastSent;
        }
        if (send) {
            lastSent = estimateBitsPerSecond;
            threshold = START_THRESHOLD;
            return estimateBitsPerSecond;
        }
        threshold = Math.max(MIN_THRESHOLD, threshold * DECAY);
        return -1;
    }
}
