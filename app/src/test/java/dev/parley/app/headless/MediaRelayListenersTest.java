package dev.parley.app.headless;

import dev.parley.app.cli.MediaRelayFlags;
import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.net.quic.WebPkiClient;
import dev.parley.net.testing.TestCa;
import dev.parley.net.transport.Connection;
import org.junit.jupiter.api.io.TempDir;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.qmux.QmuxClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code parley relay}'s media relay: it serves a public prefix, refuses the rest, and bad input is a clear error. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MediaRelayListenersTest {
    private static MediaRelayFlags publicAt(String... prefixes) {
        return new MediaRelayFlags(new InetSocketAddress("127.0.0.1", 0), List.of(prefixes), List.of(), null);
    }

    @Test
    void servesAPublicPrefixAndRefusesTheRest() throws Exception {
        try (MediaRelayListeners r = MediaRelayListeners.start(publicAt("/demo"), null, null);
             QmuxClient client = new QmuxClient()) {
            String url = r.url("127.0.0.1");
            assertThat(url).startsWith("ws://127.0.0.1:").endsWith("/");
            assertThat(r.webSocket().getPort()).isEqualTo(r.endpoint().localAddress().getPort());
            MoqSession ok = MoqSession.start(client.connect(url + "demo"));
            MoqSession refused = MoqSession.start(client.connect(url + "private"));
            assertThat(refused.closed().get(10, TimeUnit.SECONDS).toString()).contains("not public");
            Thread.sleep(Duration.ofMillis(200));
            assertThat(ok.isClosed()).isFalse();
            ok.close();
        }
    }

    @Test
    void theRelayKeepsItsIdentityInItsKeyFile(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("state").resolve("relay.key");
        MediaRelayFlags flags = new MediaRelayFlags(new InetSocketAddress("127.0.0.1", 0), List.of("/"), List.of(), null, key);
        EndpointId first;
        try (MediaRelayListeners r = MediaRelayListeners.start(flags, null, null)) {
            first = r.endpoint().id();
        }
        assertThat(key).exists();
        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (MediaRelayListeners r = MediaRelayListeners.start(flags, null, null)) {
            assertThat(r.endpoint().id()).as("the same identity after a restart").isEqualTo(first);
        }
        try (MediaRelayListeners r = MediaRelayListeners.start(publicAt("/"), null, null)) {
            assertThat(r.endpoint().id()).as("without a key file, a new one").isNotEqualTo(first);
        }
    }

    /**
     * With a certificate the relay's raw QUIC also speaks standard WebPKI TLS: a moq-lite client that
     * trusts only a test CA and checks the name publishes, and a Parley client (Ed25519) watches.
     */
    @Test
    void aWebPkiQuicClientPublishesThroughTheRelay(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create("Parley test CA");
        TestCa.Issued cert = ca.issue(dir, "relay.test", "127.0.0.1");
        try (MediaRelayListeners r = MediaRelayListeners.start(publicAt("/"), cert.chain(), cert.key());
             WebPkiClient web = new WebPkiClient();
             Endpoint parley = Endpoint.bind(EndpointConfig.loopback(Identity.generate()))) {
            assertThat(r.url("127.0.0.1")).startsWith("wss://");
            List<String> alpns = dev.parley.net.moq.relay.RelayConfig.DEFAULT.alpns();
            Connection conn = web.connect(r.endpoint().localAddress(), "relay.test", ca.root(), alpns.toArray(String[]::new))
                    .get(10, TimeUnit.SECONDS);
            assertThat(conn.protocol()).isEqualTo(alpns.getFirst());
            MoqSession publisher = MoqSession.start(conn);
            BroadcastProducer broadcast = new BroadcastProducer();
            TrackProducer track = broadcast.createTrack(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
            publisher.publish("webpki", broadcast.consume());

            MoqSession watcher = MoqSession.start(parley.connect(r.endpoint().addr(), alpns).get(10, TimeUnit.SECONDS));
            assertThat(watcher.remoteId()).contains(r.endpoint().id());
            BroadcastConsumer b = watcher.subscribe("webpki", Duration.ofSeconds(10));
            assertThat(b).as("the WebPKI client's announce reaches the Parley client").isNotNull();
            try (TrackConsumer video = b.subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO))) {
                Thread writer = Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 50 && !Thread.currentThread().isInterrupted(); i++) {
                        GroupProducer g = track.appendGroup();
                        g.writeFrame(("frame " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        g.close();
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                GroupConsumer g = video.nextGroup(Duration.ofSeconds(10));
                assertThat(new String(g.readFrame(Duration.ofSeconds(10)), java.nio.charset.StandardCharsets.UTF_8)).startsWith("frame ");
                writer.interrupt();
            }
            watcher.close();
            publisher.close();
        }
    }

    @Test
    void badOptionsAreClearErrors() {
        assertThatThrownBy(() -> MediaRelayListeners.start(publicAt(), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--public PREFIX and/or --jwt-key");
        assertThatThrownBy(() -> MediaRelayListeners.start(publicAt("/a/../b"), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dot segment");
    }
}
