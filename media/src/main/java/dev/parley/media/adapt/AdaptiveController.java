package dev.parley.media.adapt;

import java.time.Duration;
import java.util.List;

/**
 * Chooses between renditions ranked best-first (index 0 = most pixels) from network signals: an
 * emergency drop to the lowest on heavy loss, one step down after sustained stress, and upgrades
 * only through a probe that must survive {@code probeDuration} without loss or new congestion.
 *
 * <p>Differences from the reference algorithm, fixing its known gaps: stress also counts queueing
 * delay (RTT above its floor), not only loss and a capacity estimate; bandwidth checks prefer the
 * measured receive rate when the capacity estimate is missing; a switch failure (the new
 * rendition produced no keyframe in time) is reported back and holds further switches; and the
 * caller swaps decoders seamlessly, stopping the old one, so two renditions never interleave.
 * Not thread-safe; time is passed in (milliseconds on any monotonic clock).
 */
public final class AdaptiveController {
    /** Renditions as the controller sees them. */
    public record Rung(String track, long pixels, long bitrate) {
    }

    /** What to do after a tick. */
    public sealed interface Decision permits Hold, SwitchTo, StartProbe, CommitProbe, AbortProbe {
    }

    public record Hold() implements Decision {
    }

    /** Switch immediately (downgrade or emergency) to this track. */
    public record SwitchTo(String track, boolean emergency) implements Decision {
    }

    /** Start decoding this higher track in parallel as a probe. */
    public record StartProbe(String track) implements Decision {
    }

    /** The probe held up: make it current. */
    public record CommitProbe(String track) implements Decision {
    }

    /** The probe failed: drop it. */
    public record AbortProbe(String track, String reason) implements Decision {
    }

    private final AdaptiveConfig config;
    private List<Rung> ranked = List.of();
    private int current;
    private int probe = -1;
    private long probeStart;
    private long probeBaselineCongestion;
    private long badSince = -1;
    private long goodSince = -1;
    private long lastDowngrade = Long.MIN_VALUE / 2;
    private long lastProbe = Long.MIN_VALUE / 2;
    private long lastSwitchFailure = Long.MIN_VALUE / 2;

    public AdaptiveController(AdaptiveConfig config) {
        this.config = config;
    }

    /** Sets the renditions (best first) and the one currently decoded; cancels a running probe. */
    public void setRenditions(List<Rung> bestFirst, String currentTrack) {
        ranked = List.copyOf(bestFirst);
        current = Math.max(0, indexOf(currentTrack));
        probe = -1;
    }

    public String currentTrack() {
        return ranked.isEmpty() ? null : ranked.get(current).track();
    }

    public String probeTrack() {
        return probe < 0 ? null : ranked.get(probe).track();
    }

    /** The watcher reports that switching to a track failed (no keyframe in time). */
    public void switchFailed(long nowMillis) {
        lastSwitchFailure = nowMillis;
        probe = -1;
    }

    private int indexOf(String track) {
        for (int i = 0; i < ranked.size(); i++) {
            if (ranked.get(i).track().equals(track)) {
                return i;
            }
        }
        return -1;
    }

    private boolean elapsed(long since, Duration d, long now) {
        return now - since >= d.toMillis();
    }

    /** One evaluation (call about every 200 ms). */
    public Decision tick(NetworkSignals s, long now) {
        if (ranked.size() < 2) {
            return new Hold();
        }
        if (probe >= 0) {
            if (s.lossRate() >= config.lossProbeAbort() || s.congestionEvents() > probeBaselineCongestion) {
                String t = ranked.get(probe).track();
                probe = -1;
                lastProbe = now;
                return new AbortProbe(t, s.lossRate() >= config.lossProbeAbort() ? "loss" : "congestion");
            }
            if (elapsed(probeStart, config.probeDuration(), now)) {
                current = probe;
                probe = -1;
                lastProbe = now;
                goodSince = -1;
                return new CommitProbe(ranked.get(current).track());
            }
            return new Hold();
        }
        int lowest = ranked.size() - 1;
        if (s.lossRate() >= config.lossEmergency() && current != lowest) {
            current = lowest;
            badSince = -1;
            goodSince = -1;
            lastDowngrade = now;
            return new SwitchTo(ranked.get(current).track(), true);
        }
        long capacity = s.availableBps() > 0 ? s.availableBps() : s.receiveBps();
        long bitrate = ranked.get(current).bitrate();
        boolean starved = bitrate > 0 && capacity > 0 && capacity < bitrate * config.bwDowngradeRatio();
        boolean lossy = s.lossRate() >= config.lossDowngrade();
        boolean queueing = s.queueingDelay().compareTo(config.queueingDowngrade()) > 0;
        if ((starved || lossy || queueing) && current != lowest) {
            goodSince = -1;
            if (badSince < 0) {
                badSince = now;
            }
            if (elapsed(badSince, config.downgradeHold(), now) && elapsed(lastSwitchFailure, config.postDowngradeCooldown(), now)) {
                current++;
                badSince = -1;
                lastDowngrade = now;
                return new SwitchTo(ranked.get(current).track(), false);
            }
            return new Hold();
        }
        badSince = -1;
        if (current == 0) {
            goodSince = -1;
            return new Hold();
        }
        if (!elapsed(lastDowngrade, config.postDowngradeCooldown(), now) || !elapsed(lastProbe, config.probeCooldown(), now)
                || !elapsed(lastSwitchFailure, config.postDowngradeCooldown(), now)) {
            return new Hold();
        }
        Rung next = ranked.get(current - 1);
        boolean headroom = next.bitrate() == 0 || capacity == 0 || capacity >= next.bitrate() * config.bwProbeHeadroom();
        boolean good = s.lossRate() <= config.lossGood() && !queueing;
        if (headroom && good) {
            if (goodSince < 0) {
                goodSince = now;
            }
            if (elapsed(goodSince, config.upgradeHold(), now)) {
                probe = current - 1;
                probeStart = now;
                probeBaselineCongestion = s.congestionEvents();
                goodSince = -1;
                return new StartProbe(next.track());
            }
        } else {
            goodSince = -1;
        }
        return new Hold();
    }
}
