package dev.parley.media.watch;

/**
 * How long a decoded video frame waits for the audio clock (lip sync), as a pure function. Video waits
 * until audio reaches the frame's timestamp, but never beyond {@link #MAX_BEHIND_LIVE_MICROS} behind its
 * own live edge: a frame that already arrived late (a queue on the path) is shown at once, and a jitter
 * buffer that grew for a transient queue (audio crosses the same queue and its buffer keeps that depth
 * for a while) does not drag video behind it. So video's delay behind live is at most
 * {@code max(its own lateness, 100 ms)}; and audio lags video by at most its own delay behind the
 * video's live edge minus 100 ms (nothing while audio plays within 100 ms of live, as on a clean link).
 */
final class AvPacing {
    /** How far behind its live edge video may be held for audio. */
    static final long MAX_BEHIND_LIVE_MICROS = 100_000;

    private AvPacing() {}

    /**
     * @param frameMicros the frame's media timestamp
     * @param audioMicros the media time audio plays now, or negative when no audio plays
     * @param latenessMicros how far behind the live edge the frame is already ({@link LiveEdge#latenessMicros})
     * @return how long to hold the frame, in microseconds (≥ 0)
     */
    static long holdMicros(long frameMicros, long audioMicros, long latenessMicros) {
        if (audioMicros < 0) {
            return 0;
        }
        long ahead = frameMicros - audioMicros;
        return Math.max(0, Math.min(ahead, MAX_BEHIND_LIVE_MICROS - latenessMicros));
    }
}
