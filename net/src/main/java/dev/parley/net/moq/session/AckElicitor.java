package dev.parley.net.moq.session;

/**
 * Decides when a subscriber sends a tiny PROBE on its Probe stream so that its QUIC side always has
 * ack-eliciting packets in flight while media arrives. A watcher otherwise sends only ACK-only packets,
 * which the publisher never acknowledges: one of them lost (20 % loss both ways) is never detected nor
 * repeated until the publisher's probe timeout fires (quiche re-sends an ACK frame only when a packet that
 * carried one is declared lost, and pings only every 24 ACK-only packets), and under CUBIC's small window
 * that timeout, doubling per lost probe, stalled the whole connection for a second. With a PROBE every
 * {@code interval} the publisher acknowledges our packets, so a lost ACK is declared lost within a few of
 * them and its ranges go out again, instead of a probe timeout at the publisher.
 *
 * <p>Sends only while the connection's received byte count keeps moving (media flows) and our own sending
 * is light (a side that sends media of its own, as in a room call, has ack-eliciting packets already), at
 * most one per interval. Pure: counters (sampled about every 200 ms) and time (ms, any monotonic clock)
 * are passed in. Not thread-safe.
 */
final class AckElicitor {
    /** How long after the last received bytes the connection still counts as receiving media. */
    static final long IDLE_AFTER_MS = 600;
    /** Sent bytes per counter sample (~200 ms) above which we send enough of our own (≈ 320 kbit/s). */
    static final long BUSY_BYTES = 8192;

    private final long intervalMs;
    private long lastBytes = -1;
    private long lastSentBytes = -1;
    private boolean busy;
    private long lastMovedAt = Long.MIN_VALUE / 4;
    private long lastSentAt = Long.MIN_VALUE / 4;

    AckElicitor(java.time.Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.intervalMs = interval.toMillis();
    }

    /** Whether to send a PROBE now, given the bytes received and sent on the connection so far. */
    boolean onTick(long nowMs, long bytesReceived, long bytesSent) {
        if (bytesSent != lastSentBytes) {
            busy = lastSentBytes >= 0 && bytesSent - lastSentBytes >= BUSY_BYTES;
            lastSentBytes = bytesSent;
        }
        if (bytesReceived != lastBytes) {
            if (lastBytes >= 0) {
                lastMovedAt = nowMs;
            }
            lastBytes = bytesReceived;
        }
        if (busy || nowMs - lastMovedAt > IDLE_AFTER_MS || nowMs - lastSentAt < intervalMs) {
            return false;
        }
        lastSentAt = nowMs;
        return true;
    }
}
