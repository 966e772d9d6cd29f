package dev.parley.net.qmux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.testing.NodeInterop;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.parley.net.qmux.QmuxNodeInteropTest.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Parley's moq-lite-03 session over QMux/WebSocket: against the real {@code @moq/lite@0.2.2} client in
 * both directions, forced to offer {@code qmux-00.moq-lite-03} (the only real-client check of lite-03; the
 * clients' default connection code is in {@link DefaultClientInteropTest}), and between two Parley endpoints.
 */
@Timeout(120)
class MoqOverQmuxTest {
    static final String CATALOG = "{\"video\":{\"renditions\":{\"video/hd\":{\"codec\":\"avc1.64001f\","
            + "\"container\":{\"kind\":\"legacy\"},\"codedWidth\":1280,\"codedHeight\":720,\"bitrate\":2000000,\"framerate\":30}},"
            + "\"display\":{\"width\":1280,\"height\":720}}}";
    static final int GROUPS = 3;
    static final int FRAMES = 3;

    /** A hang legacy frame: varint µs timestamp + deterministic payload; frame 0 (the "keyframe") spans three QMux frames. */
    static byte[] videoFrame(int g, int f) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RawLiteResponder.writeVarint(out, (long) (g * FRAMES + f) * 33_333);
        int size = f == 0 ? 40_000 : 200 + g * 50 + f;
        for (int i = 0; i < size; i++) {
            out.write((i * 13 + g * 5 + f) & 0xff);
        }
        return out.toByteArray();
    }

    /** Publishes "demo" (catalog.json + video/hd); the video groups start once both tracks are subscribed. */
    static BroadcastProducer publishDemo(MoqSession session) {
        BroadcastProducer demo = new BroadcastProducer();
        demo.createTrack(new TrackInfo("catalog.json", TrackInfo.PRIORITY_CATALOG))
                .appendGroupWithFrame(CATALOG.getBytes(StandardCharsets.UTF_8));
        TrackProducer video = demo.createTrack(new TrackInfo("video/hd", TrackInfo.PRIORITY_VIDEO));
        session.publish("demo", demo.consume());
        Thread.ofVirtual().name("demo-video").start(() -> {
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (session.servedSubscriptions() < 2 && System.nanoTime() < deadline && !session.isClosed()) {
                    Thread.sleep(10);
                }
                for (int g = 0; g < GROUPS; g++) {
                    GroupProducer gp = video.appendGroup();
                    for (int f = 0; f < FRAMES; f++) {
                        gp.writeFrame(videoFrame(g, f), (long) (g * FRAMES + f) * 33_333); // the legacy header's µs, for lite-05
                    }
                    gp.close();
                    Thread.sleep(50); // live pacing, so a live reader gets every group
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return demo;
    }

    @Test
    void realClientSubscribesToParleyPublisher() throws Exception {
        Optional<NodeInterop> node = NodeInterop.available();
        Assumptions.assumeTrue(node.isPresent(), NodeInterop::unavailableReason);
        LinkedBlockingQueue<MoqSession> sessions = new LinkedBlockingQueue<>();
        try (QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), conn -> {
            MoqSession s = MoqSession.start(conn);
            publishDemo(s);
            sessions.add(s);
        })) {
            List<String> lines = node.get().run(Duration.ofSeconds(60), "subscribe.mjs",
                    "ws://127.0.0.1:" + server.port() + "/", "demo", "video/hd", String.valueOf(GROUPS), "30000");
            String transcript = String.join("\n", lines);
            System.out.println("[node-interop] parley publisher transcript:\n" + transcript);
            List<JsonNode> ev = NodeInterop.events(lines);
            assertThat(ev).as(transcript).isNotEmpty();
            assertThat(ev.getFirst().path("version").asText()).isEqualTo("moq-lite-03");
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
            assertThat(s.closed().get(10, TimeUnit.SECONDS)).isNotNull(); // the client closed cleanly
        }
    }

    @Test
    void parleySubscribesToRealClientPublisher() throws Exception {
        Optional<NodeInterop> node = NodeInterop.available();
        Assumptions.assumeTrue(node.isPresent(), NodeInterop::unavailableReason);
        LinkedBlockingQueue<MoqSession> sessions = new LinkedBlockingQueue<>();
        // @moq/qmux 0.0.6 is client-only, so Node dials our server and we subscribe on that session.
        try (QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), conn -> sessions.add(MoqSession.start(conn)));
             NodeInterop.Run js = node.get().start("publish.mjs", "ws://127.0.0.1:" + server.port() + "/", "cam",
                     String.valueOf(GROUPS), String.valueOf(FRAMES), "30000")) {
            MoqSession session = sessions.poll(20, TimeUnit.SECONDS);
            assertThat(session).as(js.transcript()).isNotNull();
            BroadcastConsumer cam = session.subscribe("cam", Duration.ofSeconds(20));
            TrackConsumer catalog = cam.subscribe(new TrackInfo("catalog.json", TrackInfo.PRIORITY_CATALOG));
            byte[] json = catalog.nextGroup(Duration.ofSeconds(20)).readFrame(Duration.ofSeconds(20));
            assertThat(new ObjectMapper().readTree(json).at("/video/renditions/video~1hd/codec").asText()).isEqualTo("avc1.64001f");

            TrackConsumer video = cam.subscribe(new TrackInfo("video/hd", TrackInfo.PRIORITY_VIDEO)).maxLatency(Duration.ofSeconds(30));
            Map<Long, List<byte[]>> received = new HashMap<>();
            while (received.size() < GROUPS) {
                GroupConsumer g = video.nextGroup(Duration.ofSeconds(20));
                List<byte[]> frames = new ArrayList<>();
                byte[] f;
                while ((f = g.readFrame()) != null) { // the class @Timeout bounds this
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
                    JsonNode e = sent.get(entry.getKey() + "/" + i);
                    assertThat(sha256(entry.getValue().get(i))).isEqualTo(e.path("sha256").asText());
                }
            }
            session.close(0, "done");
            assertThat(js.awaitEvent("closed", Duration.ofSeconds(10))).as(js.transcript()).isPresent();
        }
    }

    @Test
    void twoParleyEndpointsOverWebSocketInBothDirections() throws Exception {
        LinkedBlockingQueue<MoqSession> sessions = new LinkedBlockingQueue<>();
        try (QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), conn -> sessions.add(MoqSession.start(conn)));
             QmuxClient dialer = new QmuxClient()) {
            MoqSession client = MoqSession.start(dialer.connect("ws://127.0.0.1:" + server.port() + "/room"));
            MoqSession srv = sessions.poll(10, TimeUnit.SECONDS);
            assertThat(srv).isNotNull();
            assertThat(((QmuxConnection) srv.connection()).path()).isEqualTo("/room");
            for (MoqSession[] roles : new MoqSession[][] {{srv, client}, {client, srv}}) {
                BroadcastProducer demo = publishDemo(roles[0]);
                BroadcastConsumer remote = roles[1].subscribe("demo", Duration.ofSeconds(10));
                TrackConsumer catalog = remote.subscribe(new TrackInfo("catalog.json", TrackInfo.PRIORITY_CATALOG));
                assertThat(new String(catalog.nextGroup(Duration.ofSeconds(10)).readFrame(Duration.ofSeconds(10)),
                        StandardCharsets.UTF_8)).isEqualTo(CATALOG);
                TrackConsumer video = remote.subscribe(new TrackInfo("video/hd", TrackInfo.PRIORITY_VIDEO)).maxLatency(Duration.ofSeconds(30));
                for (int g = 0; g < GROUPS; g++) {
                    GroupConsumer gc = video.nextGroup(Duration.ofSeconds(10));
                    assertThat(gc.sequence()).isEqualTo(g);
                    for (int f = 0; f < FRAMES; f++) {
                        assertThat(gc.readFrame(Duration.ofSeconds(10))).isEqualTo(videoFrame(g, f));
                    }
                    assertThat(gc.readFrame()).isNull(); // end of group (readFrame(Duration) reports TIMEOUT at the end)
                }
                catalog.close();
                video.close();
                remote.close();
                demo.close();
            }
            CompletableFuture<?> srvClosed = srv.closed();
            client.close(0, "bye");
            assertThat(srvClosed.get(10, TimeUnit.SECONDS)).isNotNull();
        }
    }
    @Test
    void moqManagerDialsAWebSocketUrlAndGetsThePublishedBroadcasts() throws Exception {
        dev.parley.net.moq.session.Moq.Dialer noQuic =
                peer -> CompletableFuture.failedFuture(new IllegalStateException("no QUIC in this test"));
        dev.parley.net.moq.session.Moq.Options auto = dev.parley.net.moq.session.Moq.Options.DEFAULT.withAutoAccept(true);
        try (dev.parley.net.moq.session.Moq publisher = new dev.parley.net.moq.session.Moq(noQuic, auto);
             QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), publisher::handleConnection);
             dev.parley.net.moq.session.Moq watcher = new dev.parley.net.moq.session.Moq(noQuic, auto)) {
            BroadcastProducer demo = new BroadcastProducer();
            demo.createTrack(new TrackInfo("catalog.json", TrackInfo.PRIORITY_CATALOG))
                    .appendGroupWithFrame(CATALOG.getBytes(StandardCharsets.UTF_8));
            publisher.publish("demo", demo.consume());

            MoqSession session = watcher.connect("ws://127.0.0.1:" + server.port() + "/").get(10, TimeUnit.SECONDS);
            assertThat(session.remoteId()).isEmpty();
            assertThat(watcher.sessions()).contains(session);
            BroadcastConsumer remote = session.subscribe("demo", Duration.ofSeconds(10));
            TrackConsumer catalog = remote.subscribe(new TrackInfo("catalog.json", TrackInfo.PRIORITY_CATALOG));
            assertThat(new String(catalog.nextGroup(Duration.ofSeconds(10)).readFrame(Duration.ofSeconds(10)),
                    StandardCharsets.UTF_8)).isEqualTo(CATALOG);
            catalog.close();

            // A URL nobody serves fails the future with a clear error instead of hanging.
            int closedPort;
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                closedPort = probe.getLocalPort();
            }
            assertThatThrownBy(() -> watcher.connect("ws://127.0.0.1:" + closedPort + "/").get(15, TimeUnit.SECONDS))
                    .isInstanceOf(java.util.concurrent.ExecutionException.class);
            // A scheme no binding dials (none registered in META-INF/services) fails the same way, saying so.
            assertThatThrownBy(() -> watcher.connect("gopher://127.0.0.1/").get(5, TimeUnit.SECONDS))
                    .isInstanceOf(java.util.concurrent.ExecutionException.class)
                    .hasMessageContaining("no transport dials gopher");
            demo.close();
        }
    }
}
