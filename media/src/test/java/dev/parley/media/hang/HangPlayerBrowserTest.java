package dev.parley.media.hang;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.media.codec.VideoPreset;
import dev.parley.media.publish.LocalMedia;
import dev.parley.media.publish.PublishOptions;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.qmux.QmuxServer;
import dev.parley.net.testing.NodeInterop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hang web player ({@code @moq/watch} 0.4.6, its {@code <moq-watch>} element with default
 * connection settings) in Debian's headless Chromium, driven by playwright-core
 * ({@code src/test/js/browser-watch.mjs}), watching a real {@link LocalMedia} broadcast (test pattern
 * with the timestamp barcode, 1 kHz tone; libx264 and Opus) served by Parley's WebSocket listener on
 * loopback. WebCodecs decodes, the barcode is read back from the painted canvas, and capture → paint
 * is printed (p50/p95). Skipped with the reason when Chromium or the npm packages are missing
 * outside CI ({@link NodeInterop#requireChromium}).
 */
@Timeout(120)
class HangPlayerBrowserTest {
    static final String BROADCAST = "room/alice.hang";

    @Test
    void hangWebPlayerInChromiumPlaysAParleyBroadcast() throws Exception {
        NodeInterop node = NodeInterop.requireChromium("media", "browser-watch.mjs");
        PublishOptions opts = PublishOptions.defaults().withEncoder("libx264")
                .withPresets(VideoPreset.P180, VideoPreset.P360); // 720p software decode starves this 2-core box
        List<MoqSession> sessions = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<dev.parley.net.qmux.QmuxWireFormat> wires = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (LocalMedia local = LocalMedia.withTestSources(opts);
             QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), conn -> {
                 wires.add(conn.wireFormat());
                 MoqSession session = MoqSession.start(conn);
                 sessions.add(session);
                 session.publish(BROADCAST, local.broadcast().consume());
             });
             NodeInterop.Run js = node.start("browser-watch.mjs", "http://127.0.0.1:" + server.port() + "/", BROADCAST,
                     "5000", "40000")) {
            int exit = js.waitFor(Duration.ofSeconds(55));
            String transcript = js.transcript();
            List<JsonNode> ev = js.events();
            assertThat(ev).as(transcript).isNotEmpty();
            assertThat(ev.getLast().path("event").asText()).as(transcript).isEqualTo("done");
            assertThat(exit).as(transcript).isZero();

            JsonNode page = single(ev, "page", transcript);
            assertThat(page.path("crossOriginIsolated").asBoolean()).as("COOP/COEP page").isTrue();
            assertThat(page.path("webcodecs").asBoolean()).isTrue();

            sessions.forEach(sess -> System.out.println("[browser] Parley side: " + sess.version() + " " + sess.pathStats()));
            // the player's @moq/net 0.2.8 offers qmux-02/01/00 x lite-05/04/03: the newest of both
            assertThat(wires).as("wire formats").contains(dev.parley.net.qmux.QmuxWireFormat.QMUX_02);
            List<JsonNode> samples = HangPlayerInteropTest.events(ev, "sample");
            JsonNode last = samples.getLast();
            System.out.println("[browser] last sample " + last);
            assertThat(last.path("version").asText()).as("default connect over WebSocket").startsWith("moq-lite-0");
            assertThat(last.path("decodedFrames").asLong()).as("WebCodecs decoded frames\n" + transcript).isGreaterThan(60);

            // The barcode read from the painted pixels advances, frame after frame.
            JsonNode paints = single(ev, "paints", transcript);
            List<Long> capture = new ArrayList<>();
            List<Double> latency = new ArrayList<>();
            paints.path("paints").forEach(p -> {
                capture.add(p.path("capture").asLong());
                latency.add(p.path("latency").asDouble());
            });
            assertThat(capture).as("distinct barcodes painted\n" + transcript).hasSizeGreaterThan(60);
            for (int i = 1; i < capture.size(); i++) {
                assertThat(capture.get(i)).isGreaterThan(capture.get(i - 1));
            }
            assertThat(capture.getLast() - capture.getFirst()).as("painted capture times span the watch").isGreaterThan(3000);
            assertThat(paints.path("unreadable").asInt()).as("unreadable barcodes").isLessThan(capture.size() / 10 + 1);

            // Audio plays on the cross-origin-isolated page: the player's audio clock advances.
            List<Double> audioClock = samples.stream().map(s -> s.path("audioTimestamp"))
                    .filter(JsonNode::isNumber).map(JsonNode::asDouble).toList();
            assertThat(audioClock).as("audio clock samples\n" + transcript).hasSizeGreaterThan(4);
            assertThat(audioClock.getLast() - audioClock.getFirst()).as("audio clock advance (ms)").isGreaterThan(2000);
            assertThat(audioClock.getLast()).as("media time starts near zero, so the 32-bit ring holds it")
                    .isLessThan(600_000);

            // Capture → paint, after the first second (start-up), printed for docs/bench-browser.md.
            List<Double> settled = latency.subList(Math.min(30, latency.size() / 3), latency.size());
            double p50 = percentile(settled, 0.50);
            double p95 = percentile(settled, 0.95);
            JsonNode tracks = single(ev, "tracks", transcript).path("tracks");
            JsonNode probes = single(ev, "probes", transcript).path("probes");
            System.out.printf("[browser] capture→paint over %d painted frames: p50 %.1f ms, p95 %.1f ms, max %.1f ms;"
                            + " jitter allowance %s ms, sync buffer %s ms; first paint %s ms; renditions %s; probes %s%n",
                    settled.size(), p50, p95, settled.stream().mapToDouble(d -> d).max().orElse(0),
                    last.path("jitter"), last.path("buffer"), single(ev, "first-paint", transcript).path("ms"), tracks, probes);
            List<Double> drawn = new ArrayList<>();
            List<Double> lateness = new ArrayList<>();
            List<Double> decodedLate = new ArrayList<>();
            paints.path("draws").forEach(d -> {
                drawn.add(d.path("latency").asDouble());
                lateness.add(d.path("late").asDouble());
                if (d.path("decodedLate").isNumber()) {
                    decodedLate.add(d.path("decodedLate").asDouble());
                }
            });
            // The harness's own animation-frame read can run before the player's draw in the same frame and
            // then sees the frame one animation frame late; the read right after the player's drawImage is
            // the time the frame reached the canvas (painted at the end of that animation frame).
            assertThat(drawn).as("frames seen at the player's drawImage\n" + transcript).hasSizeGreaterThan(60);
            List<Double> drawnSettled = drawn.subList(Math.min(30, drawn.size() / 3), drawn.size());
            double drawP95 = percentile(drawnSettled, 0.95);
            {
                System.out.printf("[browser] capture→draw (read right after the player's drawImage) over %d frames: p50 %.1f ms, p95 %.1f ms;"
                                + " drawn after the player's due time by p50 %.1f ms, p95 %.1f ms; receive lag %s%n", drawnSettled.size(),
                        percentile(drawnSettled, 0.50), percentile(drawnSettled, 0.95),
                        percentile(lateness.subList(drawn.size() - drawnSettled.size(), drawn.size()), 0.50),
                        percentile(lateness.subList(drawn.size() - drawnSettled.size(), drawn.size()), 0.95), last.path("lag"));
                if (!decodedLate.isEmpty()) {
                    System.out.printf("[browser] WebCodecs output relative to the player's due time: p50 %.1f ms, p95 %.1f ms (negative: decoded in time)%n",
                            percentile(decodedLate, 0.50), percentile(decodedLate, 0.95));
                }
            }
            System.out.println("[browser] capture→paint every 10th frame (ms): " + java.util.stream.IntStream
                    .iterate(0, i -> i < latency.size(), i -> i + 10).mapToObj(i -> String.valueOf(Math.round(latency.get(i)))).toList());
            System.out.printf("[browser] target capture→paint p95 ≤ 60 ms (at the player's drawImage): %s (p95 %.1f ms;"
                    + " read in the harness's next animation frame %.1f ms)%n", drawP95 <= 60 ? "met" : "MISSED", drawP95, p95);

            // What Parley's catalog puts into the player's sync buffer, max(video jitter, audio jitter + one
            // 128-sample render quantum) on top of its network allowance: the first audio rendition has 10 ms
            // packets and says so (10 + 3 ms), above the video's 10 ms. 20 ms packets made it 23 ms.
            assertThat(last.path("buffer").asDouble() - last.path("jitter").asDouble())
                    .as("sync buffer − jitter allowance (ms): the catalog's share").isEqualTo(13.0);

            // PROBE reaches the player with an RTT, so its jitter allowance comes from the path (max(20 ms,
            // 1.25 × RTT)) instead of its 100 ms default without one (what Parley's WebSocket gave before).
            assertThat(last.path("jitter").asDouble()).as("the player's jitter allowance (ms)").isLessThan(100);
            List<JsonNode> reports = StreamSupport.stream(probes.spliterator(), false)
                    .filter(p -> p.path("bitrate").isNumber() && p.path("rtt").isNumber()).toList();
            assertThat(reports).as("PROBE reports with bitrate and RTT\n" + transcript).isNotEmpty();
            // The rendition follows the player's rule on the last PROBE: the highest whose bitrate fits
            // 0.8 × PROBE, else the lowest.
            long budget = Math.round(reports.getLast().path("bitrate").asDouble() * 0.8);
            String expected = local.catalog().videoRenditions().entrySet().stream()
                    .filter(e -> e.getValue().bitrateOrZero() <= budget)
                    .max(java.util.Comparator.comparingLong(e -> e.getValue().bitrateOrZero()))
                    .or(() -> local.catalog().videoRenditions().entrySet().stream()
                            .min(java.util.Comparator.comparingLong(e -> e.getValue().bitrateOrZero())))
                    .orElseThrow().getKey();
            assertThat(tracks.get(tracks.size() - 1).path("track").asText()).as("rendition for PROBE " + budget / 0.8)
                    .isEqualTo(expected);

            // Latency: bounded even on a loaded machine (the old 100 ms jitter default plus a backlog
            // reached 1.3-2.4 s here); the 60 ms target itself with -Dparley.browser.strict=true.
            assertThat(drawP95).as("capture → paint p95 on loopback").isLessThan(Boolean.getBoolean("parley.browser.strict") ? 60 : 1000);
        }
    }

    static double percentile(List<Double> values, double q) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size())));
    }

    static JsonNode single(List<JsonNode> all, String name, String transcript) {
        return HangPlayerInteropTest.single(all, name, transcript);
    }
}
