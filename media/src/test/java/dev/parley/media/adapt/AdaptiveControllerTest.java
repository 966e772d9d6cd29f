package dev.parley.media.adapt;

import dev.parley.media.adapt.AdaptiveController.AbortProbe;
import dev.parley.media.adapt.AdaptiveController.CommitProbe;
import dev.parley.media.adapt.AdaptiveController.Decision;
import dev.parley.media.adapt.AdaptiveController.Hold;
import dev.parley.media.adapt.AdaptiveController.StartProbe;
import dev.parley.media.adapt.AdaptiveController.SwitchTo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AdaptiveControllerTest {
    static final List<AdaptiveController.Rung> LADDER = List.of(
            new AdaptiveController.Rung("video/h264-1080p", 1920 * 1080, 4_354_560),
            new AdaptiveController.Rung("video/h264-720p", 1280 * 720, 1_935_360),
            new AdaptiveController.Rung("video/h264-360p", 640 * 360, 483_840),
            new AdaptiveController.Rung("video/h264-180p", 320 * 180, 120_960));

    static NetworkSignals sig(long queueMs, long receiveBps, long peerBps, long skipped) {
        return new NetworkSignals(Duration.ofMillis(queueMs), 6, receiveBps, peerBps, skipped);
    }

    static NetworkSignals clean(long peerBps) {
        return sig(2, 1_000_000, peerBps, 0);
    }

    AdaptiveController at(String track) {
        AdaptiveController c = new AdaptiveController(AdaptiveConfig.defaults());
        c.setRenditions(LADDER, track);
        return c;
    }

    @Test
    void framesAboutToBeSkippedSwitchAtOnceToWhatTheBottleneckCarries() {
        AdaptiveController c = at("video/h264-1080p");
        c.tick(sig(40, 700_000, 0, 0), 0); // the queue builds
        // 600 kbit/s arrives while frames stand 180 ms in a queue: 0.8 × 600k fits 180p only
        assertThat(c.tick(sig(180, 600_000, 0, 0), 200)).isEqualTo(new SwitchTo("video/h264-180p", true));
        assertThat(c.capacityBps()).isEqualTo(600_000);
        assertThat(c.currentTrack()).isEqualTo("video/h264-180p");
    }

    @Test
    void theLowerOfReceiveRateAndPublisherEstimateSetsTheTarget() {
        AdaptiveController c = at("video/h264-1080p");
        c.tick(sig(40, 3_000_000, 700_000, 0), 0);
        assertThat(c.tick(sig(200, 3_000_000, 700_000, 0), 200)).isEqualTo(new SwitchTo("video/h264-360p", true));
    }

    @Test
    void aDelayThatJumpsFromNothingInOneTickIsAStallAndWaitsForTheNextTick() {
        AdaptiveController c = at("video/h264-720p");
        c.tick(clean(0), 0);
        assertThat(c.tick(sig(230, 560_000, 0, 0), 200)).as("a GC pause or a starved thread").isInstanceOf(Hold.class);
        assertThat(c.tick(clean(0), 400)).isInstanceOf(Hold.class);
        assertThat(c.tick(sig(230, 560_000, 0, 0), 600)).isInstanceOf(Hold.class);
        assertThat(c.tick(sig(230, 560_000, 0, 0), 800)).as("it lasted: a queue").isInstanceOf(SwitchTo.class);
    }

    @Test
    void aStandingQueueStepsDownAfterTheHoldAndOneTickDoesNot() {
        AdaptiveController c = at("video/h264-1080p");
        assertThat(c.tick(sig(45, 3_000_000, 0, 0), 0)).isInstanceOf(Hold.class);
        assertThat(c.tick(clean(0), 200)).as("a blip resets the hold").isInstanceOf(Hold.class);
        assertThat(c.tick(sig(45, 3_000_000, 0, 0), 400)).isInstanceOf(Hold.class);
        assertThat(c.tick(sig(45, 3_000_000, 0, 0), 600)).isEqualTo(new SwitchTo("video/h264-720p", false));
        // twice the threshold in one tick does not wait
        assertThat(c.tick(sig(65, 3_000_000, 0, 0), 1800)).isEqualTo(new SwitchTo("video/h264-360p", false));
    }

    @Test
    void skippedGroupsBehindAQueueAreAnEmergencyAndTheDrainAfterASwitchIsNot() {
        AdaptiveController c = at("video/h264-1080p");
        c.tick(sig(0, 1_000_000, 0, 0), 0);
        assertThat(c.tick(sig(25, 1_000_000, 0, 2), 200)).as("skips without a standing queue: a local stall").isInstanceOf(Hold.class);
        // 1 Mbit/s arrives: 0.8 × that fits 360p
        assertThat(c.tick(sig(40, 1_000_000, 0, 3), 400)).isEqualTo(new SwitchTo("video/h264-360p", true));
        // the old rendition's queue drains: late frames and skips right after the switch do not count
        assertThat(c.tick(sig(160, 1_000_000, 0, 4), 600)).isInstanceOf(Hold.class);
        assertThat(c.tick(sig(160, 1_000_000, 0, 5), 1200)).isInstanceOf(Hold.class);
        assertThat(c.tick(sig(160, 1_000_000, 0, 6), 1400)).isInstanceOf(SwitchTo.class);
    }

    @Test
    void aProbeUndoneByACollapsedLinkGoesStraightToWhatFits() {
        AdaptiveController c = at("video/h264-360p");
        Decision d = new Hold();
        long t = 0;
        for (; t <= 6000 && !(d instanceof StartProbe); t += 200) {
            d = c.tick(clean(0), t);
        }
        assertThat(d).isEqualTo(new StartProbe("video/h264-720p"));
        c.tick(sig(200, 530_000, 0, 0), t);
        // 530 kbit/s arrives: 0.8 × 530k does not fit 360p (484k) either
        assertThat(c.tick(sig(200, 530_000, 0, 0), t + 200)).isEqualTo(new AbortProbe("video/h264-720p", "frames late"));
        assertThat(c.currentTrack()).isEqualTo("video/h264-180p");
    }

    @Test
    void withAStandbyAHigherRungNeedsRoomForTheLowestToo() {
        AdaptiveController c = at("video/h264-1080p");
        c.setStandby(true);
        c.tick(sig(40, 700_000, 0, 0), 0);
        // 0.8 × 700k = 560k: 360p (484k) alone fits, but not beside the standby 180p (121k)
        assertThat(c.tick(sig(180, 700_000, 0, 0), 200)).isEqualTo(new SwitchTo("video/h264-180p", true));
        AdaptiveController without = at("video/h264-1080p");
        without.tick(sig(40, 700_000, 0, 0), 0);
        assertThat(without.tick(sig(180, 700_000, 0, 0), 200)).isEqualTo(new SwitchTo("video/h264-360p", true));
    }

    @Test
    void upOnlyThroughAProbeThatIsKeptOrAbortedWithDoublingBackoff() {
        AdaptiveController c = at("video/h264-360p");
        Decision d = new Hold();
        long t = 0;
        for (; t <= 6000 && !(d instanceof StartProbe); t += 200) {
            d = c.tick(clean(0), t);
        }
        assertThat(d).isEqualTo(new StartProbe("video/h264-720p"));
        assertThat(t - 200).isGreaterThanOrEqualTo(4000);
        assertThat(c.currentTrack()).as("stands on the old one during the probe").isEqualTo("video/h264-360p");
        assertThat(c.tick(sig(90, 1_000_000, 0, 0), t + 800)).as("one late tick: the new encoder's start").isInstanceOf(Hold.class);
        assertThat(c.tick(sig(90, 1_000_000, 0, 0), t + 1000)).isEqualTo(new AbortProbe("video/h264-720p", "queue"));
        long failed = t + 1000;
        // clean again: the next probe waits for the 8 s backoff
        d = new Hold();
        long x = failed + 200;
        for (; x < failed + 30_000 && !(d instanceof StartProbe); x += 200) {
            d = c.tick(clean(0), x);
        }
        assertThat(x - 200 - failed).isGreaterThanOrEqualTo(8000);
        assertThat(c.tick(sig(200, 1_000_000, 0, 0), x)).isInstanceOf(Hold.class);
        assertThat(c.tick(sig(200, 1_000_000, 0, 0), x + 200)).isInstanceOf(AbortProbe.class);
        long failed2 = x + 200;
        d = new Hold();
        for (x = failed2 + 200; x < failed2 + 40_000 && !(d instanceof StartProbe); x += 200) {
            d = c.tick(clean(0), x);
        }
        long started = x - 200;
        assertThat(started - failed2).as("second failure: 16 s").isGreaterThanOrEqualTo(16_000);
        for (long y = started + 200; y < started + 3000; y += 200) {
            assertThat(c.tick(clean(0), y)).isInstanceOf(Hold.class);
        }
        assertThat(c.tick(clean(0), started + 3000)).isEqualTo(new CommitProbe("video/h264-720p"));
        assertThat(c.currentTrack()).isEqualTo("video/h264-720p");
    }

    @Test
    void noProbeWithoutHeadroomInThePublishersEstimate() {
        AdaptiveController c = at("video/h264-360p");
        for (long t = 0; t < 20_000; t += 200) {
            assertThat(c.tick(clean(2_000_000), t)).isInstanceOf(Hold.class); // < 1.25 × 1.94 Mbit/s
        }
        Decision d = new Hold();
        for (long t = 20_000; t < 30_000 && !(d instanceof StartProbe); t += 200) {
            d = c.tick(clean(2_500_000), t);
        }
        assertThat(d).isEqualTo(new StartProbe("video/h264-720p"));
    }

    @Test
    void whatArrivedWhileThePathQueuedKeepsBiggerRungsFromBeingProbedForAWhile() {
        AdaptiveController c = at("video/h264-720p");
        c.tick(sig(40, 575_000, 0, 0), -200);
        assertThat(c.tick(sig(200, 575_000, 0, 0), 0)).isEqualTo(new SwitchTo("video/h264-180p", true));
        Decision d = new Hold();
        long t = 200;
        for (; t < 40_000 && !(d instanceof StartProbe); t += 200) {
            d = c.tick(clean(0), t);
        }
        // 360p (484 kbit/s) does not fit 0.8 × 575 kbit/s: no probe for 15 s, then the 4 s hold
        assertThat(d).isEqualTo(new StartProbe("video/h264-360p"));
        assertThat(t - 200).isGreaterThanOrEqualTo(15_000 + 4_000 - 200).isLessThan(20_000);
    }

    @Test
    void noFramesSayNothing() {
        AdaptiveController c = at("video/h264-720p");
        for (long t = 0; t < 20_000; t += 200) {
            assertThat(c.tick(NetworkSignals.none(), t)).isInstanceOf(Hold.class);
        }
    }

    /** 50 ms ticks with the standby on: the delays (ms) of successive ticks, the decision after each. */
    private List<Decision> fastTicks(long receiveBps, long... delays) {
        AdaptiveController c = at("video/h264-720p");
        c.setStandby(true);
        List<Decision> out = new java.util.ArrayList<>();
        long t = 0;
        for (int i = 0; i < 20; i++, t += 50) {
            c.tick(sig(2, 8_000_000, 0, 0), t); // a clean second before
        }
        for (long d : delays) {
            out.add(c.tick(sig(d, receiveBps, 0, 0), t));
            t += 50;
        }
        return out;
    }

    @Test
    void aQueueThatKeepsGrowingSwitchesToTheStandbyWithinFourShortTicks() {
        // 600 kbit/s under 720p and the standby: every tick ~40 ms later; the link sample still counts the
        // fast link before the cut (1.2 Mbit/s), which would pick 360p
        List<Decision> d = fastTicks(1_200_000, 2, 12, 50, 90, 130, 170);
        assertThat(d.subList(0, 4)).allMatch(x -> x instanceof Hold);
        assertThat(d.get(4)).as("200 ms after the growth began").isEqualTo(new SwitchTo("video/h264-180p", false));
    }

    @Test
    void oneLateFrameOrAStallIsNotAGrowingQueue() {
        // a keyframe: one tick late, then back
        assertThat(fastTicks(8_000_000, 2, 45, 5, 2, 2, 2, 2, 2)).allMatch(x -> x instanceof Hold);
        // a stall: one tick's frames very late (GC at either end), then the burst catches up
        assertThat(fastTicks(8_000_000, 2, 220, 3, 2, 2, 2, 2, 2)).allMatch(x -> x instanceof Hold);
        // jitter that rises twice in a row but never stands: 5, 25, 45, then fast frames again
        assertThat(fastTicks(8_000_000, 5, 25, 45, 3, 2, 2, 2, 2)).allMatch(x -> x instanceof Hold);
    }

    @Test
    void ticksWithoutFramesChangeNothing() {
        // a growing queue with empty 50 ms ticks between (large frames in the bottleneck) still counts as growing
        AdaptiveController c = at("video/h264-720p");
        c.setStandby(true);
        long t = 0;
        for (; t < 1000; t += 50) {
            c.tick(sig(2, 8_000_000, 0, 0), t);
        }
        List<Decision> out = new java.util.ArrayList<>();
        long[] delays = {2, -1, 20, -1, 60, -1, 100, -1, 140};
        for (long d : delays) {
            out.add(d < 0 ? c.tick(NetworkSignals.none(), t) : c.tick(sig(d, 600_000, 0, 0), t));
            t += 50;
        }
        assertThat(out.subList(0, 6)).allMatch(x -> x instanceof Hold);
        assertThat(out.get(6)).as("the third step of growth").isEqualTo(new SwitchTo("video/h264-180p", false));
    }

    @Test
    void theShownRenditionStuckWhileTheStandbyArrivesSwitchesToTheStandby() {
        AdaptiveController c = at("video/h264-720p");
        c.setStandby(true);
        long t = 0;
        for (; t < 1000; t += 50) {
            c.tick(sig(2, 1_000_000, 0, 0), t);
        }
        // 720p stops arriving, the standby's frames (sent ahead in audio's band) keep coming
        NetworkSignals onlyStandby = new NetworkSignals(Duration.ZERO, 0, 900_000, 0, 0, 2);
        assertThat(c.tick(onlyStandby, t)).isInstanceOf(Hold.class);
        assertThat(c.tick(onlyStandby, t + 50)).isInstanceOf(Hold.class);
        assertThat(c.tick(onlyStandby, t + 100)).as("150 ms without a 720p frame, 6 standby frames")
                .isEqualTo(new SwitchTo("video/h264-180p", true, "shown rendition stuck"));
    }

    @Test
    void nothingArrivingWhileTheWatcherItselfRunsLateIsAStallNotTheNetwork() {
        AdaptiveController c = at("video/h264-720p");
        c.setStandby(true);
        long t = 0;
        for (; t < 1000; t += 50) {
            c.tick(sig(2, 1_000_000, 0, 0), t);
        }
        // a starved watcher: every tick 40 ms late and nothing read meanwhile
        for (long u = t; u < t + 1000; u += 90) {
            assertThat(c.tick(late(NetworkSignals.none(), 40), u)).isInstanceOf(Hold.class);
        }
        // and without a standby there is nothing to compare with
        AdaptiveController plain = at("video/h264-720p");
        for (t = 0; t < 1000; t += 50) {
            plain.tick(sig(2, 1_000_000, 0, 0), t);
        }
        for (long u = t; u < t + 1000; u += 50) {
            assertThat(plain.tick(new NetworkSignals(Duration.ZERO, 0, 900_000, 0, 0, 2), u)).isInstanceOf(Hold.class);
        }
    }

    static NetworkSignals late(NetworkSignals s, long lateMs) {
        return new NetworkSignals(s.queueDelay(), s.arrivals(), s.receiveBps(), s.peerEstimateBps(), s.skippedGroups(),
                s.standbyArrivals(), s.audioArrivals(), Duration.ofMillis(lateMs));
    }

    /** A tick of a steady flow: video of the shown rendition, the standby's frames and audio. */
    static NetworkSignals flowing() {
        return new NetworkSignals(Duration.ofMillis(2), 2, 1_000_000, 0, 0, 2, 3, Duration.ZERO);
    }

    @Test
    void silenceAfterASteadyFlowStepsDownToTheStandbyAtOnce() {
        AdaptiveController c = at("video/h264-720p");
        c.setStandby(true);
        long t = 0;
        for (; t < 1000; t += 50) {
            assertThat(c.tick(flowing(), t)).isInstanceOf(Hold.class);
        }
        // the last arrival at 950: nothing since (the bottleneck's queue overflowed; no audio, no frame of either)
        assertThat(c.tick(NetworkSignals.none(), 1000)).as("50 ms").isInstanceOf(Hold.class);
        assertThat(c.tick(NetworkSignals.none(), 1050)).as("100 ms").isInstanceOf(Hold.class);
        assertThat(c.tick(NetworkSignals.none(), 1100)).as("150 ms of silence on time")
                .isEqualTo(new SwitchTo("video/h264-180p", true, "silence"));
        assertThat(c.currentTrack()).isEqualTo("video/h264-180p");
        for (long u = 1150; u < 2000; u += 50) {
            assertThat(c.tick(NetworkSignals.none(), u)).as("once per silence").isInstanceOf(Hold.class);
        }
    }

    @Test
    void silenceCountsOnlyAfterASteadyFlowAndFromTheWatchersLastStall() {
        // nothing flowed steadily before (a watch starting): no silence
        AdaptiveController starting = at("video/h264-720p");
        starting.setStandby(true);
        starting.tick(flowing(), 0);
        starting.tick(flowing(), 50);
        for (long u = 100; u < 1000; u += 50) {
            assertThat(starting.tick(NetworkSignals.none(), u)).isInstanceOf(Hold.class);
        }
        // a tick 200 ms late (a GC pause of the watcher) in the gap: the silence counts from after it
        AdaptiveController c = at("video/h264-720p");
        c.setStandby(true);
        long t = 0;
        for (; t < 1000; t += 50) {
            c.tick(flowing(), t);
        }
        assertThat(c.tick(late(NetworkSignals.none(), 200), 1150)).isInstanceOf(Hold.class);
        assertThat(c.tick(NetworkSignals.none(), 1200)).isInstanceOf(Hold.class);
        assertThat(c.tick(NetworkSignals.none(), 1250)).as("100 ms after the stall").isInstanceOf(Hold.class);
        assertThat(c.tick(NetworkSignals.none(), 1300)).as("150 ms of on-time silence after the stall")
                .isEqualTo(new SwitchTo("video/h264-180p", true, "silence"));
        // without a standby a silence changes nothing (a fresh subscription would have to cross the same queue)
        AdaptiveController plain = at("video/h264-720p");
        for (t = 0; t < 1000; t += 50) {
            plain.tick(flowing(), t);
        }
        for (long u = t; u < t + 1000; u += 50) {
            assertThat(plain.tick(NetworkSignals.none(), u)).isInstanceOf(Hold.class);
        }
    }

    @Test
    void silenceDuringAProbeUndoesItToTheStandby() {
        AdaptiveController c = at("video/h264-360p");
        c.setStandby(true);
        long t = 0;
        Decision d = new Hold();
        for (; t < 10_000 && !(d instanceof StartProbe); t += 50) {
            d = c.tick(flowing(), t);
        }
        assertThat(d).isEqualTo(new StartProbe("video/h264-720p"));
        for (long end = t + 500; t < end; t += 50) {
            c.tick(flowing(), t);
        }
        long last = t - 50;
        Decision s = new Hold();
        for (; t <= last + 200 && !(s instanceof AbortProbe); t += 50) {
            s = c.tick(NetworkSignals.none(), t);
        }
        assertThat(s).isEqualTo(new AbortProbe("video/h264-720p", "silence"));
        assertThat(c.currentTrack()).isEqualTo("video/h264-180p");
    }

    @Test
    void aBlackoutThatSteppedDownProbesUpAgainSoonAfterTheLinkReturns() {
        AdaptiveController c = at("video/h264-720p");
        c.setStandby(true);
        long t = 0;
        for (; t < 1000; t += 50) {
            c.tick(flowing(), t);
        }
        Decision d = new Hold();
        for (; t < 2500; t += 50) { // 1.5 s of nothing; the receive rate falls to nothing
            Decision x = c.tick(new NetworkSignals(Duration.ZERO, 0, 20_000, 0, 0), t);
            d = x instanceof SwitchTo ? x : d;
        }
        assertThat(d).isEqualTo(new SwitchTo("video/h264-180p", true, "silence"));
        // the link is back and clean: the silence measured no capacity (20 kbit/s remembered would hold every probe for
        // capacityMemory, 15 s), so the probe comes after the usual cooldown and clean hold (4 s + 4 s from the step down)
        Decision up = new Hold();
        long back = t;
        for (; t < back + 10_000 && !(up instanceof StartProbe); t += 50) {
            up = c.tick(flowing(), t);
        }
        assertThat(up).isEqualTo(new StartProbe("video/h264-360p"));
        assertThat(t - back).as("probe up after the link returned, ms").isLessThanOrEqualTo(8_000);
    }

    @Test
    void withAStandbyAYoungQueueStepsToTheStandbyAnOldOneToWhatFits() {
        // the lab's cut: the queue shows at once, the last link sample still counts the burst that filled it (813 kbit/s)
        AdaptiveController c = at("video/h264-720p");
        c.setStandby(true);
        long t = 0;
        for (; t < 1000; t += 50) {
            c.tick(sig(2, 1_000_000, 0, 0), t);
        }
        Decision d = new Hold();
        for (long q = 40; !(d instanceof SwitchTo) && q < 400; q += 20, t += 50) {
            d = c.tick(sig(q, 813_000, 0, 0), t);
        }
        assertThat(d).as("360p + standby would fit 0.8 x 813 kbit/s").isEqualTo(new SwitchTo("video/h264-180p", false));
        // a queue that crept up over 600 ms before it stood: what arrives meanwhile is the bottleneck's rate
        AdaptiveController slow = at("video/h264-720p");
        slow.setStandby(true);
        for (t = 0; t < 1000; t += 50) {
            slow.tick(sig(2, 1_000_000, 0, 0), t);
        }
        for (long end = t + 400; t < end; t += 50) {
            assertThat(slow.tick(sig(25, 813_000, 0, 0), t)).isInstanceOf(Hold.class);
        }
        Decision e = new Hold();
        for (long end = t + 400; !(e instanceof SwitchTo) && t < end; t += 50) {
            e = slow.tick(sig(40, 813_000, 0, 0), t);
        }
        assertThat(e).isEqualTo(new SwitchTo("video/h264-360p", false));
    }

    // Lab traces (AdaptiveBottleneckLabTest with -Dparley.adapt.log=DEBUG): one control tick per entry, 50 ms
    // apart: the tick's least queue (ms), frames of the shown rendition, of the standby, audio frames, how late
    // the tick ran (ms), receive rate (kbit/s), skipped groups. The cut to 600 kbit/s is 1 s into each.

    /** A 720p keyframe burst overflows the 200 ms queue: nothing at all arrives for three ticks, then 219 ms late. */
    static final String OVERFLOW = "4 2 2 3 0 865 0;2 1 1 2 0 865 0;4 1 1 2 0 865 0;8 2 2 3 0 1000 0;5 2 2 3 1 1000 0;"
            + "4 1 1 2 0 1000 0;4 2 2 3 0 1000 0;4 1 1 2 0 1432 0;4 2 2 3 0 1432 0;3 1 1 2 1 1432 0;3 2 2 3 0 1432 0;"
            + "3 1 1 2 1 866 0;4 2 2 3 1 866 0;2 2 2 3 0 866 0;3 1 1 3 0 868 0;3 2 2 2 0 868 0;4 1 1 3 14 868 0;"
            + "6 2 2 3 1 868 0;2 2 2 3 0 894 0;3 2 2 2 0 894 0;3 1 1 3 1 894 0;6 1 2 2 1 894 0;6 1 1 2 3 983 0;"
            + "0 0 0 0 1 983 0;0 0 0 0 1 983 0;0 0 0 0 1 983 0;219 1 0 2 0 595 0";
    /** The queue builds smoothly; the last link sample still counts the burst that filled it (813 kbit/s). */
    static final String SMOOTH = "3 2 2 2 1 864 0;4 1 1 3 0 1472 0;3 2 2 2 1 1472 0;4 1 1 3 0 1472 0;3 2 2 2 0 1472 0;"
            + "4 1 1 3 0 980 0;2 2 2 2 0 980 0;3 1 1 3 0 980 0;2 2 2 2 0 980 0;4 1 1 3 0 869 0;3 2 2 2 0 869 0;"
            + "3 1 1 3 0 869 0;2 2 2 2 0 869 0;3 1 1 3 1 869 0;2 2 2 2 1 869 0;5 1 1 3 0 869 0;4 2 2 3 0 869 0;"
            + "4 1 2 2 0 889 0;5 2 1 3 1 889 0;13 1 1 2 0 889 0;8 2 2 2 0 889 0;8 1 2 3 0 1372 0;4 2 1 3 1 1372 0;"
            + "4 1 2 2 0 1372 0;21 1 0 2 0 1372 0;0 0 1 0 0 813 0;83 1 1 2 0 813 0;104 1 1 1 0 813 0;123 1 1 2 1 813 0";
    /** 360p on the clean 8 Mbit/s link: a 100 ms gap of everything (a stall at the publisher; frames come back on time). */
    static final String CLEAN_GAP = "0 0 0 2 1 605 0;1 3 3 3 0 605 0;2 1 1 3 0 605 0;1 2 2 2 1 654 0;2 1 1 3 1 654 0;"
            + "1 1 1 2 43 654 0;3 4 4 4 1 526 0;3 1 1 3 0 526 0;3 2 2 3 0 526 0;6 1 1 2 2 526 0;2 2 2 3 1 860 0;"
            + "4 1 1 2 2 860 0;4 2 2 3 1 860 0;1 2 2 3 0 860 0;0 1 1 2 0 1131 0;0 2 2 3 1 1131 0;0 1 1 2 1 1131 0;"
            + "1 2 2 3 1 1131 0;0 1 1 2 0 610 0;0 0 0 0 1 610 0;0 0 0 0 0 610 0;0 2 0 3 0 610 0;0 1 3 2 3 377 0;"
            + "0 2 2 3 0 377 0;0 2 1 3 0 377 0;0 1 2 2 0 377 0;0 2 2 3 1 681 0;1 1 1 3 0 681 0;1 2 2 2 1 681 0;"
            + "4 1 1 3 0 633 0;1 2 2 2 0 633 0;1 1 1 3 0 633 0;4 2 2 2 0 633 0;0 1 1 3 3 747 0;2 2 2 2 0 747 0;"
            + "1 1 1 3 3 747 0;2 2 2 3 0 747 0;5 1 2 2 0 950 0;1 2 1 3 0 950 0;0 2 2 2 0 950 0";

    /** Replays a trace; returns the first decision other than Hold with its tick's time (ms), or null. */
    static java.util.Map.Entry<Long, Decision> replay(AdaptiveController c, String trace) {
        long t = 0;
        for (String tick : trace.split(";")) {
            long[] v = java.util.Arrays.stream(tick.trim().split(" ")).mapToLong(Long::parseLong).toArray();
            Decision d = c.tick(new NetworkSignals(Duration.ofMillis(v[0]), (int) v[1], v[5] * 1000, 0, v[6], (int) v[2],
                    (int) v[3], Duration.ofMillis(v[4])), t);
            if (!(d instanceof Hold)) {
                return java.util.Map.entry(t, d);
            }
            t += 50;
        }
        return null;
    }

    @Test
    void labTraceAQueueOverflowIsAnsweredOnTheThirdSilentTick() {
        AdaptiveController c = at("video/h264-720p");
        c.setStandby(true);
        var d = replay(c, OVERFLOW);
        assertThat(d).isNotNull();
        assertThat(d.getValue()).isEqualTo(new SwitchTo("video/h264-180p", true, "silence"));
        // in the lab run: decided 0.30 s after the cut, 180p shown at 0.35 s; before, the frames 219-295 ms late
        // that ended the silence decided ("frames late") 0.46-0.8 s after it
        assertThat(d.getKey() - 1000).as("ms after the cut").isEqualTo(250);
    }

    @Test
    void labTraceASmoothlyBuildingQueueStepsToTheStandbyNotToWhatTheBurstSuggests() {
        AdaptiveController c = at("video/h264-720p");
        c.setStandby(true);
        var d = replay(c, SMOOTH);
        assertThat(d).isNotNull();
        // the lab run (before the young-queue rule) stepped to 360p on 813 kbit/s and reached 180p only 1 s later
        assertThat(d.getValue()).isEqualTo(new SwitchTo("video/h264-180p", false));
        assertThat(d.getKey() - 1000).as("ms after the cut").isLessThanOrEqualTo(400);
    }

    @Test
    void labTraceAHundredMillisecondGapOnACleanLinkChangesNothing() {
        AdaptiveController c = at("video/h264-360p");
        c.setStandby(true);
        assertThat(replay(c, CLEAN_GAP)).isNull();
    }

    /** The queue builds (30, 53 ms), then a tick with one standby frame, then nothing. */
    static final String BUILDING_THEN_SILENT = "3 2 2 3 0 867 0;1 1 1 2 0 867 0;0 2 2 3 0 867 0;2 2 2 2 1 851 0;4 1 1 3 1 851 0;"
            + "3 1 2 2 0 851 0;1 2 1 3 0 851 0;3 2 2 3 0 1531 0;3 1 1 2 0 1531 0;3 2 2 3 1 1531 0;7 1 1 3 1 1531 0;"
            + "2 2 2 2 0 848 0;1 1 1 3 4 848 0;2 2 2 2 0 848 0;2 2 2 3 1 901 0;3 1 1 3 0 901 0;4 2 2 2 0 901 0;"
            + "9 1 1 3 0 901 0;4 2 2 2 1 859 0;8 1 1 3 0 859 0;3 2 2 2 1 859 0;3 1 1 3 0 859 0;1 2 2 2 0 879 0;"
            + "8 1 1 3 0 879 0;30 1 2 2 0 879 0;53 1 0 1 4 879 0;0 0 1 0 0 750 0;0 0 0 0 0 750 0;0 0 0 0 0 750 0;"
            + "0 0 0 0 0 750 0;239 2 0 2 0 601 0";

    @Test
    void labTraceASilenceBehindABuildingQueueCountsAfterTwoEmptyTicks() {
        AdaptiveController c = at("video/h264-720p");
        c.setStandby(true);
        var d = replay(c, BUILDING_THEN_SILENT);
        assertThat(d).isNotNull();
        assertThat(d.getValue()).isEqualTo(new SwitchTo("video/h264-180p", true, "silence"));
        // the lab run needed three empty ticks then (450 ms here) and decided 0.46 s after the cut
        assertThat(d.getKey() - 1000).as("ms after the cut").isEqualTo(400);
    }

    @Test
    void twoEmptyTicksCountOnlyBehindFramesThatWereAlreadyLate() {
        AdaptiveController c = at("video/h264-720p");
        c.setStandby(true);
        long t = 0;
        for (; t < 1000; t += 50) {
            c.tick(flowing(), t);
        }
        // a clean link's gap: the last frames on time, two empty ticks, then frames on time again
        assertThat(c.tick(NetworkSignals.none(), t)).isInstanceOf(Hold.class);
        assertThat(c.tick(NetworkSignals.none(), t + 50)).isInstanceOf(Hold.class);
        t += 100;
        for (long end = t + 500; t < end; t += 50) {
            assertThat(c.tick(flowing(), t)).isInstanceOf(Hold.class);
        }
        // the last frames 30 ms late (the queue filling), then two empty ticks: the overflow
        assertThat(c.tick(new NetworkSignals(Duration.ofMillis(30), 1, 1_000_000, 0, 0, 1, 2, Duration.ZERO), t))
                .isInstanceOf(Hold.class);
        assertThat(c.tick(NetworkSignals.none(), t + 50)).isInstanceOf(Hold.class);
        assertThat(c.tick(NetworkSignals.none(), t + 100)).isEqualTo(new SwitchTo("video/h264-180p", true, "silence"));
    }

    /** The queue's frames 9 and 30 ms late, one tick with one audio frame, then nothing (final lab run 3: 0.39 s). */
    static final String LATE_THEN_AUDIO_THEN_SILENT = "2 1 2 2 2 895 0;1 2 1 3 1 895 0;1 2 2 3 0 895 0;2 1 1 2 0 895 0;"
            + "3 2 2 3 0 895 0;2 1 1 2 1 895 0;3 2 2 3 0 895 0;0 2 2 3 1 895 0;9 1 1 2 1 975 0;30 1 2 2 2 975 0;"
            + "0 0 0 1 0 975 0;0 0 0 0 0 975 0;0 0 0 0 0 512 0;0 0 0 0 0 512 0;222 2 0 1 0 512 0";

    @Test
    void labTraceTheLastFramesLateThenSilenceDecidesOnTheSecondEmptyTick() {
        AdaptiveController c = at("video/h264-720p");
        c.setStandby(true);
        var d = replay(c, LATE_THEN_AUDIO_THEN_SILENT);
        assertThat(d).isNotNull();
        assertThat(d.getValue()).isEqualTo(new SwitchTo("video/h264-180p", true, "silence"));
        assertThat(d.getKey()).as("the second empty tick after the audio frame").isEqualTo(600);
    }

    // ---- stepping down ahead of the shown rendition's next keyframe ----

    /** A tick of a steady flow whose shown rendition's group started (sent {@code ageMs} ago) in it, groups 1 s apart. */
    static NetworkSignals groupStart(long queueMs, long ageMs) {
        return new NetworkSignals(Duration.ofMillis(queueMs), 2, 1_000_000, 0, 0, 2, 3, Duration.ZERO,
                new NetworkSignals.GroupStart(Duration.ofMillis(ageMs), Duration.ofSeconds(1)));
    }

    /** A tick of a steady flow in which the shown rendition's group sent 50 ms ago was noted, {@code intervalMs} after the one before (0: the first). */
    static NetworkSignals groupNoted(long intervalMs) {
        return new NetworkSignals(Duration.ofMillis(2), 2, 1_000_000, 0, 0, 2, 3, Duration.ZERO,
                new NetworkSignals.GroupStart(Duration.ofMillis(50), Duration.ofMillis(intervalMs)));
    }

    static NetworkSignals queued(long queueMs) {
        return new NetworkSignals(Duration.ofMillis(queueMs), 2, 600_000, 0, 0, 2, 3, Duration.ZERO);
    }

    /**
     * The top rung (so no probe starts) shown with the standby, clean, its groups sent at 0, 1000, 2000, ... (each
     * noted a tick later); up to {@code until}.
     */
    AdaptiveController cleanWithGroups(long until) {
        AdaptiveController c = at("video/h264-1080p");
        c.setStandby(true);
        for (long t = 0; t < until; t += 50) {
            Decision d = c.tick(t % 1000 == 50 ? groupStart(2, 50) : flowing(), t);
            assertThat(d).as("clean at %d", t).isInstanceOf(Hold.class);
        }
        return c;
    }

    @Test
    void aQueueBuildingAsTheShownRenditionsKeyframeIsDueStepsToTheStandbyAtOnce() {
        AdaptiveController c = cleanWithGroups(3800);
        // the next keyframe is due at 4000: 12 ms of queue, then 36 ms (one reading above 20 ms: could be
        // noise), then 60 ms, 100 ms before the keyframe
        assertThat(c.tick(queued(12), 3800)).isInstanceOf(Hold.class);
        assertThat(c.tick(queued(36), 3850)).isInstanceOf(Hold.class);
        assertThat(c.tick(queued(60), 3900)).isEqualTo(new SwitchTo("video/h264-180p", false, "keyframe ahead"));
        // what the bottleneck passed on: the 600 kbit/s that arrived, over 1 + the growth (58 ms in 150 ms)
        assertThat(c.capacityBps()).isBetween(420_000L, 445_000L);
        // the queue drains at once; 360p (+ the standby) does not fit what was measured: no probe for a while
        for (long t = 3950; t < 3900 + 12_000; t += 50) {
            assertThat(c.tick(flowing(), t)).as("at %d", t).isInstanceOf(Hold.class);
        }
    }

    @Test
    void theSameQueueWithTheKeyframeFarAheadLeavesItToTheQueueRules() {
        AdaptiveController c = cleanWithGroups(3350);
        // the next keyframe is due at 4000, 600 ms away: the rules as before (growth on the third rise: 81 ms)
        assertThat(c.tick(queued(36), 3350)).isInstanceOf(Hold.class);
        assertThat(c.tick(queued(60), 3400)).isInstanceOf(Hold.class);
        Decision d = c.tick(queued(81), 3450);
        assertThat(d).isInstanceOf(Hold.class);
        d = c.tick(queued(100), 3500);
        assertThat(d).isInstanceOf(SwitchTo.class);
        assertThat(((SwitchTo) d).reason()).isNotEqualTo("keyframe ahead");
    }

    @Test
    void aKeyframeAlreadySentIsNotAheadAnyMore() {
        AdaptiveController c = cleanWithGroups(4000);
        // the keyframe due at 4000 was sent (not yet arrived: queued); the next one is 1 s away
        assertThat(c.tick(queued(36), 4000)).isInstanceOf(Hold.class);
        assertThat(c.tick(queued(45), 4050)).isInstanceOf(Hold.class);
    }

    @Test
    void withoutASteadyCadenceSinceTheLastSwitchTheKeyframeIsNotForeseen() {
        AdaptiveController c = at("video/h264-1080p");
        c.setStandby(true);
        // the start-up switch to 720p: its reader's first group (no interval yet), then one at 1 s: one interval only
        long t = 0;
        for (; t < 1750; t += 50) {
            NetworkSignals s = t == 50 ? groupNoted(0) : t == 1050 ? groupStart(2, 50) : flowing();
            assertThat(c.tick(s, t)).isInstanceOf(Hold.class);
        }
        // 1.1 s after 720p's first group (the start-up's noisy second): a queue reading as the keyframe is due at 2000
        assertThat(c.tick(queued(36), 1850)).isInstanceOf(Hold.class);
        assertThat(c.tick(queued(40), 1900)).as("the standing-queue rule's hold has not run out").isInstanceOf(Hold.class);
        // irregular group starts (keyframes on demand) never make a cadence either
        AdaptiveController d = at("video/h264-1080p");
        d.setStandby(true);
        long[] starts = {0, 700, 1900, 2400, 3600}; // intervals 700, 1200, 500, 1200 ms
        for (t = 0; t < 3750; t += 50) {
            long at = t;
            boolean start = java.util.Arrays.stream(starts).anyMatch(x -> x + 50 == at);
            long prev = java.util.Arrays.stream(starts).filter(x -> x + 50 < at).max().orElse(-1);
            NetworkSignals s = start ? groupNoted(prev < 0 ? 0 : t - 50 - prev) : flowing();
            assertThat(d.tick(s, t)).isInstanceOf(Hold.class);
        }
        assertThat(d.tick(queued(36), 3750)).isInstanceOf(Hold.class);
        assertThat(d.tick(queued(45), 3800)).isInstanceOf(Hold.class);
    }

    @Test
    void noKeyframeAheadStepWithinTheSettleAfterASwitchOrWithoutAStandby() {
        AdaptiveController plain = at("video/h264-1080p");
        for (long t = 0; t < 3750; t += 50) {
            plain.tick(t % 1000 == 50 ? groupStart(2, 50) : flowing(), t);
        }
        assertThat(plain.tick(queued(36), 3850)).isInstanceOf(Hold.class);
        assertThat(plain.tick(queued(60), 3900)).as("no standby: nothing cheap to step to").isInstanceOf(Hold.class);
        // a queue that starts as the rendition shows for the first time: the cadence restarts at every switch
        AdaptiveController c = cleanWithGroups(3750);
        c.setRenditions(LADDER, "video/h264-1080p");
        assertThat(c.tick(queued(36), 3850)).isInstanceOf(Hold.class);
        assertThat(c.tick(queued(60), 3900)).isInstanceOf(Hold.class);
    }

    /**
     * Fifth-pass lab runs 2 and 8, rebuilt from their numbers (the ticks before the cut: a clean flow with 720p's
     * group starts 1 s apart): the queue read 36, 60, 81 ms 0.18-0.28 s after the cut (run 8: 37, 57, 82 ms at
     * 0.20-0.30 s) and 720p's keyframe was sent at 0.32 s; the queue rule decided at 0.33 s (0.35 s), after the
     * keyframe had left, and the switch second's p95 was 309 ms (306 ms).
     */
    @Test
    void labRunsTwoAndEightStepDownBeforeTheirKeyframeLeaves() {
        for (long[] run : new long[][]{{180, 36, 60, 81}, {200, 37, 57, 82}}) {
            AdaptiveController c = at("video/h264-1080p"); // the top rung: no probe in the clean 10 s before the cut
            c.setStandby(true);
            long cut = 10_000;
            long keyframe = cut + 320;
            long t = 0;
            for (; t < cut + run[0]; t += 10) {
                // ticks every 50 ms at this run's phase; each group start noted by the tick after it was sent
                if ((t - run[0]) % 50 != 0) {
                    continue;
                }
                boolean start = Math.floorMod(t - keyframe, 1000) < 50;
                long age = Math.floorMod(t - keyframe, 1000);
                assertThat(c.tick(start ? groupStart(2, age) : flowing(), t)).isInstanceOf(Hold.class);
            }
            Decision d = new Hold();
            long decided = -1;
            for (int i = 1; i < run.length && decided < 0; i++, t += 50) {
                d = c.tick(queued(run[i]), t);
                decided = d instanceof Hold ? -1 : t;
            }
            assertThat(d).isEqualTo(new SwitchTo("video/h264-180p", false, "keyframe ahead"));
            // the second reading; the lab's reset reached the publisher 0-40 ms after a decision
            assertThat(decided - cut).as("decided, ms after the cut").isEqualTo(run[0] + 50);
            assertThat(keyframe - decided).as("ahead of the keyframe").isGreaterThanOrEqualTo(40);
        }
    }

    @Test
    void labTraceTheCleanGapWithKeyframesEverySecondStillChangesNothing() {
        // the clean 360p trace (a 100 ms gap of everything), with group starts every second and a
        // keyframe due in every stretch of it: no queue reading, no step
        AdaptiveController c = at("video/h264-1080p"); // the top rung: no probe
        c.setStandby(true);
        long t = 0;
        for (int round = 0; round < 3; round++) {
            for (String tick : CLEAN_GAP.split(";")) {
                long[] v = java.util.Arrays.stream(tick.trim().split(" ")).mapToLong(Long::parseLong).toArray();
                NetworkSignals.GroupStart g = t % 1000 == 50 && v[1] > 0
                        ? new NetworkSignals.GroupStart(Duration.ofMillis(50), Duration.ofSeconds(1)) : null;
                Decision d = c.tick(new NetworkSignals(Duration.ofMillis(v[0]), (int) v[1], v[5] * 1000, 0, v[6], (int) v[2],
                        (int) v[3], Duration.ofMillis(v[4]), g), t);
                assertThat(d).as("at %d", t).isInstanceOf(Hold.class);
                t += 50;
            }
        }
    }

    /**
     * Sixth-pass lab run 5: the queue read 29 ms 0.17 s after the cut, the next tick brought no 720p frame, the one
     * after read 53 ms (0.27 s); 720p's keyframe left at 0.33 s and the queue rule decided at 0.37 s (p95 325 ms).
     */
    @Test
    void aTickWithoutAShownFrameInsideTheBuildingQueueDoesNotHideIt() {
        AdaptiveController c = cleanWithGroups(3750);
        // the next keyframe is due at 4000 (here 0.33 s after a cut at 3670)
        assertThat(c.tick(queued(29), 3750)).isInstanceOf(Hold.class);
        assertThat(c.tick(new NetworkSignals(Duration.ZERO, 0, 988_000, 0, 0, 1, 1, Duration.ZERO), 3800)).isInstanceOf(Hold.class);
        assertThat(c.tick(queued(53), 3850)).isEqualTo(new SwitchTo("video/h264-180p", false, "keyframe ahead"));
        // a reading 200 ms old is not the same queue building
        AdaptiveController d = cleanWithGroups(3700);
        assertThat(d.tick(queued(29), 3700)).isInstanceOf(Hold.class);
        assertThat(d.tick(new NetworkSignals(Duration.ZERO, 0, 988_000, 0, 0, 1, 1, Duration.ZERO), 3750)).isInstanceOf(Hold.class);
        assertThat(d.tick(new NetworkSignals(Duration.ZERO, 0, 988_000, 0, 0, 1, 1, Duration.ZERO), 3800)).isInstanceOf(Hold.class);
        assertThat(d.tick(queued(53), 3900)).isInstanceOf(Hold.class);
    }

    /** Sixth-pass lab run 16: 720p's group starts after the start-up came 1,100 ms, then 999 ms apart; the cut 0.28 s before the next. */
    @Test
    void aFreshSubscriptionsLongerFirstIntervalStillMakesACadence() {
        AdaptiveController c = at("video/h264-1080p");
        c.setStandby(true);
        long t = 0;
        for (; t < 2400; t += 50) {
            long interval = t == 50 ? 0 : t == 1150 ? 1100 : t == 2150 ? 1000 : -1;
            NetworkSignals s = interval < 0 ? flowing() : groupNoted(interval);
            assertThat(c.tick(s, t)).isInstanceOf(Hold.class);
        }
        // the next keyframe is due at 3100
        for (; t < 2950; t += 50) {
            assertThat(c.tick(flowing(), t)).isInstanceOf(Hold.class);
        }
        assertThat(c.tick(queued(23), 2950)).isInstanceOf(Hold.class);
        assertThat(c.tick(queued(42), 3000)).isEqualTo(new SwitchTo("video/h264-180p", false, "keyframe ahead"));
    }
}
