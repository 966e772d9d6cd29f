package dev.parley.media.adapt;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The publisher's congestion response: when its own uplink is the bottleneck, lower the encoder
 * bitrate of the renditions that no longer fit, and restore it when the estimates recover.
 *
 * <p>Each connection that carries media reports the sender's capacity estimate for its path (0 =
 * unknown: it never queued). The uplink limits only when every one of them is known, and then by the
 * largest: one slow watcher switches down on its own side, while a slow uplink slows every watcher.
 * A rendition whose bitrate exceeds {@code fit ×} that limit is encoded at the limit (never below
 * {@code minShare} of its nominal bitrate, so it stays watchable). Lower targets apply at once; higher
 * ones only after they held for {@code restoreHold}. Pure; not thread-safe; time is passed in (ms).
 */
public final class UplinkGovernor {
    private final double fit;
    private final double minShare;
    private final Duration restoreHold;
    private final Map<String, Long> targets = new LinkedHashMap<>();
    private final Map<String, Long> higherSince = new LinkedHashMap<>();

    public UplinkGovernor(double fit, double minShare, Duration restoreHold) {
        this.fit = fit;
        this.minShare = minShare;
        this.restoreHold = restoreHold;
    }

    public static UplinkGovernor defaults() {
        return new UplinkGovernor(0.8, 0.3, Duration.ofSeconds(2));
    }

    /**
     * One evaluation.
     *
     * @param nominal   the running renditions' nominal bitrates (bits per second)
     * @param estimates the sender's estimate for each connection that carries media (bps, 0 = unknown)
     * @return the bitrate each running rendition should be encoded at now
     */
    public Map<String, Long> tick(Map<String, Long> nominal, List<Long> estimates, long nowMillis) {
        targets.keySet().retainAll(nominal.keySet());
        higherSince.keySet().retainAll(nominal.keySet());
        long limit = limit(estimates);
        nominal.forEach((track, bitrate) -> {
            long want = limit <= 0 || bitrate <= limit ? bitrate : Math.max((long) (bitrate * minShare), limit);
            Long had = targets.get(track);
            if (had == null || want <= had) {
                targets.put(track, want);
                higherSince.remove(track);
                return;
            }
            long since = higherSince.computeIfAbsent(track, t -> nowMillis);
            if (nowMillis - since >= restoreHold.toMillis()) {
                targets.put(track, want);
                higherSince.remove(track);
            }
        });
        return Map.copyOf(targets);
    }

    // fit × the largest estimate, when every connection has one; 0 = no limit
    private long limit(List<Long> estimates) {
        if (estimates.isEmpty() || estimates.stream().anyMatch(e -> e <= 0)) {
            return 0;
        }
        return (long) (fit * estimates.stream().mapToLong(Long::longValue).max().orElse(0));
    }
}
