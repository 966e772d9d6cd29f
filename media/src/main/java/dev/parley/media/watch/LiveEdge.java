package dev.parley.media.watch;

import dev.parley.media.adapt.ArrivalWindow;
import dev.parley.media.source.Clock;

/**
 * How far behind live a media timestamp is, without trusting the publisher's clock: the smallest
 * {@code (local now − timestamp)} seen is taken as "live" (as hang's players do), and a frame's
 * lateness is how much more than that it shows. The floor drifts up slowly (1 ms/s) so clock
 * drift and one lucky early sample do not make everything look late forever. Thread-safe.
 */
public final class LiveEdge {
    private final long maxLatencyMicros;
    private final ArrivalWindow arrivals;
    private long floorMicros = Long.MAX_VALUE;
    private long floorSetAtMicros;

    public LiveEdge(long maxLatencyMillis) {
        this(maxLatencyMillis, null);
    }

    /** @param arrivals where each observed frame's lateness is also recorded (the adaptive controller's queue signal), or null */
    public LiveEdge(long maxLatencyMillis, ArrivalWindow arrivals) {
        this.maxLatencyMicros = maxLatencyMillis * 1000;
        this.arrivals = arrivals;
    }

    /** Records a timestamp as it arrives and returns its lateness in microseconds (≥ 0). */
    public long observe(long timestampMicros) {
        return observe(timestampMicros, true);
    }

    /**
     * Like {@link #observe(long)}; with {@code counted} false the lateness does not go to the arrival window,
     * only the arrival (a standby rendition's frames: small and sent ahead of the shown rendition, their
     * lateness would hide its queue; that they keep arriving while it does not tells it is stuck).
     */
    public long observe(long timestampMicros, boolean counted) {
        long late = lateness(timestampMicros);
        if (arrivals != null) {
            arrivals.record(late, counted); // the standby's frames are counted apart
        }
        return late;
    }

    /**
     * A group of a track started with this frame timestamp, {@code intervalMicros} after the track's previous
     * group (0: unknown); {@code counted}: it is the shown rendition's. Its send time on this clock is the
     * timestamp on the fastest path seen (a queue delays the frame's arrival, not the group's start).
     */
    public void groupStarted(long timestampMicros, long intervalMicros, boolean counted) {
        if (arrivals == null || !counted) {
            return;
        }
        long floor;
        synchronized (this) {
            floor = floorMicros;
        }
        if (floor != Long.MAX_VALUE) {
            arrivals.recordGroupStart(timestampMicros + floor, intervalMicros);
        }
    }

    private synchronized long lateness(long timestampMicros) {
        long now = Clock.nowMicros();
        long offset = now - timestampMicros;
        long drifted = floorMicros == Long.MAX_VALUE ? Long.MAX_VALUE : floorMicros + (now - floorSetAtMicros) / 1000;
        if (offset <= drifted) {
            floorMicros = offset;
            floorSetAtMicros = now;
            return 0;
        }
        return offset - drifted;
    }

    /** Lateness without updating the floor. */
    public synchronized long latenessMicros(long timestampMicros) {
        if (floorMicros == Long.MAX_VALUE) {
            return 0;
        }
        long now = Clock.nowMicros();
        return Math.max(0, now - timestampMicros - floorMicros - (now - floorSetAtMicros) / 1000);
    }

    public boolean tooLate(long latenessMicros) {
        return latenessMicros > maxLatencyMicros;
    }

    public long maxLatencyMicros() {
        return maxLatencyMicros;
    }
}
