package dev.parley.net.moq.relay;

import dev.parley.net.identity.Identity;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.session.Moq;
import dev.parley.net.moq.session.MoqRelayUrl;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.net.testing.TestCa;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Moq#connect(MoqRelayUrl)} over real sockets to an in-process relay that serves raw QUIC with a
 * WebPKI certificate (a test CA, trusted through {@code javax.net.ssl.trustStore} as a user would) on one
 * port and secure WebSocket on another, so each transport can be made the only one that works:
 * {@code moql://} and {@code wss://} force one, {@code https://} races both and the one that answers
 * wins without waiting for the other; neither answering is one error naming both reasons.
 */
@Timeout(60)
class RelayTransportRaceTest {
    private static final List<String> TRUST_PROPS = List.of("javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword",
            "javax.net.ssl.trustStoreType");
    private static final Map<String, String> saved = new HashMap<>();
    private static Endpoint endpoint;
    private static MoqRelay relay;
    private static int quicPort;
    private static int wsPort;

    @BeforeAll
    static void relay(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create("Parley race CA");
        TestCa.Issued cert = ca.issue(dir, "127.0.0.1");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.root());
        Path store = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(store)) {
            trust.store(out, "changeit".toCharArray());
        }
        TRUST_PROPS.forEach(p -> saved.put(p, System.getProperty(p)));
        System.setProperty("javax.net.ssl.trustStore", store.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");

        endpoint = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
        endpoint.serveWebPki(cert.chain().toFile(), cert.key().toFile());
        relay = new MoqRelay(new JwtScopeResolver(Optional.empty(),
                List.of(new JwtScopeResolver.PublicPrefix(ScopePath.parse("/"), Permission.READ_WRITE)), Clock.systemUTC()))
                .attach(endpoint);
        wsPort = relay.listenWebSocket(new InetSocketAddress("127.0.0.1", 0),
                Optional.of(SslContextBuilder.forServer(cert.chain().toFile(), cert.key().toFile()).build())).getPort();
        quicPort = endpoint.localAddress().getPort();
    }

    @AfterAll
    static void close() {
        relay.close();
        endpoint.close();
        saved.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    private static Moq client() {
        return new Moq(peer -> CompletableFuture.failedFuture(new IllegalStateException("no peers")), Moq.Options.DEFAULT);
    }

    private static MoqSession connect(Moq moq, String url) throws Exception {
        return moq.connect(MoqRelayUrl.parse(url)).get(20, TimeUnit.SECONDS);
    }

    /** Publishes frames on {@code name} through {@code publisher} and reads one through {@code watcher}. */
    private static void flows(Moq publisherMoq, MoqSession watcher, String name) throws Exception {
        BroadcastProducer broadcast = new BroadcastProducer();
        TrackProducer track = broadcast.createTrack(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
        publisherMoq.publish(name, broadcast.consume());
        BroadcastConsumer b = watcher.subscribe(name, Duration.ofSeconds(10));
        assertThat(b).as("%s announced to the watcher in the same scope", name).isNotNull();
        try (TrackConsumer video = b.subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO))) {
            Thread writer = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 100 && !Thread.currentThread().isInterrupted(); i++) {
                    GroupProducer g = track.appendGroup();
                    g.writeFrame(("frame " + i).getBytes(StandardCharsets.UTF_8));
                    g.close();
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            GroupConsumer g = video.nextGroup(Duration.ofSeconds(10));
            assertThat(g).isNotNull();
            assertThat(new String(g.readFrame(Duration.ofSeconds(10)), StandardCharsets.UTF_8)).startsWith("frame ");
            writer.interrupt();
        }
    }

    @Test
    void publishOverQuicWatchOverWebSocketAndTheOtherWayRoundInTheURLsScope() throws Exception {
        try (Moq quic = client(); Moq ws = client()) {
            MoqSession q = connect(quic, "moql://127.0.0.1:" + quicPort + "/demo");
            MoqSession w = connect(ws, "wss://127.0.0.1:" + wsPort + "/demo");
            assertThat(q.connection().binding()).isEqualTo("quic");
            assertThat(q.version().setup()).as("lite-05 carries the scope in SETUP").isTrue();
            assertThat(w.connection().binding()).isEqualTo("websocket");
            flows(quic, w, "from-quic");
            flows(ws, q, "from-ws");
            // the QUIC client's scope is /demo (its SETUP Path), not the root: a root watcher sees demo/…
            try (Moq root = client()) {
                MoqSession r = connect(root, "wss://127.0.0.1:" + wsPort + "/");
                assertThat(r.subscribe("demo/from-quic", Duration.ofSeconds(10))).isNotNull();
            }
        }
    }

    @Test
    void httpsRacesBothAndTheOneThatAnswersWinsWithoutWaitingForTheOther() throws Exception {
        try (Moq moq = client()) {
            // nothing listens on TCP at the QUIC port: QUIC wins
            MoqSession q = connect(moq, "https://127.0.0.1:" + quicPort + "/race");
            assertThat(q.connection().binding()).isEqualTo("quic");
            // nothing answers QUIC at the WebSocket port (a UDP socket that never replies): WebSocket wins,
            // long before QUIC's 10 s handshake timeout
            try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", wsPort))) {
                long t0 = System.nanoTime();
                MoqSession w = connect(moq, "https://127.0.0.1:" + wsPort + "/race");
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.printf("[race] WebSocket won after %d ms with QUIC unanswered%n", ms);
                assertThat(w.connection().binding()).isEqualTo("websocket");
                assertThat(ms).isLessThan(5_000);
            }
        }
    }

    @Test
    void neitherTransportIsOneErrorNamingBoth() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        try (Moq moq = client()) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> connect(moq, "https://127.0.0.1:" + closed + "/x?jwt=secret"))
                    .isInstanceOf(ExecutionException.class)
                    .cause().hasMessageContaining("neither transport reached it").hasMessageContaining("QUIC: ")
                    .hasMessageContaining("WebSocket: ").message().doesNotContain("secret");
            System.out.printf("[race] neither: failed after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            // a QUIC server whose certificate does not chain to the trust store (Parley's Ed25519 identity only)
            try (Endpoint plain = Endpoint.bind(EndpointConfig.loopback(Identity.generate()))) {
                java.util.function.Consumer<dev.parley.net.transport.Connection> refuse = c -> c.close();
                plain.register("moq-lite-05", refuse);
                assertThatThrownBy(() -> connect(moq, "moql://127.0.0.1:" + plain.localAddress().getPort() + "/"))
                        .cause().hasMessageContaining("QUIC to 127.0.0.1:");
            }
        }
    }
}
