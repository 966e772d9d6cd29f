package dev.parley.media.adapt;

import java.util.List;

/**
 * Chooses between renditions ranked best-first (index 0 = most pixels) from signals of the media
 * direction ({@link NetworkSignals}).
 *
 * <p>Down: the receiving side is the trigger. A standing queue (frames arriving later than the fastest
 * one by more than {@code queueDowngrade} for {@code downgradeHold}, or by twice that in a tick after one that
 * already queued) or frames about to be skipped ({@code queueEmergency}, or skipped groups while a queue
 * stands, after a tick that already queued; a jump from nothing in one tick is a stall, not a queue)
 * switch down at once to the best rendition that fits the
 * capacity: while the path queues, what arrives per second is the bottleneck's rate, and the publisher's
 * PROBE estimate caps it. After a switch the old rendition's queue drains for {@code postSwitchSettle}
 * before another step down.
 *
 * <p>Up: only through a probe, one rung at a time: after {@code upgradeHold} of a clean path, when the
 * publisher's estimate has headroom for the next rung (or it sends none) and the rung fits what arrived
 * the last time the path queued (for {@code capacityMemory}), switch up and keep it if the
 * path stays clean for {@code probeDuration}, else (the delay lasting two ticks) go back and wait {@code probeBackoff} (doubling per
 * failure, reset by a kept probe); going back lands on the best rendition at or below the one before the
 * probe that fits the capacity measured while it queued (a link that collapsed during a probe is not
 * answered by the rung the probe started from when that no longer fits either).
 *
 * <p>With a standby ({@link #setStandby}: the watcher keeps the lowest rendition subscribed while another
 * is shown) a higher rung fits only with the lowest rung's bitrate beside it.
 *
 * <p>Loss does not appear here: QUIC repairs it, and it matters only
 * through the delay and skipped groups it causes. Not thread-safe; time is passed in (milliseconds on any
 * monotonic clock).
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

    /** Switch now (down) to this track; {@code emergency} when frames were about to be skipped. */
    public record SwitchTo(String track, boolean emergency) implements Decision {
    }

    /** Switch up to this track on probation. */
    public record StartProbe(String track) implements Decision {
    }

    /** The probe held up: it stays. */
    public record CommitProbe(String track) implements Decision {
    }

    /** The probe failed: go back to {@link #currentTrack()} (the rung before the probe, or lower if that does not fit). */
    public record AbortProbe(String track, String reason) implements Decision {
    }

    private static final long NEVER = Long.MIN_VALUE / 4;

    private final AdaptiveConfig config;
    private List<Rung> ranked = List.of();
    private int current;
    private int probe = -1;
    private long probeStart;
    private long probeBadSince = -1;
    private long badSince = -1;
    private long goodSince = -1;
    private long lastSwitch = NEVER;
    private long lastDowngrade = NEVER;
    private long lastProbeFailure = NEVER;
    private int failedProbes;
    private long lastSwitchFailure = NEVER;
    private long lastSkipped = -1;
    private long lastDelay;
    private long capacityBps;
    private long measuredBps;
    private long measuredAt = NEVER;
    private boolean standby;

    public AdaptiveController(AdaptiveConfig config) {
        this.config = config;
    }

    /** Sets the renditions (best first) and the one currently decoded; cancels a running probe. */
    public void setRenditions(List<Rung> bestFirst, String currentTrack) {
        ranked = List.copyOf(bestFirst);
        current = Math.max(0, indexOf(currentTrack));
        probe = -1;
    }

    /** Whether the lowest rendition is received beside any higher one (its bitrate counts against the capacity). */
    public void setStandby(boolean on) {
        standby = on;
    }

    /** The rendition the controller stands on (during a probe: the one it falls back to). */
    public String currentTrack() {
        return ranked.isEmpty() ? null : ranked.get(current).track();
    }

    public String probeTrack() {
        return probe < 0 ? null : ranked.get(probe).track();
    }

    /** The capacity the last decision acted on, bits per second (0 = unknown). */
    public long capacityBps() {
        return capacityBps;
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

    private static boolean elapsed(long since, java.time.Duration d, long now) {
        return now - since >= d.toMillis();
    }

    /** One evaluation (about every 200 ms). */
    public Decision tick(NetworkSignals s, long now) {
        boolean skipping = lastSkipped >= 0 && s.skippedGroups() > lastSkipped;
        lastSkipped = s.skippedGroups();
        if (ranked.size() < 2) {
            return new Hold();
        }
        long delay = s.arrivals() > 0 ? s.queueDelay().toMillis() : 0;
        boolean queueing = delay > config.queueDowngrade().toMillis();
        // a queue builds up over ticks; a delay that jumps from nothing in one tick is a stall (GC, CPU) on
        // either end, and waits for the next tick like any standing queue
        boolean rising = lastDelay >= config.queueGood().toMillis();
        lastDelay = delay;
        // skipped groups with no queue behind them are a stall too, not the path
        boolean emergency = rising && (delay >= config.queueEmergency().toMillis() || skipping && queueing);
        boolean clean = s.arrivals() > 0 && delay < config.queueGood().toMillis() && !skipping;

        long peer = s.peerEstimateBps();
        // while the path queues, what arrives is what the bottleneck carries
        capacityBps = queueing || emergency ? minKnown(s.receiveBps(), peer) : peer;

        if (probe >= 0) {
            // the probed rendition's encoder has just started at the publisher: its first frames can be
            // late without any queue, so a probe is undone only when the delay lasts two ticks
            if ((queueing || emergency) && probeBadSince < 0) {
                probeBadSince = now;
                return new Hold();
            }
            if (!(queueing || emergency)) {
                probeBadSince = -1;
            }
            if (queueing || emergency) {
                probeBadSince = -1;
                remember(now);
                String t = ranked.get(probe).track();
                probe = -1;
                if (capacityBps > 0 && !fits(current, capacityBps)) {
                    current = fitBelow(capacityBps);
                }
                failedProbes++;
                lastProbeFailure = now;
                lastSwitch = now;
                goodSince = -1;
                return new AbortProbe(t, emergency ? "frames late" : "queue");
            }
            if (elapsed(probeStart, config.probeDuration(), now)) {
                current = probe;
                probe = -1;
                failedProbes = 0;
                goodSince = -1;
                return new CommitProbe(ranked.get(current).track());
            }
            return new Hold();
        }

        int lowest = ranked.size() - 1;
        if ((queueing || emergency) && current != lowest) {
            goodSince = -1;
            if (badSince < 0) {
                badSince = now;
            }
            boolean settled = elapsed(lastSwitch, config.postSwitchSettle(), now);
            // twice the threshold in one tick (every frame of it that late) is a standing queue already
            boolean held = elapsed(badSince, config.downgradeHold(), now) || rising && delay >= 2 * config.queueDowngrade().toMillis();
            if (settled && (emergency || held)) {
                remember(now);
                current = fitBelow(capacityBps);
                badSince = -1;
                lastDowngrade = now;
                lastSwitch = now;
                return new SwitchTo(ranked.get(current).track(), emergency);
            }
            return new Hold();
        }
        badSince = -1;
        if (!clean || current == 0) {
            goodSince = -1;
            return new Hold();
        }
        long backoff = Math.min(config.probeBackoffMax().toMillis(),
                config.probeBackoff().toMillis() << Math.min(8, Math.max(0, failedProbes - 1)));
        if (!elapsed(lastDowngrade, config.postDowngradeCooldown(), now)
                || !elapsed(lastSwitchFailure, config.postDowngradeCooldown(), now)
                || now - lastProbeFailure < backoff) {
            goodSince = -1;
            return new Hold();
        }
        Rung next = ranked.get(current - 1);
        boolean headroom = peer <= 0 || next.bitrate() <= 0 || peer >= next.bitrate() * config.probeHeadroom();
        if (measuredBps > 0 && now - measuredAt < config.capacityMemory().toMillis() && !fits(current - 1, measuredBps)) {
            headroom = false; // it did not fit what arrived the last time the path queued
        }
        if (!headroom) {
            goodSince = -1;
            return new Hold();
        }
        if (goodSince < 0) {
            goodSince = now;
        }
        if (elapsed(goodSince, config.upgradeHold(), now)) {
            probe = current - 1;
            probeStart = now;
            probeBadSince = -1;
            lastSwitch = now;
            goodSince = -1;
            return new StartProbe(next.track());
        }
        return new Hold();
    }

    private void remember(long now) {
        if (capacityBps > 0) {
            measuredBps = capacityBps;
            measuredAt = now;
        }
    }

    // The best rendition below the current one whose bitrate fits the capacity; one step down when the
    // capacity is unknown, the lowest when nothing fits.
    private int fitBelow(long capacity) {
        if (capacity <= 0) {
            return current + 1;
        }
        for (int i = current + 1; i < ranked.size(); i++) {
            if (fits(i, capacity)) {
                return i;
            }
        }
        return ranked.size() - 1;
    }

    // Whether rung i's bitrate (and the standby's, beside a higher rung) fits the capacity.
    private boolean fits(int i, long capacity) {
        int lowest = ranked.size() - 1;
        long extra = standby && i != lowest ? ranked.get(lowest).bitrate() : 0;
        return ranked.get(i).bitrate() + extra <= capacity * config.fit();
    }

    private static long minKnown(long a, long b) {
        if (a <= 0) {
            return Math.max(0, b);
        }
        return b <= 0 ? a : Math.min(a, b);
    }
}
