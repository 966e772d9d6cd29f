package dev.parley.app.ui.room;

import java.util.Collection;
import java.util.function.ToDoubleFunction;

/**
 * Picks the active speaker from smoothed levels (0..1 on a decibel scale, see
 * {@link dev.parley.app.service.Participant#audioLevel()}), with hysteresis everywhere so the
 * highlight does not flicker: someone starts speaking at {@link #START} but keeps speaking down to
 * {@link #STOP}; a quiet speaker keeps the highlight for {@link #HOLD_NANOS}; and while the current
 * speaker still speaks, another takes over only when louder by {@link #TAKEOVER_MARGIN} for
 * {@link #TAKEOVER_NANOS} (a laugh or a cough does not steal it). Runs on the UI thread.
 */
final class ActiveSpeaker<T> {
    /** About −39 dBFS RMS: a voice, clearly above a quiet room's noise. */
    static final double START = 0.35;
    /** About −45 dBFS RMS: below this the speaker has gone quiet. */
    static final double STOP = 0.25;
    /** About 6 dB louder than the current speaker. */
    static final double TAKEOVER_MARGIN = 0.1;
    static final long TAKEOVER_NANOS = 300_000_000L;
    static final long HOLD_NANOS = 1_200_000_000L;

    private T current;
    private long lastHeard;
    private T challenger;
    private long challengerSince;

    /** Updates from this pulse's levels and returns the speaker, or {@code null}. */
    T update(Collection<T> candidates, ToDoubleFunction<T> level, long nowNanos) {
        if (current != null && !candidates.contains(current)) {
            current = null;
        }
        T loudest = null;
        double loudestLevel = START;
        for (T c : candidates) {
            double l = level.applyAsDouble(c);
            if (c != current && l >= loudestLevel) {
                loudest = c;
                loudestLevel = l;
            }
        }
        double currentLevel = current == null ? 0 : level.applyAsDouble(current);
        boolean currentSpeaks = current != null && currentLevel >= STOP;
        if (currentSpeaks) {
            lastHeard = nowNanos;
        }
        if (loudest == null || currentSpeaks && loudestLevel < currentLevel + TAKEOVER_MARGIN) {
            challenger = null;
        } else if (!currentSpeaks) {
            take(loudest, nowNanos); // nobody is speaking now: the first voice gets it at once
        } else if (challenger != loudest) {
            challenger = loudest;
            challengerSince = nowNanos;
        } else if (nowNanos - challengerSince >= TAKEOVER_NANOS) {
            take(loudest, nowNanos);
        }
        if (current != null && nowNanos - lastHeard > HOLD_NANOS) {
            current = null;
        }
        return current;
    }

    private void take(T speaker, long nowNanos) {
        current = speaker;
        lastHeard = nowNanos;
        challenger = null;
    }
}
