package dev.parley.net.relay;

/**
 * A token bucket over bytes: {@code rate} bytes per second refill it up to {@code burst}. A pure decision
 * with injected time ({@code nowNanos}); one instance belongs to one connection's event loop.
 */
final class TokenBucket {
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long last;

    TokenBucket(long bytesPerSecond, long burstBytes, long nowNanos) {
        if (bytesPerSecond <= 0 || burstBytes <= 0) {
            throw new IllegalArgumentException("a rate limit needs a positive rate and burst");
        }
        this.ratePerNano = bytesPerSecond / 1e9;
        this.burst = burstBytes;
        this.tokens = burstBytes;
        this.last = nowNanos;
    }

    /** Takes {@code bytes} tokens if there are enough at {@code nowNanos}; false (and nothing taken) otherwise. */
    boolean tryTake(long bytes, long nowNanos) {
        long elapsed = nowNanos - last;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * ratePerNano);
            last = nowNanos;
        }
        if (tokens < bytes) {
            return false;
        }
        tokens -= bytes;
        return true;
    }
}
