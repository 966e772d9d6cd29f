package dev.parley.media.hang;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.net.testing.LabProcess;
import dev.parley.net.testing.NetLab;
import dev.parley.net.testing.NodeInterop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hang web player's rendition choice follows Parley's PROBE over WebSocket across a real
 * bottleneck: the publisher ({@link LabHangPublisher}) and headless Chromium run in two lab namespaces,
 * and the link toward the viewer is a 200 kbit/s {@code tbf}. The player starts on the largest rendition
 * (360p, nominally 484 kbit/s); the queue shows in Parley's ping RTT, PROBE reports what the path takes,
 * and the player steps down to 180p (the highest whose bitrate fits 0.8 × PROBE, else the lowest).
 * Needs root and {@code ip netns} (skipped with the reason otherwise) and Chromium.
 */
@Timeout(150)
class HangPlayerProbeLabTest {
    /**
     * How long the player watches. In quiet runs the first low PROBE reaches the player 5.8-11.2 s into the watch
     * (nine runs, December 2026): it crosses the same 200 kbit/s path behind the `tbf` queue TCP fills and the few tens
     * of kB the kernel still holds unsent (priorities cannot reorder what the socket has taken), so on a loaded machine
     * it comes later: one run of a 12 s watch ended on a 6.9 Mbit/s PROBE while the publisher's own estimate had read
     * about 0.2 Mbit/s for 4 s. 20 s leaves room for that; the assertions are unchanged.
     */
    private static final String WATCH_MS = "20000";

    @Test
    void aNarrowPathsProbeMovesThePlayerToTheLowerRendition() throws Exception {
        NetLab.assumeAvailable(getClass());
        NodeInterop node = NodeInterop.requireChromium("media", "browser-watch.mjs");
        try (NetLab lab = NetLab.create()) {
            NetLab.Node pub = lab.internetHost("pub");
            NetLab.Node viewer = lab.internetHost("view");
            viewer.link().shape(NetLab.Direction.TO_HOST, 200, 16 * 1024, Duration.ofMillis(400));
            LabProcess publisher = pub.java(LabHangPublisher.class, "4443");
            publisher.awaitContaining("ready", Duration.ofSeconds(30));
            LabProcess js = viewer.exec(List.of("node", node.script("browser-watch.mjs").toString(),
                    "http://" + pub.address().getHostAddress() + ":4443/", HangPlayerBrowserTest.BROADCAST, WATCH_MS, "50000"),
                    Map.of());
            js.waitFor(Duration.ofSeconds(70));
            List<JsonNode> ev = NodeInterop.events(js.stdout());
            String transcript = js.tail() + "\npublisher:\n" + publisher.tail();
            JsonNode tracks = HangPlayerInteropTest.single(ev, "tracks", transcript).path("tracks");
            JsonNode probes = HangPlayerInteropTest.single(ev, "probes", transcript).path("probes");
            System.out.println("[probe-lab] renditions " + tracks);
            System.out.println("[probe-lab] probes " + probes);
            System.out.println("[probe-lab] publisher " + publisher.tail());
            printTimeline(tracks, probes, HangPlayerInteropTest.single(ev, "paints", transcript).path("paints"));
            List<String> chosen = StreamSupport.stream(tracks.spliterator(), false)
                    .map(t -> t.path("track").asText()).filter(t -> !t.isEmpty() && !"null".equals(t)).toList();
            List<Long> bitrates = StreamSupport.stream(probes.spliterator(), false)
                    .filter(p -> p.path("bitrate").isNumber()).map(p -> p.path("bitrate").asLong()).toList();
            assertThat(bitrates).as("PROBE reports\n" + transcript).isNotEmpty();
            // WebSocket delivery measured at the sender reads 120-450 kbit/s through this 200 kbit/s bucket (the
            // kernel's send buffer absorbs bursts; 404 kbit/s on one CI run): far below the open path's 2.8-4.7
            // Mbit/s, and low enough that the player's 0.8 x PROBE rules out 360p (~450 kbit/s)
            assertThat(bitrates.getLast()).as("PROBE measures the 200 kbit/s path").isBetween(50_000L, 500_000L);
            assertThat(chosen).as("renditions the player chose\n" + transcript).isNotEmpty();
            assertThat(chosen.getLast()).as("the player followed the low PROBE down").isEqualTo("video/h264-180p");
        }
    }

    /** When the first low PROBE came, and the capture → paint latency of each 4 s of the watch. */
    private static void printTimeline(JsonNode tracks, JsonNode probes, JsonNode paints) {
        double start = tracks.path(0).path("at").asDouble();
        String low = StreamSupport.stream(probes.spliterator(), false)
                .filter(p -> p.path("bitrate").isNumber() && p.path("bitrate").asLong() < 500_000)
                .findFirst().map(p -> String.format("%.1f s", (p.path("at").asDouble() - start) / 1000)).orElse("never");
        StringBuilder line = new StringBuilder("[probe-lab] first PROBE under 500 kbit/s " + low
                + " after the first rendition; capture -> paint p50/p95 per 4 s:");
        for (int from = 0; from < 20; from += 4) {
            int f = from;
            List<Double> ms = StreamSupport.stream(paints.spliterator(), false)
                    .filter(p -> p.path("seen").asDouble() - start >= f * 1000 && p.path("seen").asDouble() - start < (f + 4) * 1000)
                    .map(p -> p.path("latency").asDouble()).sorted().toList();
            line.append(ms.isEmpty() ? String.format(" [%d-%d s] none", f, f + 4) : String.format(" [%d-%d s] %.0f/%.0f ms (%d)",
                    f, f + 4, ms.get(ms.size() / 2), ms.get(Math.min(ms.size() - 1, ms.size() * 95 / 100)), ms.size()));
        }
        System.out.println(line);
    }
}
