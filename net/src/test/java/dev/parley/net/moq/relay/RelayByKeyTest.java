package dev.parley.net.moq.relay;

import dev.parley.net.identity.Identity;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.session.Moq;
import dev.parley.net.moq.session.MoqRelayUrl;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.quic.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A relay named by its Ed25519 key ({@code moql://<endpoint-id>@host:port/scope}): raw QUIC from a Parley
 * endpoint, the handshake checking the relay's key instead of a certificate; for a client and for a relay's
 * upstream link. A wrong key is refused by the handshake, not taken for the relay.
 */
@Timeout(60)
class RelayByKeyTest {
    private static String keyed(RelayFixture f, String id, String scope) {
        return "moql://" + id + "@127.0.0.1:" + f.endpoint.localAddress().getPort() + scope;
    }

    /** Writes a group a frame every 50 ms on {@code name}'s video track until the returned thread is interrupted. */
    private static Thread publish(Moq moq, String name) {
        BroadcastProducer broadcast = new BroadcastProducer();
        TrackProducer track = broadcast.createTrack(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
        moq.publish(name, broadcast.consume());
        return Thread.ofVirtual().start(() -> {
            for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                track.appendGroupWithFrame(("frame " + i).getBytes(StandardCharsets.UTF_8));
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private static String firstFrame(MoqSession watcher, String name) {
        BroadcastConsumer b = watcher.subscribe(name, Duration.ofSeconds(10));
        assertThat(b).as("%s announced", name).isNotNull();
        try (TrackConsumer video = b.subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO))) {
            GroupConsumer g = video.nextGroup(Duration.ofSeconds(10));
            assertThat(g).isNotNull();
            return new String(g.readFrame(Duration.ofSeconds(10)), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aClientReachesARelayByItsKeyAndPublishesInTheUrlsScope() throws Exception {
        try (RelayFixture f = new RelayFixture(ScopeResolver.open())) {
            Endpoint client = f.clientEndpoint();
            try (Moq moq = Moq.attach(client)) {
                MoqRelayUrl url = MoqRelayUrl.parse(keyed(f, f.endpoint.id().hex(), "/demo"));
                MoqSession s = moq.connect(url).get(20, TimeUnit.SECONDS);
                assertThat(s.connection().binding()).isEqualTo("quic");
                assertThat(s.remoteId()).contains(f.endpoint.id());
                assertThat(s.version().setup()).as("lite-05 carries the scope in SETUP").isTrue();
                Thread writer = publish(moq, "cam");
                try {
                    assertThat(firstFrame(f.ws("/demo"), "cam")).startsWith("frame ");
                } finally {
                    writer.interrupt();
                }
            }
        }
    }

    @Test
    void anotherKeyAtTheRelaysAddressIsRefused() throws Exception {
        try (RelayFixture f = new RelayFixture(ScopeResolver.open());
             Moq moq = Moq.attach(f.clientEndpoint())) {
            String impostor = Identity.generate().id().hex();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> moq.connect(MoqRelayUrl.parse(keyed(f, impostor, "/"))).get(20, TimeUnit.SECONDS))
                    .satisfies(e -> System.out.println("[relay-by-key] wrong key: " + e.getMessage()))
                    .hasMessageNotContaining("did not answer");
            System.out.printf("[relay-by-key] refused after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        }
    }

    @Test
    void aRelayLinksToAnUpstreamRelayByItsKey() throws Exception {
        try (RelayFixture upstream = new RelayFixture(ScopeResolver.open());
             RelayFixture edge = new RelayFixture(ScopeResolver.open())) {
            edge.closeLater(edge.relay.connectUpstream(MoqRelayUrl.parse(keyed(upstream, upstream.endpoint.id().hex(), "/"))));
            try (Moq publisher = Moq.attach(upstream.clientEndpoint())) {
                publisher.connect(MoqRelayUrl.parse(keyed(upstream, upstream.endpoint.id().hex(), "/"))).get(20, TimeUnit.SECONDS);
                Thread writer = publish(publisher, "far");
                try {
                    assertThat(firstFrame(edge.ws("/"), "far")).as("published at the upstream, watched at the edge").startsWith("frame ");
                } finally {
                    writer.interrupt();
                }
            }
        }
    }
}
