package dev.parley.rooms.relay;

/**
 * The hybrid room's choice for one peer, as a pure function with injected time: direct first, the relay
 * as the fallback while the direct link does not work, and back to direct once it has worked for a while.
 * Hysteresis keeps it from flapping: falling back needs the direct link down for {@link Policy#fallbackAfterMs},
 * returning needs it up for {@link Policy#returnAfterMs} and at least {@link Policy#minDwellMs} on the
 * relay. A peer the relay does not carry is always reached directly (nothing to fall back to).
 *
 * @param viaRelay       the peer's media comes through the relay now
 * @param directUp       the direct link is up (as last reported)
 * @param directSinceMs  when {@code directUp} last changed
 * @param routeSinceMs   when {@code viaRelay} last changed
 * @param switches       how many times the route changed (for tests and stats)
 */
public record HybridRoute(boolean viaRelay, boolean directUp, long directSinceMs, long routeSinceMs, int switches) {

    /**
     * @param fallbackAfterMs how long the direct link must be down (or never up) before the relay is used
     * @param returnAfterMs   how long the direct link must be up before going back to it
     * @param minDwellMs      at least this long on the relay before going back
     */
    public record Policy(long fallbackAfterMs, long returnAfterMs, long minDwellMs) {
        public static final Policy DEFAULT = new Policy(4_000, 10_000, 15_000);

        public Policy {
            if (fallbackAfterMs < 0 || returnAfterMs < 0 || minDwellMs < 0) {
                throw new IllegalArgumentException("negative hybrid timing");
            }
        }
    }

    /** A peer just seen: direct, its link not up yet. */
    public static HybridRoute start(long nowMs) {
        return new HybridRoute(false, false, nowMs, nowMs, 0);
    }

    /**
     * The route after an observation at {@code nowMs} (call it on every link change and on a periodic tick).
     *
     * @param directUp   the direct link is up now
     * @param relayHasIt the relay announces the peer's broadcasts
     */
    public HybridRoute next(Policy policy, boolean directUp, boolean relayHasIt, long nowMs) {
        long directSince = directUp == this.directUp ? directSinceMs : nowMs;
        boolean relay = viaRelay;
        if (!relayHasIt) {
            relay = false;
        } else if (!viaRelay) {
            relay = !directUp && nowMs - directSince >= policy.fallbackAfterMs();
        } else if (directUp && nowMs - directSince >= policy.returnAfterMs() && nowMs - routeSinceMs >= policy.minDwellMs()) {
            relay = false;
        }
        boolean changed = relay != viaRelay;
        return new HybridRoute(relay, directUp, directSince, changed ? nowMs : routeSinceMs, switches + (changed ? 1 : 0));
    }
}
