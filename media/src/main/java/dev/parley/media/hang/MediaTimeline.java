package dev.parley.media.hang;

/**
 * Where a broadcast's media clock starts. Timestamps on the wire are microseconds since the broadcast
 * started ({@link #toMedia}), audio and video alike, as other hang publishers send them: a player may
 * store sample positions in 32-bit integers (the hang player's shared audio ring does), which wrap
 * about every 24.9 h of timeline, so a timeline counted from the Unix epoch goes silent half of every
 * day. Parley still measures capture-to-arrival against the wall clock: the catalog carries
 * {@link #epochMicros} ({@code parley.timelineEpochMicros}) and a Parley watcher adds it back
 * ({@link #toCapture}). A catalog without it means 0: older Parley publishers stamped epoch
 * microseconds, and other publishers' near-zero timelines are judged by their lateness behind the
 * live edge instead.
 *
 * @param epochMicros wall-clock time (µs since the Unix epoch) of media time 0; 0 when unknown
 */
public record MediaTimeline(long epochMicros) {
    /** A capture time within this much of the wall clock is taken as one (on any timeline it is far off). */
    public static final long WALL_CLOCK_WINDOW_MICROS = 3_600_000_000L;

    /** The timeline of a publisher that sent no epoch: media time is taken as it comes. */
    public static final MediaTimeline UNKNOWN = new MediaTimeline(0);

    public MediaTimeline {
        if (epochMicros < 0) {
            throw new IllegalArgumentException("negative timeline epoch " + epochMicros);
        }
    }

    /** A timeline whose media time 0 is the wall-clock time {@code nowMicros}. */
    public static MediaTimeline startingAt(long nowMicros) {
        return new MediaTimeline(nowMicros);
    }

    /** Media time for a capture time (µs since the epoch); never negative. */
    public long toMedia(long captureMicros) {
        return Math.max(0, captureMicros - epochMicros);
    }

    /**
     * Whether a (converted) capture time is wall-clock time, so {@code now − capture} is a latency; a
     * publisher's own near-zero timeline without an epoch is not (judge it by the live edge instead).
     */
    public static boolean onWallClock(long captureMicros, long nowMicros) {
        return Math.abs(nowMicros - captureMicros) < WALL_CLOCK_WINDOW_MICROS;
    }

    /** Capture time (µs since the epoch when the epoch is known) for a media timestamp from the wire. */
    public long toCapture(long mediaMicros) {
        return mediaMicros + epochMicros;
    }
}
