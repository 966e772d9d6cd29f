package dev.parley.net.qmux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.testing.NodeInterop;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** Runs {@code script} against a Parley server publishing "demo" and returns the session and the checked events. */
    private static List<JsonNode> watchParley(NodeInterop node, String script, String expectedVersion, String... extra) throws Exception {
        LinkedBlockingQueue<MoqSession> sessions = new LinkedBlockingQueue<>();
        try (QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), conn -> {
            MoqSession s = MoqSession.start(conn);
            publishDemo(s);
            sessions.add(s);
        })) {
            List<String> args = new java.util.ArrayList<>(List.of("ws://127.0.0.1:" + server.port() + "/", "demo", "video/hd",
                    String.valueOf(GROUPS), "30000"));
            args.addAll(List.of(extra));
            List<String> lines = node.run(Duration.ofSeconds(60), script, args.toArray(String[]::new));
            String transcript = String.join("\n", lines);
            System.out.println("[node-interop] " + script + " " + List.of(extra) + " transcript:\n" + transcript);
            List<JsonNode> ev = NodeInterop.events(lines);
            assertThat(ev).as(transcript).isNotEmpty();
            assertThat(ev.getFirst().path("version").asText()).as(transcript).isEqualTo(expectedVersion);
            assertThat(ev).as(transcript).anyMatch(e -> e.path("event").asText().equals("announced")
                    && e.path("path").asText().equals("demo") && e.path("active").asBoolean());
            JsonNode catalog = ev.stream().filter(e -> e.path("event").asText().equals("catalog")).findFirst()
                    .orElseThrow(() -> new AssertionError(transcript));
            assertThat(catalog.path("json")).isEqualTo(new ObjectMapper().readTree(CATALOG));
            List<JsonNode> frames = ev.stream().filter(e -> e.path("event").asText().equals("frame")).toList();
            assertThat(frames).as(transcript).hasSize(GROUPS * FRAMES);
            for (JsonNode f : frames) {
                byte[] expected = videoFrame(f.path("group").asInt(), f.path("index").asInt());
                assertThat(f.path("sha256").asText()).as(f.toString()).isEqualTo(sha256(expected));
                assertThat(f.path("size").asInt()).isEqualTo(expected.length);
                assertThat(f.path("timestamp").asLong()).isEqualTo((f.path("group").asLong() * FRAMES + f.path("index").asLong()) * 33_333);
            }
            assertThat(frames.stream().map(f -> f.path("group").asInt()).distinct()).containsExactly(0, 1, 2);
            assertThat(ev.getLast().path("event").asText()).as(transcript).isEqualTo("done");
            MoqSession s = sessions.poll(5, TimeUnit.SECONDS);
            assertThat(s).isNotNull();
            assertThat(s.version().alpn()).isEqualTo(expectedVersion);
            return ev;
        }
    }

    /**
     * {@code @moq/lite} 0.2.2's default connect offers only the bare {@code qmux-00} subprotocol ({@code @moq/qmux}
     * 0.0.6 knows no records) and a legacy SETUP with lite-02/lite-01/moqt-14; Parley agrees lite-02 in-band and
     * serves it. That is the newest it can run: answering lite-03/04 in SERVER_SETUP makes its SessionInfo
     * reader refuse the session stream ("session info not supported for this version").
     */
    @Test
    void liteClientDefaultConnectWatchesOverLite02() throws Exception {
        NodeInterop node = NodeInterop.require("net", "subscribe.mjs");
        watchParley(node, "subscribe.mjs", "moq-lite-02", "default");
    }

    /** The same client made to offer lite-04 and lite-03 gets lite-04 (the server's newest). */
    @Test
    void liteClientOfferingLite04GetsLite04() throws Exception {
        NodeInterop node = NodeInterop.require("net", "subscribe.mjs");
        watchParley(node, "subscribe.mjs", "moq-lite-04", "moq-lite-03,moq-lite-04");
    }

    /** Reverse direction: {@code @moq/lite} 0.2.2 publishes with its default connect (lite-02) and Parley subscribes. */
    @Test
    void parleyWatchesTheLiteClientsDefaultPublisher() throws Exception {
        NodeInterop node = NodeInterop.require("net", "subscribe.mjs");
        LinkedBlockingQueue<MoqSession> sessions = new LinkedBlockingQueue<>();
        try (QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), conn -> sessions.add(MoqSession.start(conn)));
             NodeInterop.Run js = node.start("publish.mjs", "ws://127.0.0.1:" + server.port() + "/", "cam",
                     String.valueOf(GROUPS), String.valueOf(FRAMES), "30000", "default")) {
            MoqSession session = sessions.poll(20, TimeUnit.SECONDS);
            assertThat(session).as(js.transcript()).isNotNull();
            assertThat(session.version().alpn()).isEqualTo("moq-lite-02");
            BroadcastConsumer cam = session.subscribe("cam", Duration.ofSeconds(20));
            TrackConsumer catalog = cam.subscribe(new TrackInfo("catalog.json", TrackInfo.PRIORITY_CATALOG));
            byte[] json = catalog.nextGroup(Duration.ofSeconds(20)).readFrame(Duration.ofSeconds(20));
            assertThat(new ObjectMapper().readTree(json).at("/video/renditions/video~1hd/codec").asText()).isEqualTo("avc1.64001f");
            TrackConsumer video = cam.subscribe(new TrackInfo("video/hd", TrackInfo.PRIORITY_VIDEO)).maxLatency(Duration.ofSeconds(30));
            Map<Long, List<byte[]>> received = new HashMap<>();
            while (received.size() < GROUPS) {
                GroupConsumer g = video.nextGroup(Duration.ofSeconds(20));
                List<byte[]> frames = new java.util.ArrayList<>();
                for (byte[] f = g.readFrame(); f != null; f = g.readFrame()) { // the class @Timeout bounds this
                    frames.add(f);
                }
                received.put(g.sequence(), frames);
            }
            Map<String, JsonNode> sent = new HashMap<>();
            for (int i = 0; i < GROUPS * FRAMES; i++) {
                JsonNode e = js.awaitEvent("sent", Duration.ofSeconds(10)).orElseThrow(() -> new AssertionError(js.transcript()));
                sent.put(e.path("group").asText() + "/" + e.path("index").asText(), e);
            }
            assertThat(received.keySet()).containsExactlyInAnyOrder(0L, 1L, 2L);
            for (var entry : received.entrySet()) {
                assertThat(entry.getValue()).hasSize(FRAMES);
                for (int i = 0; i < FRAMES; i++) {
                    assertThat(sha256(entry.getValue().get(i))).isEqualTo(sent.get(entry.getKey() + "/" + i).path("sha256").asText());
                }
            }
            session.close(0, "done");
            assertThat(js.awaitEvent("closed", Duration.ofSeconds(10))).as(js.transcript()).isPresent();
        }
    }

    /** {@code @moq/net} 0.3.4 prefers qmux-0x.moq-lite-05; Parley selects qmux-02.moq-lite-05 and serves TRACK_INFO and timed frames. */
    @Test
    void netClientDefaultConnectWatchesOverLite05() throws Exception {
        Optional<NodeInterop> node = NodeInterop.available();
        Assumptions.assumeTrue(node.isPresent(), NodeInterop::unavailableReason);
        LinkedBlockingQueue<MoqSession> sessions = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<QmuxConnection> connections = new LinkedBlockingQueue<>();
        try (QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), conn -> {
            connections.add(conn);
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
            assertThat(connections.poll()).isNotNull().satisfies(c -> assertThat(c.wireFormat()).isEqualTo(QmuxWireFormat.QMUX_02));
        }
    }
}
