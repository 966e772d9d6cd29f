package dev.parley.app.headless;

import dev.parley.net.testing.NetLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Adaptive watching on a real network ({@link BottleneckScenario}): real {@code parley publish} and
 * {@code parley watch --rendition auto} processes in two namespaces, the link toward the watcher cut
 * from 8 Mbit/s to 600 kbit/s with a 200 ms queue. Skips with the reason where the lab cannot run.
 */
@Timeout(300)
class AdaptiveBottleneckLabTest {
    private static final String BEST = "video/h264-720p";
    /** Seconds after the down-switch that the targets are not held to (see docs/bench-network.md). */
    static final double SETTLE_SECONDS = 2.0;

    @Test
    void switchesDownAtOnceHoldsFrameRateAndLatencyThroughTheBottleneckAndComesBack() throws Exception {
        NetLab.assumeAvailable(AdaptiveBottleneckLabTest.class);
        // the normal run: 15 s of bottleneck and a short look at the recovery; -Dparley.long=true: the full timeline
        boolean full = Boolean.getBoolean("parley.long");
        BottleneckScenario.Result r = BottleneckScenario.run(Duration.ofSeconds(full ? 30 : 15),
                Duration.ofSeconds(full ? 40 : 20), System.out);
        System.out.print(r.timeline());
        System.out.println(summary(r));
        String context = "\n" + r.timeline() + "\nwatcher:\n" + r.watcherTail() + "\npublisher:\n" + r.publisherTail();

        double decided = firstDecision(r);
        assertThat(decided).as("the watcher decides to step down after the cut, s" + context).isBetween(0.0, 1.0);
        double down = firstDown(r);
        // the targets, printed always and asserted with -Dparley.lab.strict=true: the lower rendition on
        // screen within 1 s, >= 24 fps and p95 <= 300 ms in every second of the bottleneck, the switch included
        List<BottleneckScenario.Second> all = r.between(0, r.bottleneckSeconds());
        boolean strict = Boolean.getBoolean("parley.lab.strict");
        System.out.printf(Locale.ROOT, "lab: lower rendition shown %.2f s after the cut: target 1 s %s%n", down, down <= 1.0 ? "met" : "MISSED");
        double worstFps = all.stream().mapToDouble(BottleneckScenario.Second::fps).min().orElse(0);
        long worstP95 = all.stream().mapToLong(BottleneckScenario.Second::p95).max().orElse(0);
        System.out.printf(Locale.ROOT, "lab: every bottleneck second, the switch included: min fps %.1f (target 24 %s), max p95 %d ms (target 300 %s)%n",
                worstFps, worstFps >= 24 ? "met" : "MISSED", worstP95, worstP95 <= 300 ? "met" : "MISSED");
        // measured 0.81-1.49 s before the standby rendition; the normal run allows 1.5 s on a loaded machine
        assertThat(down).as("a lower rendition is shown after the cut, s" + context).isBetween(decided, strict ? 1.0 : 1.5);
        if (strict) {
            assertThat(all).as("≥ 24 fps and p95 ≤ 300 ms in every second of the bottleneck" + context)
                    .allSatisfy(s -> assertThat(s.fps()).isGreaterThanOrEqualTo(24))
                    .allSatisfy(s -> assertThat(s.p95()).isLessThanOrEqualTo(300));
        }
        // the seconds after the switch settled (the old rendition's queue drained, the new one's first GOP arrived)
        List<BottleneckScenario.Second> narrow = r.between(down + SETTLE_SECONDS, r.bottleneckSeconds());
        assertThat(narrow).as("stats lines during the bottleneck").hasSizeGreaterThanOrEqualTo((int) (r.bottleneckSeconds() - down - SETTLE_SECONDS) - 1);
        assertThat(narrow).as("≥ 24 fps in every settled second of the bottleneck" + context)
                .allSatisfy(s -> assertThat(s.fps()).isGreaterThanOrEqualTo(24));
        assertThat(narrow).as("capture → rendered p95 ≤ 300 ms in every settled second of the bottleneck" + context)
                .allSatisfy(s -> assertThat(s.p95()).isLessThanOrEqualTo(300));
        if (full) {
            double back = r.shown(BEST, r.bottleneckSeconds());
            assertThat(back).as("back on 720p after the link is restored" + context).isPositive();
            assertThat(back - r.bottleneckSeconds()).as("recovery, s" + context).isLessThanOrEqualTo(30);
            assertThat(r.events().stream().filter(e -> e.t() > back && e.text().contains("now showing")))
                    .as("stays on 720p" + context).isEmpty();
        } else {
            // the PROBE estimate takes ~4 s to start rising again, then probing climbs one rung per probe
            assertThat(r.events().stream().filter(e -> e.t() > r.bottleneckSeconds() && e.text().contains("now showing")
                    && !e.text().contains("180p"))).as("probes up within 20 s of the restore" + context).isNotEmpty();
        }
    }

    /** When the watcher first decided to step down after the cut (seconds), or -1. */
    static double firstDecision(BottleneckScenario.Result r) {
        return r.events().stream().filter(e -> e.t() >= 0 && e.text().contains("adaptive: switching") && !e.text().contains(BEST))
                .mapToDouble(BottleneckScenario.Event::t).findFirst().orElse(-1);
    }

    /** When the first lower rendition was shown after the cut (seconds), or -1. */
    static double firstDown(BottleneckScenario.Result r) {
        return r.events().stream().filter(e -> e.t() >= 0 && e.text().contains("now showing") && !e.text().contains(BEST))
                .mapToDouble(BottleneckScenario.Event::t).findFirst().orElse(-1);
    }

    static String summary(BottleneckScenario.Result r) {
        double down = firstDown(r);
        List<BottleneckScenario.Second> narrow = r.between(down + SETTLE_SECONDS, r.bottleneckSeconds());
        List<BottleneckScenario.Second> transition = r.between(0, down + SETTLE_SECONDS);
        double minFps = narrow.stream().mapToDouble(BottleneckScenario.Second::fps).min().orElse(0);
        long maxP95 = narrow.stream().mapToLong(BottleneckScenario.Second::p95).max().orElse(0);
        long[] p50 = narrow.stream().mapToLong(s -> s.json().get("latP50Ms").asLong()).sorted().toArray();
        double back = r.shown(BEST, r.bottleneckSeconds());
        long switches = r.events().stream().filter(e -> e.text().contains("now showing")).count();
        return String.format(Locale.ROOT, "summary: step down decided at %.2f s, shown at %.2f s; settled bottleneck seconds (%.1f..%.0f): "
                        + "min fps %.1f, max per-second p95 %d ms, median p50 %d ms; transition seconds fps %s p95 %s; "
                        + "back on 720p %.1f s after restore; %d rendition changes shown in all",
                firstDecision(r), down, down + SETTLE_SECONDS, r.bottleneckSeconds(), minFps, maxP95, p50.length == 0 ? 0 : p50[p50.length / 2],
                transition.stream().map(s -> String.valueOf(s.fps())).toList(),
                transition.stream().map(s -> String.valueOf(s.p95())).toList(),
                back < 0 ? -1 : back - r.bottleneckSeconds(), switches);
    }
}
