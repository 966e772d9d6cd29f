package dev.parley.media.adapt;

import java.util.List;

/**
 * Chooses between renditions ranked best-first (index 0 = most pixels) from signals of the media
 * direction ({@link NetworkSignals}).
 *
 * <p>Down: the receiving side is the trigger. With a standby, nothing at all arriving (no audio frame, no
 * frame of either rendition) for 120 ms of on-time ticks after a steady flow (80 ms when the last frames
 * were already late) switches to the standby at once, or undoes a probe to it: the bottleneck's queue
 * overflowed (a burst fills it at once, what it dropped waits for retransmission behind it) or the link
 * is gone; a tick that runs late is the watcher's own stall and restarts the count. With a standby, the shown rendition silent for 150 ms while
 * the standby's frames (sent ahead of it) keep arriving switches to the standby at once: the shown
 * rendition is stuck (its lost packets wait for retransmission behind a queue) while the path still
 * delivers. A queue that keeps growing (the least frame delay of the last
 * {@code gradientWindow} rising by {@code gradientStep} or more on each of three ticks in a row: a bottleneck
 * filling, seen 150-250 ms after it starts) switches at once to the standby when there is one (already
 * decoded, the cheapest to send, so the queue drains fastest; the probes climb back to what fits). A
 * standing queue (even the fastest frame of the last 200 ms later than the fastest one seen by more than
 * {@code queueDowngrade} for {@code downgradeHold}, or by twice that after 100 ms of queue) or frames about
 * to be skipped ({@code queueEmergency}, or skipped groups while a queue stands; a jump from nothing is a
 * stall, not a queue) switch down at once to the best rendition that fits the
 * capacity: while the path queues, what arrives per second is the bottleneck's rate, and the publisher's
 * PROBE estimate caps it (with a standby, a queue younger than 500 ms goes to the
 * standby: the rate measured then still counts the burst that filled the queue). With a standby, a queue
 * building (a tick's frames above {@code queueDowngrade}, the reading before, up to 150 ms old, above
 * {@code queueGood}) while the shown rendition's next keyframe is due within
 * {@value #KEYFRAME_AHEAD_MS} ms (its cadence learnt from two group starts at a steady interval since the last
 * switch) switches to the standby at once: a keyframe sent before the step down reaches the publisher sits
 * in the bottleneck's FIFO queue ahead of the standby and audio. After a switch the old rendition's queue drains for {@code postSwitchSettle}
 * before another step down.
 *
 * <p>Up: only through a probe, one rung at a time: after {@code upgradeHold} of a clean path, when the
 * publisher's estimate has headroom for the next rung (or it sends none) and the rung fits what arrived
 * the last time the path queued (for {@code capacityMemory}), switch up and keep it if the
 * path stays clean for {@code probeDuration}, else (the delay lasting {@code probeAbortHold}, or growing) go back and wait {@code probeBackoff} (doubling per
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

    /**
     * Switch now (down) to this track; {@code emergency} when frames were about to be skipped (or nothing
     * came through at all); {@code reason} says which rule decided.
     */
    public record SwitchTo(String track, boolean emergency, String reason) implements Decision {
        public SwitchTo(String track, boolean emergency) {
            this(track, emergency, emergency ? "frames late" : "queue");
        }
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
    private long lastArrivalAt = NEVER;
    private int standbySinceShown;
    private long aboveGoodSince = NEVER;
    // the silence signal: the last tick anything arrived in, the last tick the watcher itself ran late, how many
    // ticks in a row brought something (each within FLOW_GAP_MS of the one before), and whether this silence was acted on
    private long lastAnyAt = NEVER;
    private long stalledAt = NEVER;
    private int flowingTicks;
    private boolean silenceActed;
    private long lastShownDelay;
    // the queue-growth signal: recent ticks' least delays, and the run of steps in which their windowed minimum rose
    private final java.util.ArrayDeque<long[]> recent = new java.util.ArrayDeque<>();
    private long growthFirst = -1;
    private long growthLast = -1;
    private int growthSteps;
    // the shown rendition's keyframe cadence: when its latest group was sent (this clock), the interval to the one
    // before, when that start was noted, and how many starts in a row since the last switch came at a steady interval
    private long groupSentAt = NEVER;
    private long groupIntervalMs;
    private long groupNotedAt = NEVER;
    private int steadyGroups;

    public AdaptiveController(AdaptiveConfig config) {
        this.config = config;
    }

    /** Sets the renditions (best first) and the one currently decoded; cancels a running probe. */
    public void setRenditions(List<Rung> bestFirst, String currentTrack) {
        ranked = List.copyOf(bestFirst);
        current = Math.max(0, indexOf(currentTrack));
        probe = -1;
        groupNotedAt = NEVER; // another rendition shows: its cadence is learnt anew
        steadyGroups = 0;
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

    /**
     * One evaluation (every 50-200 ms). A tick in which no counted frame arrived says nothing about the
     * queue (at 50 ms ticks one often falls between frames) and changes nothing, unless frames have been
     * missing for {@link #QUIET_MS}.
     */
    public Decision tick(NetworkSignals s, long now) {
        standbySinceShown = s.arrivals() > 0 ? 0 : standbySinceShown + s.standbyArrivals();
        noteGroupStart(s.shownGroupStart(), now);
        int lowest = ranked.size() - 1;
        if (silent(s, now) && ranked.size() > 1) {
            // nothing at all comes through (no audio frame, no frame of either rendition) while it flowed
            // steadily and the watcher ran on time: the bottleneck's queue has overflowed (a burst, often a
            // keyframe, fills it at once; what it dropped waits for retransmission behind it) or the link is
            // gone. Either way the cheapest rendition, already decoded, is what should come through next;
            // nothing is learnt about the capacity (the queue's drain measures it, see refine)
            if (probe >= 0) {
                String t = ranked.get(probe).track();
                probe = -1;
                probeBadSince = -1;
                current = standby ? lowest : current;
                failedProbes++;
                lastProbeFailure = now;
                lastSwitch = now;
                lastDowngrade = now;
                goodSince = -1;
                resetGrowth();
                return new AbortProbe(t, "silence");
            }
            if (standby && current != lowest) {
                return showStandby(now, true, "silence");
            }
        }
        // the shown rendition has delivered nothing for a while, the standby (sent ahead of it, in audio's
        // band) keeps arriving: the shown one is stuck behind the bottleneck (its lost packets wait for a
        // retransmission behind the queue), not the watcher or the whole connection: show the standby now
        if (standby && probe < 0 && ranked.size() > 1 && current != lowest && s.arrivals() == 0
                && lastArrivalAt != NEVER && now - lastArrivalAt >= STARVED_MS && standbySinceShown >= STARVED_STANDBY_FRAMES
                && elapsed(lastSwitch, config.postSwitchSettle(), now)) {
            capacityBps = minKnown(s.receiveBps(), s.peerEstimateBps());
            remember(now);
            return showStandby(now, true, "shown rendition stuck");
        }
        if (s.arrivals() == 0 && now - lastArrivalAt <= QUIET_MS) {
            return new Hold();
        }
        boolean skipping = lastSkipped >= 0 && s.skippedGroups() > lastSkipped;
        lastSkipped = s.skippedGroups();
        if (s.arrivals() > 0) {
            lastArrivalAt = now;
        }
        if (ranked.size() < 2) {
            return new Hold();
        }
        // the least delay of the last 200 ms: a standing queue delays even the fastest frame (one tick of
        // 200 ms, or four of 50 ms); over the last gradientWindow: the queue as it is now
        noteDelay(s.arrivals() > 0 ? s.queueDelay().toMillis() : 0, now);
        long delay = windowMin(STANDING_MS, now);
        long quick = windowMin(config.gradientWindow().toMillis(), now);
        boolean queueing = delay > config.queueDowngrade().toMillis();
        // a queue builds up over time; a delay that jumps from nothing is a stall (GC, CPU) on either end,
        // and must stand a while (or keep growing) like any queue before it counts
        if (quick >= config.queueGood().toMillis()) {
            if (aboveGoodSince == NEVER) {
                aboveGoodSince = now;
            }
        } else {
            aboveGoodSince = NEVER;
        }
        boolean rising = aboveGoodSince != NEVER && now - aboveGoodSince >= RISING_MS;
        boolean growing = s.arrivals() > 0 && grows(quick);
        // skipped groups with no queue behind them are a stall too, not the path
        boolean emergency = rising && (quick >= config.queueEmergency().toMillis() || skipping && queueing);
        boolean clean = s.arrivals() > 0 && delay < config.queueGood().toMillis() && !skipping;

        long peer = s.peerEstimateBps();
        // while the path queues, what arrives is what the bottleneck carries
        capacityBps = queueing || emergency || growing ? minKnown(s.receiveBps(), peer) : peer;

        if (probe >= 0) {
            // the probed rendition's encoder has just started at the publisher: its first frames can be
            // late without any queue, so a probe is undone only when the delay lasts or keeps growing
            if (!(queueing || emergency)) {
                probeBadSince = -1;
            } else if (probeBadSince < 0) {
                probeBadSince = now;
            }
            if (growing || probeBadSince >= 0 && elapsed(probeBadSince, config.probeAbortHold(), now)) {
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
                return new AbortProbe(t, emergency ? "frames late" : growing ? "queue growing" : "queue");
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

        if (queueing && current == lowest) {
            refine(now); // the queue left behind by a step down drains at the bottleneck's rate
        }
        // a queue building (this tick's frames above queueDowngrade, the reading before, up to 150 ms old: a tick
        // without a shown frame in between does not break it, above queueGood) while the
        // shown rendition's next keyframe is due before a step down decided later could reach the publisher: the
        // keyframe (200-230 ms of a 600 kbit/s link at 720p) would enter the bottleneck's queue ahead of the
        // standby and audio. Step to the standby now
        if (standby && current != lowest && s.arrivals() > 0 && s.queueDelay().toMillis() >= config.queueDowngrade().toMillis()
                && previousReading(now) >= config.queueGood().toMillis()
                && elapsed(lastSwitch, config.postSwitchSettle(), now) && keyframeDue(now)) {
            // the queue is too young and too small for its drain to measure the bottleneck afterwards (the lab's
            // drained in 150 ms, and an unmeasured step probed 360p 8 s later into the same 600 kbit/s); a FIFO
            // queue growing by g ms per ms takes in (1 + g) times what it passes on, and what it takes in is what
            // arrived before it (the last link sample, the publisher's estimate capping it)
            capacityBps = drainRate(minKnown(s.receiveBps(), peer));
            remember(now);
            return showStandby(now, false, "keyframe ahead");
        }
        if ((queueing || emergency || growing) && current != lowest) {
            goodSince = -1;
            if (badSince < 0) {
                badSince = now;
            }
            boolean settled = elapsed(lastSwitch, config.postSwitchSettle(), now);
            // twice the threshold, already standing, is a queue already
            boolean held = elapsed(badSince, config.downgradeHold(), now) || rising && quick >= 2 * config.queueDowngrade().toMillis();
            if (settled && (emergency || held || growing)) {
                remember(now);
                // a queue still growing, or younger than YOUNG_QUEUE_MS: the standby is already decoded and the
                // cheapest to send, so it drains the bottleneck fastest; the probes find the best rung that fits
                // afterwards. What arrived over the last link sample still counts time before the queue, or the
                // burst that filled it (measured: 813-926 kbit/s behind a 600 kbit/s cut, a step to 360p that queued again)
                boolean young = now - aboveGoodSince < YOUNG_QUEUE_MS;
                current = standby && (growing || young) ? lowest : fitBelow(capacityBps);
                badSince = -1;
                lastDowngrade = now;
                lastSwitch = now;
                resetGrowth();
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

    /**
     * The silence signal's bookkeeping for this tick; true when nothing has arrived for {@link #SILENCE_MS}
     * ({@link #SILENCE_QUEUED_MS} when a queue was building) of
     * on-time ticks (a tick later than {@link #STALLED_TICK_MS} restarts the count: the watcher itself
     * stalled) after at least {@link #FLOWING_TICKS} ticks in a row that each brought something; once per silence.
     */
    private boolean silent(NetworkSignals s, long now) {
        if (s.tickLateness().toMillis() > STALLED_TICK_MS) {
            stalledAt = now;
        }
        if (s.arrivals() > 0) {
            lastShownDelay = s.queueDelay().toMillis();
        }
        if (s.anyArrival()) {
            flowingTicks = lastAnyAt != NEVER && now - lastAnyAt <= FLOW_GAP_MS ? flowingTicks + 1 : 0;
            lastAnyAt = now;
            silenceActed = false;
            return false;
        }
        // behind a queue that was already building (the last frames of the shown rendition stood above
        // queueGood), a shorter silence is the overflow: every frame that enters the queue meanwhile comes
        // ~20 ms later per 50 ms tick
        long threshold = lastShownDelay >= config.queueGood().toMillis() ? SILENCE_QUEUED_MS : SILENCE_MS;
        if (silenceActed || flowingTicks < FLOWING_TICKS || lastAnyAt == NEVER
                || now - Math.max(lastAnyAt, stalledAt) < threshold) {
            return false;
        }
        silenceActed = true;
        return true;
    }

    /** Nothing arrived for this long (audio comes every 20 ms, video at 30 fps beside it): the path is blocked. */
    static final long SILENCE_MS = 120;
    /**
     * The silence that counts when the shown rendition's last frames already stood above {@code queueGood}: two
     * empty ticks (on a clean link the lab showed two empty ticks in a row now and then, after frames 0-1 ms
     * late, and never three once the watch was flowing).
     */
    static final long SILENCE_QUEUED_MS = 80;
    /** A tick this much later than scheduled is the watcher's own stall: the silence counts from after it. */
    static final long STALLED_TICK_MS = 30;
    /** Ticks in a row (each within {@link #FLOW_GAP_MS} of the last) that must have brought something before a silence counts. */
    static final int FLOWING_TICKS = 6;
    /** The longest gap between arrivals that still counts as a steady flow. */
    static final long FLOW_GAP_MS = 100;

    /** The shown rendition silent this long while the standby delivers: it is stuck behind the bottleneck. */
    static final long STARVED_MS = 150;
    /** Standby frames that must have arrived since the shown rendition's last one (~100 ms at 30 fps). */
    static final int STARVED_STANDBY_FRAMES = 3;
    /** Frames missing this long make a tick count again (as no queue, not clean). */
    static final long QUIET_MS = 300;
    /** How long the delay must have stood above {@code queueGood} before a large delay counts as a queue. */
    static final long RISING_MS = 100;

    /** A queue seen for less than this is young: what arrived meanwhile is not yet the bottleneck's rate. */
    static final long YOUNG_QUEUE_MS = 500;

    /** Steps of growth in a row that make a growing queue (two let 60 ms of random jitter through in the simulation). */
    static final int GROWTH_STEPS = 3;
    /** The window of the standing-queue delay. */
    static final long STANDING_MS = 200;

    private void noteDelay(long delay, long now) {
        recent.addLast(new long[]{now, delay});
        while (now - recent.peekFirst()[0] >= STANDING_MS) {
            recent.removeFirst();
        }
    }

    // The least delay of the ticks with arrivals within the last `windowMs` (this tick's at least).
    private long windowMin(long windowMs, long now) {
        long min = recent.peekLast()[1];
        for (long[] r : recent) {
            if (now - r[0] < windowMs) {
                min = Math.min(min, r[1]);
            }
        }
        return min;
    }

    /**
     * The queue-growth signal: the least delay of the ticks within {@code gradientWindow} (so one early or
     * late frame moves it little) rose by at least {@code gradientStep} per tick for {@value #GROWTH_STEPS} ticks in a
     * row, by {@code gradientRise} in all, and stands above {@code queueDowngrade}: the bottleneck's queue
     * is filling now, long before it has stood for {@code downgradeHold}.
     */
    private boolean grows(long windowed) {
        if (growthLast >= 0 && windowed - growthLast >= config.gradientStep().toMillis()) {
            growthSteps++;
        } else {
            growthFirst = windowed; // flat, falling or a small rise: a new run starts here
            growthSteps = 0;
        }
        growthLast = windowed;
        return growthSteps >= GROWTH_STEPS && windowed > config.queueDowngrade().toMillis()
                && windowed - growthFirst >= config.gradientRise().toMillis();
    }

    /** A step down to the standby (the lowest rendition, decoded already) for {@code rule}. */
    private SwitchTo showStandby(long now, boolean emergency, String rule) {
        current = ranked.size() - 1;
        badSince = -1;
        goodSince = -1;
        lastDowngrade = now;
        lastSwitch = now;
        resetGrowth();
        return new SwitchTo(ranked.get(current).track(), emergency, rule);
    }

    // The keyframe cadence's bookkeeping: a start counts as steady when the one before it was noted after the
    // last switch and both came at about the same interval (within a fifth: a fresh subscription's first interval
    // was 1,100 ms before 999 ms ones in the lab), so the start-up and each switch first
    // show two groups of the new rendition (its first seconds are also the noisiest: JIT, decoders starting).
    private void noteGroupStart(NetworkSignals.GroupStart g, long now) {
        if (g == null) {
            return;
        }
        long interval = g.sinceLast().toMillis();
        boolean steady = groupNotedAt != NEVER && groupNotedAt > lastSwitch && interval > 0
                && Math.abs(interval - groupIntervalMs) * 5 <= interval;
        steadyGroups = steady ? steadyGroups + 1 : 0;
        groupIntervalMs = interval;
        groupSentAt = now - g.age().toMillis();
        groupNotedAt = now;
    }

    /** Whether the shown rendition's next keyframe is due at the publisher within {@link #KEYFRAME_AHEAD_MS}. */
    private boolean keyframeDue(long now) {
        if (steadyGroups < 1 || groupIntervalMs <= 0 || groupNotedAt <= lastSwitch) {
            return false;
        }
        long due = groupIntervalMs - Math.floorMod(now - groupSentAt, groupIntervalMs);
        return due <= KEYFRAME_AHEAD_MS;
    }

    /**
     * How far ahead of the shown rendition's next keyframe a building queue steps down: a tick (50 ms) plus the
     * unsubscribe's way to the publisher and its reset of the group stream (measured 0-40 ms in the lab) plus a margin.
     */
    static final long KEYFRAME_AHEAD_MS = 150;

    /**
     * What the bottleneck passes on while its queue grows from the oldest reading of the last
     * {@value #STANDING_MS} ms to this tick's: {@code inBps / (1 + growth)}; 0 (unknown) without growth or input.
     */
    private long drainRate(long inBps) {
        long[] first = recent.peekFirst();
        long[] last = recent.peekLast();
        if (inBps <= 0 || first == null || last[0] <= first[0] || last[1] <= first[1]) {
            return 0;
        }
        double growth = (double) (last[1] - first[1]) / (last[0] - first[0]);
        return (long) (inBps / (1 + growth));
    }

    /** The delay of the reading before this tick's, or -1 when there is none within {@link #PREVIOUS_READING_MS}. */
    private long previousReading(long now) {
        long[] prev = null;
        for (long[] r : recent) {
            if (r[0] < now) {
                prev = r;
            }
        }
        return prev == null || now - prev[0] > PREVIOUS_READING_MS ? -1 : prev[1];
    }

    /** How old the reading before this tick's may be for the keyframe-ahead rule (three 50 ms ticks, one without a frame). */
    static final long PREVIOUS_READING_MS = 150;

    private void resetGrowth() {
        growthFirst = -1;
        growthLast = -1;
        growthSteps = 0;
    }

    // What arrives while the queue of a step down drains is the bottleneck's rate: a lower measurement
    // replaces the one taken at the step (which may have counted a little of the time before the queue).
    private void refine(long now) {
        if (capacityBps > 0 && now - lastDowngrade < config.postSwitchSettle().toMillis()
                && (measuredBps <= 0 || capacityBps < measuredBps)) {
            measuredBps = capacityBps;
            measuredAt = now;
        }
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
