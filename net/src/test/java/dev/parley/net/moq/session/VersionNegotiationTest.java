package dev.parley.net.moq.session;

import dev.parley.net.identity.Identity;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.wire.Version;
import dev.parley.net.qmux.QmuxConfig;
import dev.parley.net.qmux.QmuxServer;
import dev.parley.net.quic.DialException;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.parley.net.moq.wire.Version.LITE_03;
import static dev.parley.net.moq.wire.Version.LITE_04;
import static dev.parley.net.moq.wire.Version.LITE_05;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Parley against Parley with different version sets, over real QUIC and over WebSocket: the session
 * runs the newest version both speak (the server's preference decides), media flows in it, and a peer
 * offering nothing Parley speaks is refused at once with a reason.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VersionNegotiationTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private Endpoint endpoint() {
        Endpoint e = Endpoint.bind(EndpointConfig.loopback(Identity.generate()).withIdleTimeout(Duration.ofSeconds(30)));
        toClose.add(e);
        return e;
    }

    private Moq moq(Endpoint e, List<Version> versions) {
        Moq m = Moq.attach(e, Moq.Options.DEFAULT.withAutoAccept(true).withVersions(versions));
        toClose.add(m);
        return m;
    }

    /** Publishes "cam" with one video track on {@code m}; the returned track gets groups from {@link #sendGroup}. */
    private static TrackProducer publishCam(Moq m) {
        BroadcastProducer cam = new BroadcastProducer();
        TrackProducer video = cam.createTrack(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
        m.publish("cam", cam.consume());
        return video;
    }

    /** Subscribes "cam/video" on {@code session} and checks frames (and their order) of groups the publisher keeps sending. */
    private static void assertMediaFlows(MoqSession session, TrackProducer video) throws Exception {
        BroadcastConsumer remote = session.subscribe("cam", Duration.ofSeconds(10));
        try (TrackConsumer track = remote.subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO))) {
            CompletableFuture<Void> pump = CompletableFuture.runAsync(() -> {
                for (int g = 0; g < 200 && !Thread.currentThread().isInterrupted(); g++) {
                    try (GroupProducer gp = video.appendGroup()) {
                        for (int f = 0; f < 3; f++) {
                            gp.writeFrame(("g" + g + "f" + f).getBytes(StandardCharsets.UTF_8), 1_000L * (3 * g + f));
                        }
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                GroupConsumer g = track.nextGroup(Duration.ofSeconds(10));
                assertThat(g).isNotNull();
                for (int f = 0; f < 3; f++) {
                    assertThat(new String(g.readFrame(Duration.ofSeconds(10)), StandardCharsets.UTF_8))
                            .isEqualTo("g" + g.sequence() + "f" + f);
                }
            } finally {
                pump.cancel(true);
            }
        }
    }

    @Test
    void quicPeersSettleOnTheNewestCommonVersionAndExchangeMedia() throws Exception {
        Endpoint a = endpoint();
        Endpoint newest = endpoint();
        Endpoint old = endpoint();
        Moq server = moq(a, Version.NEWEST_FIRST);
        TrackProducer video = publishCam(server);

        MoqSession s05 = moq(newest, Version.NEWEST_FIRST).connect(a.addr()).get(20, TimeUnit.SECONDS);
        assertThat(s05.version()).isEqualTo(LITE_05);
        assertMediaFlows(s05, video);

        MoqSession s03 = moq(old, List.of(LITE_03)).connect(a.addr()).get(20, TimeUnit.SECONDS);
        assertThat(s03.version()).isEqualTo(LITE_03);
        assertMediaFlows(s03, video);
        // the server side of each session runs the same version
        assertThat(server.sessions()).extracting(MoqSession::version).containsExactlyInAnyOrder(LITE_05, LITE_03);
    }

    @Test
    void theServerPreferenceDecidesWhateverOrderTheClientOffers() throws Exception {
        Endpoint a = endpoint();
        Endpoint b = endpoint();
        Endpoint c = endpoint();
        Moq server = moq(a, List.of(LITE_04, LITE_03)); // a Parley that stops at lite-04
        TrackProducer video = publishCam(server);
        MoqSession oldestFirst = moq(b, List.of(LITE_03, LITE_04, LITE_05)).connect(a.addr()).get(20, TimeUnit.SECONDS);
        assertThat(oldestFirst.version()).isEqualTo(LITE_04);
        assertMediaFlows(oldestFirst, video);

        Moq limitedServer = moq(c, List.of(LITE_03));
        publishCam(limitedServer);
        MoqSession toLimited = moq(endpoint(), Version.NEWEST_FIRST).connect(c.addr()).get(20, TimeUnit.SECONDS);
        assertThat(toLimited.version()).isEqualTo(LITE_03);
    }

    @Test
    void aQuicPeerOfferingNoCommonVersionIsRefusedInTheHandshake() {
        Endpoint a = endpoint();
        moq(a, Version.NEWEST_FIRST);
        Endpoint b = endpoint();
        long start = System.nanoTime();
        assertThatThrownBy(() -> b.connect(a.addr(), List.of("moq-lite-02", "moql")).get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(DialException.class)
                .hasMessageContaining("serves none of the protocols moq-lite-02, moql");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void webSocketPeersSettleOnTheNewestCommonVersion() throws Exception {
        Moq.Dialer noQuic = peer -> CompletableFuture.failedFuture(new IllegalStateException("no QUIC in this test"));
        Moq server = new Moq(noQuic, Moq.Options.DEFAULT.withAutoAccept(true));
        toClose.add(server);
        TrackProducer video = publishCam(server);
        QmuxServer ws = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), server::handleConnection);
        toClose.add(ws);
        String url = "ws://127.0.0.1:" + ws.port() + "/";

        for (List<Version> versions : List.of(Version.NEWEST_FIRST, List.of(LITE_03), List.of(LITE_03, LITE_04))) {
            Moq client = new Moq(noQuic, Moq.Options.DEFAULT.withAutoAccept(true).withVersions(versions));
            toClose.add(client);
            MoqSession s = client.connect(url).get(15, TimeUnit.SECONDS);
            Version expected = versions.contains(LITE_05) ? LITE_05 : versions.contains(LITE_04) ? LITE_04 : LITE_03;
            assertThat(s.version()).as("client offering %s", versions).isEqualTo(expected);
            assertThat(s.connection().protocol()).isEqualTo(expected.alpn());
            assertMediaFlows(s, video);
        }

        // A server limited to lite-03 and a newest-first client meet on lite-03.
        Moq old = new Moq(noQuic, Moq.Options.DEFAULT.withAutoAccept(true).withVersions(List.of(LITE_03)));
        toClose.add(old);
        TrackProducer oldVideo = publishCam(old);
        QmuxServer oldWs = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), Optional.empty(),
                QmuxConfig.defaults().withProtocols(List.of(LITE_03.alpn())), old::handleConnection);
        toClose.add(oldWs);
        Moq client = new Moq(noQuic, Moq.Options.DEFAULT.withAutoAccept(true));
        toClose.add(client);
        MoqSession s = client.connect("ws://127.0.0.1:" + oldWs.port() + "/").get(15, TimeUnit.SECONDS);
        assertThat(s.version()).isEqualTo(LITE_03);
        assertMediaFlows(s, oldVideo);
    }

    @Test
    void aWebSocketClientOfferingNothingParleySpeaksGetsA400WithTheReason() throws Exception {
        Moq.Dialer noQuic = peer -> CompletableFuture.failedFuture(new IllegalStateException("no QUIC in this test"));
        Moq server = new Moq(noQuic, Moq.Options.DEFAULT.withAutoAccept(true));
        toClose.add(server);
        QmuxServer ws = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), server::handleConnection);
        toClose.add(ws);
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            record Case(String offered, String reason) {}
            for (Case c : List.of(
                    new Case("webtransport.moq-lite-05, qmux-03.moq-lite-04", "none of the offered subprotocols"),
                    new Case("qmux-00.moq-lite-02, qmux-02.moqt-17", "none of the offered subprotocols"),
                    new Case("qmux-03, webtransport", "only bare subprotocols of other wire formats offered"))) {
                // java.net.http refuses to send Upgrade itself, so send the upgrade request by hand
                String response = rawUpgrade(ws.port(), c.offered());
                assertThat(response).as(c.offered()).startsWith("HTTP/1.1 400")
                        .contains(c.reason()).contains("qmux-02/01/00.<version> for moq-lite-05, moq-lite-04, moq-lite-03");
            }
            HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ws.port() + "/"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(plain.statusCode()).isEqualTo(426);
        }
    }

    /** Sends a WebSocket upgrade offering {@code offered} and returns the whole response (the server closes after a refusal). */
    static String rawUpgrade(int port, String offered) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: " + offered + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
