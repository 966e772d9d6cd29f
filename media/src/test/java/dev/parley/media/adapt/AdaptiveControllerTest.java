package dev.parley.media.adapt;

import dev.parley.media.adapt.AdaptiveController.AbortProbe;
import dev.parley.media.adapt.AdaptiveController.CommitProbe;
import dev.parley.media.adapt.AdaptiveController.Decision;
import dev.parley.media.adapt.AdaptiveController.Hold;
import dev.parley.media.adapt.AdaptiveController.StartProbe;
import dev.parley.media.adapt.AdaptiveController.SwitchTo;
import dev.parley.net.transport.PathStats;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AdaptiveControllerTest {
    static final List<AdaptiveController.Rung> LADDER = List.of(
            new AdaptiveController.Rung("video/h264-1080p", 1920 * 1080, 4_354_560),
            new AdaptiveController.Rung("video/h264-720p", 1280 * 720, 1_935_360),
            new AdaptiveController.Rung("video/h264-360p", 640 * 360, 483_840),
            new AdaptiveController.Rung("video/h264-180p", 320 * 180, 120_960));

    static NetworkSignals sig(double loss, long bps, long rttMs, long congestion) {
        return new NetworkSignals(Duration.ofMillis(rttMs), Duration.ofMillis(20), loss, bps, bps, congestion);
    }

    AdaptiveController at(String track) {
        AdaptiveController c = new AdaptiveController(AdaptiveConfig.defaults());
        c.setRenditions(LADDER, track);
        return c;
    }

    @Test
    void emergencyLossDropsToLowestAtOnce() {
        AdaptiveController c = at("video/h264-1080p");
        assertThat(c.tick(sig(0.25, 10_000_000, 30, 0), 0)).isEqualTo(new SwitchTo("video/h264-180p", true));
        assertThat(c.currentTrack()).isEqualTo("video/h264-180p");
    }

    @Test
    void sustainedStressStepsDownOneAtATimeAfterTheHold() {
        AdaptiveController c = at("video/h264-1080p");
        NetworkSignals starved = sig(0, 3_000_000, 30, 0);
        assertThat(c.tick(starved, 0)).isInstanceOf(Hold.class);
        assertThat(c.tick(starved, 400)).isInstanceOf(Hold.class);
        assertThat(c.tick(starved, 600)).isEqualTo(new SwitchTo("video/h264-720p", false));
        // a blip of good conditions resets the hold
        assertThat(c.tick(sig(0, 100_000_000, 30, 0), 800)).isInstanceOf(Hold.class);
    }

    @Test
    void queueingDelayAloneCountsAsStress() {
        AdaptiveController c = at("video/h264-720p");
        NetworkSignals bloated = sig(0, 100_000_000, 400, 0);
        c.tick(bloated, 0);
        assertThat(c.tick(bloated, 500)).isEqualTo(new SwitchTo("video/h264-360p", false));
    }

    @Test
    void upgradeOnlyThroughAProbeThatCommitsOrAborts() {
        AdaptiveController c = at("video/h264-360p");
        NetworkSignals good = sig(0, 10_000_000, 25, 3);
        Decision d = new Hold();
        long t = 0;
        for (; t <= 5000 && !(d instanceof StartProbe); t += 200) {
            d = c.tick(good, t);
        }
        assertThat(d).isEqualTo(new StartProbe("video/h264-720p"));
        assertThat(t - 200).isGreaterThanOrEqualTo(4000);
        assertThat(c.currentTrack()).isEqualTo("video/h264-360p");
        assertThat(c.tick(good, t + 1000)).isInstanceOf(Hold.class);
        assertThat(c.tick(good, t + 3000)).isEqualTo(new CommitProbe("video/h264-720p"));
        assertThat(c.currentTrack()).isEqualTo("video/h264-720p");
        // next probe waits for the 8 s cooldown, then a new congestion event aborts it
        long t2 = t + 3000;
        for (long x = t2; x < t2 + 8000; x += 200) {
            assertThat(c.tick(good, x)).isInstanceOf(Hold.class);
        }
        d = new Hold();
        for (long x = t2 + 8000; x < t2 + 20000 && !(d instanceof StartProbe); x += 200) {
            d = c.tick(good, x);
        }
        assertThat(d).isEqualTo(new StartProbe("video/h264-1080p"));
        assertThat(c.tick(sig(0, 10_000_000, 25, 4), t2 + 20000)).isEqualTo(new AbortProbe("video/h264-1080p", "congestion"));
        assertThat(c.currentTrack()).isEqualTo("video/h264-720p");
    }

    @Test
    void noProbeWithoutBandwidthHeadroom() {
        AdaptiveController c = at("video/h264-360p");
        NetworkSignals tight = sig(0, 2_000_000, 25, 0); // < 1.2 × 1.94 Mbps
        for (long t = 0; t < 20_000; t += 200) {
            assertThat(c.tick(tight, t)).isInstanceOf(Hold.class);
        }
    }

    @Test
    void signalsFromPathStats() {
        var addr = new InetSocketAddress("127.0.0.1", 1);
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        PathStats a = new PathStats(t0, addr, false, Duration.ofMillis(50), Duration.ofMillis(20), 100_000, 0,
                1000, 0, 100, 10, 0, 0);
        PathStats b = new PathStats(t0.plusMillis(200), addr, false, Duration.ofMillis(50), Duration.ofMillis(20),
                100_000, 0, 2000, 50_000, 200, 50, 10, 1);
        NetworkSignals s = NetworkSignals.between(a, b);
        assertThat(s.lossRate()).isEqualTo(0.1);
        assertThat(s.availableBps()).isEqualTo(100_000L * 8 * 20);
        assertThat(s.receiveBps()).isEqualTo(50_000L * 8 * 5);
        assertThat(s.queueingDelay()).isEqualTo(Duration.ofMillis(30));
    }
}
