package dev.parley.media.adapt;

import java.time.Duration;

/**
 * Thresholds of the adaptive controller. Defaults follow the reference system (500 ms downgrade
 * hold, 4 s upgrade hold, 3 s probe, 8 s probe cooldown, 4 s post-downgrade cooldown; loss 20 %
 * emergency, 10 % downgrade, 2 % good, 5 % probe abort; bandwidth 0.85 / 1.2), plus a queueing-delay
 * rule the reference lacks: RTT more than {@code queueingDowngrade} above its floor counts as stress.
 */
public record AdaptiveConfig(Duration downgradeHold, Duration upgradeHold, Duration probeDuration,
                             Duration probeCooldown, Duration postDowngradeCooldown, double lossEmergency,
                             double lossDowngrade, double lossGood, double lossProbeAbort, double bwDowngradeRatio,
                             double bwProbeHeadroom, Duration queueingDowngrade) {
    public static AdaptiveConfig defaults() {
        return new AdaptiveConfig(Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(3),
                Duration.ofSeconds(8), Duration.ofSeconds(4), 0.20, 0.10, 0.02, 0.05, 0.85, 1.2,
                Duration.ofMillis(150));
    }
}
