package dev.parley.app.ui.stats;

import dev.parley.app.service.StatsSnapshot;
import dev.parley.app.testing.FakeParticipant;
import dev.parley.net.transport.PathStats;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class StatsViewModelTest {
    @Test
    void netSectionIsComputedFromTwoPathStatsSamples() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        var addr = new InetSocketAddress("127.0.0.1", 4443);
        PathStats a = new PathStats(t0, addr, false, Duration.ofMillis(20), Duration.ofMillis(10), 0, 0, 1000, 2000, 100, 100, 0, 0);
        PathStats b = new PathStats(t0.plusSeconds(2), addr, false, Duration.ofMillis(42), Duration.ofMillis(10), 0, 0,
                1000 + 250_000, 2000 + 500_000, 300, 300, 10, 0);
        StatsSnapshot.Net net = StatsSnapshot.Net.between(a, b);
        assertThat(net.relayed()).isFalse();
        assertThat(net.remote()).isEqualTo("127.0.0.1:4443");
        assertThat(net.rttMs()).isCloseTo(42, within(1e-9));
        assertThat(net.lossPct()).isCloseTo(5, within(1e-9));
        assertThat(net.downMbps()).isCloseTo(2.0, within(1e-9));
        assertThat(net.upMbps()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void sectionsAppearWhenReportedAndMetricsGetColours() {
        FakeParticipant p = FakeParticipant.remote("p1", "Bo");
        StatsViewModel vm = new StatsViewModel(p.stats(), p);
        vm.sample();
        assertThat(vm.section(StatsSection.NET).presentProperty().get()).isFalse();
        p.stats = new StatsSnapshot(new StatsSnapshot.Net(true, "10.0.0.2:5000", 150, 12, 3.5, 0.4), null,
                new StatsSnapshot.Render("h264 (sw)", "360p", 29.97, 4.2),
                new StatsSnapshot.Time(80, -30, 60));
        vm.sample();
        SectionModel net = vm.section(StatsSection.NET);
        assertThat(net.presentProperty().get()).isTrue();
        assertThat(net.labels().get("path").get()).isEqualTo("relayed");
        assertThat(net.metric("RTT").level()).isEqualTo(Level.BAD);
        assertThat(net.metric("Loss").level()).isEqualTo(Level.BAD);
        assertThat(vm.section(StatsSection.CAPTURE).presentProperty().get()).isFalse();
        assertThat(vm.section(StatsSection.RENDER).metric("FPS").level()).isEqualTo(Level.GOOD);
        assertThat(vm.section(StatsSection.TIME).metric("A/V Δ").value()).isEqualTo(30);
        assertThat(vm.section(StatsSection.TIME).metric("A/V Δ").level()).isEqualTo(Level.WARN);
        assertThat(vm.summary(StatsSection.NET)).isEqualTo("relayed · RTT 150 ms · Down 3.50 Mbps");
        assertThat(vm.revisionProperty().get()).isEqualTo(2);
    }

    @Test
    void captureSectionOfTheSelfTileHasLabelsColoursSparklinesAndASummary() {
        FakeParticipant self = new FakeParticipant("me", "Me", true, java.util.List.of());
        StatsViewModel vm = new StatsViewModel(self.stats(), null);
        self.stats = new StatsSnapshot(null, new StatsSnapshot.Capture("Test pattern", "avc1.64001e", "libx264", "640x360",
                30, 4.5, 850), null, null);
        vm.sample();
        vm.sample();
        SectionModel cap = vm.section(StatsSection.CAPTURE);
        assertThat(cap.presentProperty().get()).isTrue();
        assertThat(vm.section(StatsSection.NET).presentProperty().get()).as("the self tile has no path").isFalse();
        assertThat(cap.labels().get("source").get()).isEqualTo("Test pattern");
        assertThat(cap.labels().get("codec").get()).isEqualTo("avc1.64001e");
        assertThat(cap.labels().get("encoder").get()).isEqualTo("libx264");
        assertThat(cap.labels().get("resolution").get()).isEqualTo("640x360");
        assertThat(cap.metric("FPS").level()).isEqualTo(Level.GOOD);
        assertThat(cap.metric("Encode").level()).isEqualTo(Level.GOOD);
        assertThat(cap.metric("Bitrate").text()).isEqualTo("850 kbps");
        assertThat(cap.metric("FPS").size()).as("one sparkline point per sample").isEqualTo(2);
        assertThat(vm.summary(StatsSection.CAPTURE)).isEqualTo("Test pattern · 640x360 · 30.0 fps");

        // a struggling encoder: slow frames turn yellow, a low frame rate red
        for (int i = 0; i < 40; i++) {
            self.stats = new StatsSnapshot(null, new StatsSnapshot.Capture("Test pattern", "avc1.64001e", "libx264", "640x360",
                    12, 30, 850), null, null);
            vm.sample();
        }
        assertThat(cap.metric("FPS").level()).isEqualTo(Level.BAD);
        assertThat(cap.metric("Encode").level()).isEqualTo(Level.WARN);

        // nobody watching: no encoder runs, which the summary says instead of showing stale rates
        self.stats = new StatsSnapshot(null, new StatsSnapshot.Capture("Test pattern", "avc1.64001e",
                "libx264 (idle: nobody watching)", "1280x720", Double.NaN, Double.NaN, 0), null, null);
        vm.sample();
        assertThat(cap.labels().get("encoder").get()).contains("idle");
        assertThat(vm.summary(StatsSection.CAPTURE)).isEqualTo("Test pattern · 1280x720 · idle");
    }

    @Test
    void renditionSelectorForwardsTheChoice() {
        FakeParticipant p = FakeParticipant.remote("p1", "Bo");
        StatsViewModel vm = new StatsViewModel(p.stats(), p);
        assertThat(vm.renditionChoices()).containsExactly("Auto", "180p", "360p", "720p");
        vm.renditionProperty().set("180p");
        vm.renditionProperty().set("Auto");
        assertThat(p.renditionRequests).containsExactly("180p", "auto");
    }

    @Test
    void theNetSectionShowsEachPathChange() {
        FakeParticipant p = FakeParticipant.remote("p1", "Bo");
        StatsViewModel vm = new StatsViewModel(p.stats(), p);
        p.stats = new StatsSnapshot(new StatsSnapshot.Net(true, "relay http://198.18.1.2:3340/", 80, 0, 1, 0.1), null, null, null);
        vm.sample();
        SectionModel net = vm.section(StatsSection.NET);
        assertThat(net.labels().get("change").get()).as("no change yet").isEmpty();
        vm.sample();
        assertThat(net.labels().get("change").get()).as("the same path again").isEmpty();
        p.stats = new StatsSnapshot(new StatsSnapshot.Net(false, "198.18.2.2:4000", 20, 0, 1, 0.1), null, null, null);
        vm.sample();
        assertThat(net.labels().get("path").get()).isEqualTo("direct");
        assertThat(net.labels().get("change").get()).isEqualTo("relayed → direct 198.18.2.2:4000 (1)");
        p.stats = new StatsSnapshot(new StatsSnapshot.Net(false, "10.77.1.2:4000", 2, 0, 1, 0.1), null, null, null);
        vm.sample();
        assertThat(net.labels().get("change").get()).isEqualTo("direct 198.18.2.2:4000 → direct 10.77.1.2:4000 (2)");
        assertThat(vm.summary(StatsSection.NET)).startsWith("direct · RTT");
    }
}
