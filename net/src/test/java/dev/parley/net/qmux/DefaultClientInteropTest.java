package dev.parley.net.qmux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.testing.NodeInterop;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.parley.net.qmux.MoqOverQmuxTest.CATALOG;
import static dev.parley.net.qmux.MoqOverQmuxTest.FRAMES;
import static dev.parley.net.qmux.MoqOverQmuxTest.GROUPS;
import static dev.parley.net.qmux.MoqOverQmuxTest.publishDemo;
import static dev.parley.net.qmux.MoqOverQmuxTest.videoFrame;
import static dev.parley.net.qmux.QmuxNodeInteropTest.sha256;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real npm clients with their DEFAULT connection code (no forced protocol list) against a Parley
 * server with its default subprotocols: the version is whatever the two negotiate.
 */
@Timeout(120)
class DefaultClientInteropTest {

    /** {@code @moq/net} 0.3.4 prefers qmux-0x.moq-lite-05; Parley selects qmux-00.moq-lite-05 and serves TRACK_INFO and timed frames. */
    @Test
    void netClientDefaultConnectWatchesOverLite05() throws Exception {
        Optional<NodeInterop> node = NodeInterop.available();
        Assumptions.assumeTrue(node.isPresent(), NodeInterop::unavailableReason);
        LinkedBlockingQueue<MoqSession> sessions = new LinkedBlockingQueue<>();
        try (QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), conn -> {
            MoqSession s = MoqSession.start(conn);
            publishDemo(s);
            sessions.add(s);
        })) {
            List<String> lines = node.get().run(Duration.ofSeconds(60), "net-subscribe.mjs",
                    "ws://127.0.0.1:" + server.port() + "/", "demo", "video/hd", String.valueOf(GROUPS), "30000");
            String transcript = String.join("\n", lines);
            System.out.println("[node-interop] @moq/net default connect transcript:\n" + transcript);
            List<JsonNode> ev = NodeInterop.events(lines);
            assertThat(ev).as(transcript).isNotEmpty();
            assertThat(ev.getFirst().path("version").asText()).as(transcript).isEqualTo("moq-lite-05");
            JsonNode catalog = ev.stream().filter(e -> e.path("event").asText().equals("catalog")).findFirst()
                    .orElseThrow(() -> new AssertionError(transcript));
            assertThat(catalog.path("json")).isEqualTo(new ObjectMapper().readTree(CATALOG));
            List<JsonNode> frames = ev.stream().filter(e -> e.path("event").asText().equals("frame")).toList();
            assertThat(frames).as(transcript).hasSize(GROUPS * FRAMES);
            for (JsonNode f : frames) {
                byte[] expected = videoFrame(f.path("group").asInt(), f.path("index").asInt());
                assertThat(f.path("sha256").asText()).as(f.toString()).isEqualTo(sha256(expected));
                assertThat(f.path("size").asInt()).isEqualTo(expected.length);
                // the moq-lite-05 frame timestamp (TRACK_INFO timescale µs) equals the hang legacy one
                assertThat(f.path("moqTimestamp").asLong()).as(f.toString()).isEqualTo(f.path("timestamp").asLong())
                        .isEqualTo((f.path("group").asLong() * FRAMES + f.path("index").asLong()) * 33_333);
            }
            assertThat(ev).as(transcript).anyMatch(e -> e.path("event").asText().equals("track-info")
                    && e.path("timescale").asLong() == 1_000_000);
            assertThat(ev.getLast().path("event").asText()).as(transcript).isEqualTo("done");
            MoqSession s = sessions.poll(5, TimeUnit.SECONDS);
            assertThat(s).isNotNull();
            assertThat(s.version().alpn()).isEqualTo("moq-lite-05");
        }
    }
}
