package dev.parley.media.adapt;

import java.time.Duration;

/**
 * Thresholds of the adaptive controller.
 *
 * @param downgradeHold         how long a queue must stand before stepping down
 * @param upgradeHold           how long the path must be clean before probing up
 * @param probeDuration         how long a probe must stay clean to be kept
 * @param probeBackoff          wait after a failed probe; doubles per consecutive failure
 * @param probeBackoffMax       the longest wait after failed probes
 * @param postSwitchSettle      after any switch, the old rendition's queue drains: no further step down
 *                              for this long (unless groups are skipped)
 * @param postDowngradeCooldown no probe this soon after stepping down
 * @param queueDowngrade        queueing delay above this is a standing queue
 * @param queueEmergency        queueing delay at which frames are about to be skipped: switch at once
 * @param queueGood             queueing delay below this counts as a clean path
 * @param fit                   a rendition fits a capacity when its bitrate is at most this share of it
 * @param probeHeadroom         probe a rendition only when the publisher's estimate is this many times its
 *                              bitrate (or unknown)
 * @param capacityMemory        how long the capacity measured at a step down (what arrived while the path
 *                              queued) keeps renditions that do not fit it from being probed
 * @param gradientWindow        the queue-growth signal takes the least delay of the ticks within this window
 *                              (so one early or late frame moves it little)
 * @param gradientStep          each step of a growing queue: the windowed delay rose by at least this much
 * @param gradientRise          a queue that grew by this much over three such steps in a row (and stands above
 *                              {@code queueDowngrade}) steps down at once: the first sign of a bottleneck
 * @param probeAbortHold        a probe is undone when the path queued for this long (its encoder has just
 *                              started: its first frames may be late without a queue), or at once when the
 *                              queue grows
 */
public record AdaptiveConfig(Duration downgradeHold, Duration upgradeHold, Duration probeDuration,
                             Duration probeBackoff, Duration probeBackoffMax, Duration postSwitchSettle,
                             Duration postDowngradeCooldown, Duration queueDowngrade, Duration queueEmergency,
                             Duration queueGood, double fit, double probeHeadroom, Duration capacityMemory,
                             Duration gradientWindow, Duration gradientStep, Duration gradientRise,
                             Duration probeAbortHold) {
    public static AdaptiveConfig defaults() {
        return new AdaptiveConfig(Duration.ofMillis(200), Duration.ofSeconds(4), Duration.ofSeconds(3),
                Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(1), Duration.ofSeconds(4),
                Duration.ofMillis(30), Duration.ofMillis(150), Duration.ofMillis(20), 0.8, 1.25, Duration.ofSeconds(15),
                Duration.ofMillis(100), Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(150));
    }
}
