package dev.parley.app.ui.room;

import java.util.Collection;
import java.util.function.ToDoubleFunction;

/**
 * Picks the active speaker from smoothed audio levels. A new speaker takes over when louder than the
 * current one by a margin, so two people talking do not make the highlight flicker; the highlight
 * stays {@link #HOLD_NANOS} after the speaker goes quiet.
 */
final class ActiveSpeaker<T> {
    /** Level (0..1 peak) above which someone counts as speaking. */
    static final double THRESHOLD = 0.08;
    static final double TAKEOVER_MARGIN = 1.3;
    static final long HOLD_NANOS = 1_200_000_000L;

    private T current;
    private long lastHeard;

    /** Updates from this pulse's levels and returns the speaker, or {@code null}. */
    T update(Collection<T> candidates, ToDoubleFunction<T> level, long nowNanos) {
        T loudest = null;
        double loudestLevel = THRESHOLD;
        for (T c : candidates) {
            double l = level.applyAsDouble(c);
            if (l >= loudestLevel) {
                loudest = c;
                loudestLevel = l;
            }
        }
        if (current != null && !candidates.contains(current)) {
            current = null;
        }
        double currentLevel = current == null ? 0 : level.applyAsDouble(current);
        if (loudest != null && (current == null || currentLevel < THRESHOLD || loudestLevel > currentLevel * TAKEOVER_MARGIN)) {
            current = loudest;
            currentLevel = loudestLevel;
        }
        if (current != null && currentLevel >= THRESHOLD) {
            lastHeard = nowNanos;
        } else if (current != null && nowNanos - lastHeard > HOLD_NANOS) {
            current = null;
        }
        return current;
    }
}
