package dev.parley.rooms.chat;

/**
 * A token bucket: {@code burst} messages at once, refilled at {@code perSecond}. Time is passed in
 * (nanoseconds, any monotonic origin) so tests are deterministic. Not thread-safe.
 */
public final class RateLimiter {
    private final double perSecond;
    private final double burst;
    private double tokens;
    private long lastNs;
    private boolean started;

    public RateLimiter(double perSecond, int burst) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.tokens = burst;
    }

    /** Chat defaults: 5 messages per second, bursts of 10. */
    public static RateLimiter forChat() {
        return new RateLimiter(5, 10);
    }

    /** Takes one token if available. */
    public boolean tryAcquire(long nowNs) {
        if (started) {
            tokens = Math.min(burst, tokens + (nowNs - lastNs) / 1e9 * perSecond);
        }
        started = true;
        lastNs = nowNs;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
