package dev.parley.media.adapt;

import java.time.Duration;

/**
 * One adaptation sample of the media direction (publisher → this watcher), for one control tick.
 *
 * @param queueDelay      how far the video frames that arrived in the tick stood behind the fastest
 *                        arrival seen (arrival time − media timestamp, relative to its minimum; the least
 *                        of the tick's frames, so one large keyframe does not count as a queue). A standing
 *                        bottleneck queue shows here before loss does.
 * @param arrivals        video frames that arrived in the tick (0: the delay says nothing)
 * @param receiveBps      bits received on the connection per second over the tick
 * @param peerEstimateBps the publisher's capacity estimate from PROBE, bits per second (0 = unknown)
 * @param skippedGroups   groups skipped so far because they arrived too late (cumulative)
 * @param standbyArrivals frames of the standby rendition (not counted in {@code arrivals}) that arrived in the tick
 * @param audioArrivals   audio frames that arrived in the tick
 * @param tickLateness    how much later than scheduled this tick ran: the watcher itself stalled (GC, CPU), so
 *                        what did not arrive meanwhile says nothing about the network
 * @param shownGroupStart the latest group (keyframe) of the shown rendition that started arriving in the tick, or
 *                        null when none did
 */
public record NetworkSignals(Duration queueDelay, int arrivals, long receiveBps, long peerEstimateBps,
                             long skippedGroups, int standbyArrivals, int audioArrivals, Duration tickLateness,
                             GroupStart shownGroupStart) {

    /**
     * A group of the shown rendition began: {@code age} is how long ago the publisher sent its first frame
     * (its timestamp on the fastest path seen, see the watcher's live edge: a queue makes the frame arrive
     * later, not the group start earlier); {@code sinceLast} how far its timestamp is from the previous group's
     * of the same track (zero when unknown): the rendition's keyframe cadence.
     */
    public record GroupStart(Duration age, Duration sinceLast) {
    }

    public NetworkSignals(Duration queueDelay, int arrivals, long receiveBps, long peerEstimateBps, long skippedGroups,
                          int standbyArrivals, int audioArrivals, Duration tickLateness) {
        this(queueDelay, arrivals, receiveBps, peerEstimateBps, skippedGroups, standbyArrivals, audioArrivals, tickLateness, null);
    }

    public NetworkSignals(Duration queueDelay, int arrivals, long receiveBps, long peerEstimateBps, long skippedGroups) {
        this(queueDelay, arrivals, receiveBps, peerEstimateBps, skippedGroups, 0);
    }

    public NetworkSignals(Duration queueDelay, int arrivals, long receiveBps, long peerEstimateBps, long skippedGroups,
                          int standbyArrivals) {
        this(queueDelay, arrivals, receiveBps, peerEstimateBps, skippedGroups, standbyArrivals, 0, Duration.ZERO);
    }

    /** Whether anything at all (a frame of either rendition, an audio frame) arrived in the tick. */
    public boolean anyArrival() {
        return arrivals > 0 || standbyArrivals > 0 || audioArrivals > 0;
    }

    /** A tick in which nothing was measured. */
    public static NetworkSignals none() {
        return new NetworkSignals(Duration.ZERO, 0, 0, 0, 0);
    }

    /** Signals from two link samples of the same connection and the tick's frame arrivals. */
    public static NetworkSignals of(LinkSample earlier, LinkSample later, ArrivalWindow.Summary arrivals, long skippedGroups) {
        return of(receiveBps(earlier, later), later, arrivals, skippedGroups);
    }

    /** Signals with a receive rate measured before (link samples come every 200 ms, ticks may be shorter). */
    public static NetworkSignals of(long receiveBps, LinkSample latest, ArrivalWindow.Summary arrivals, long skippedGroups) {
        return of(receiveBps, latest, arrivals, skippedGroups, Duration.ZERO);
    }

    /** Like {@link #of(long, LinkSample, ArrivalWindow.Summary, long)}, with how late the tick ran. */
    public static NetworkSignals of(long receiveBps, LinkSample latest, ArrivalWindow.Summary arrivals, long skippedGroups,
                                    Duration tickLateness) {
        GroupStart group = arrivals.groupAgeMicros() < 0 ? null
                : new GroupStart(Duration.ofNanos(arrivals.groupAgeMicros() * 1000), Duration.ofNanos(arrivals.groupIntervalMicros() * 1000));
        return new NetworkSignals(Duration.ofNanos(arrivals.minLatenessMicros() * 1000), arrivals.count(), receiveBps,
                latest == null ? 0 : latest.peerEstimateBps(), skippedGroups, arrivals.others(), arrivals.audio(), tickLateness,
                group);
    }

    /** Bits per second received between two link samples of the same connection (0 when unknown). */
    public static long receiveBps(LinkSample earlier, LinkSample later) {
        if (earlier == null || later == null) {
            return 0;
        }
        long nanos = Duration.between(earlier.path().at(), later.path().at()).toNanos();
        return nanos <= 0 ? 0 : Math.max(0, later.path().bytesReceived() - earlier.path().bytesReceived()) * 8 * 1_000_000_000L / nanos;
    }
}
