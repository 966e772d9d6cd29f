package dev.parley.rooms.kv;

import java.time.Duration;

/**
 * Timing and limits of the signed KV. Defaults follow iroh-live (horizon 120 s, anti-entropy 60 s)
 * plus the presence refresh iroh-live lacks: own entries are re-signed every 30 s, well before the
 * horizon, so an idle member never expires.
 *
 * @param horizonNs          entries older than this are dropped on receipt and expired when held
 * @param refreshIntervalNs  how often this peer re-signs its own entries with a fresh timestamp
 * @param antiEntropyIntervalNs how often all entries are re-sent to direct neighbours
 * @param maxKeyBytes        largest key accepted
 * @param maxValueBytes      largest value accepted
 * @param maxScopes          most writers tracked (memory bound)
 * @param maxKeysPerScope    most keys per writer (memory bound)
 */
public record KvConfig(
        long horizonNs,
        long refreshIntervalNs,
        long antiEntropyIntervalNs,
        int maxKeyBytes,
        int maxValueBytes,
        int maxScopes,
        int maxKeysPerScope) {

    public KvConfig {
        if (refreshIntervalNs * 2 > horizonNs) {
            throw new IllegalArgumentException("refresh must come well before the horizon (at most half of it)");
        }
    }

    public static KvConfig defaults() {
        return new KvConfig(Duration.ofSeconds(120).toNanos(), Duration.ofSeconds(30).toNanos(),
                Duration.ofSeconds(60).toNanos(), 64, 1024, 1024, 8);
    }
}
