package dev.parley.net.qmux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.net.identity.Identity;
import dev.parley.net.moq.relay.MoqRelay;
import dev.parley.net.moq.relay.ScopeResolver;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.net.testing.NodeInterop;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.parley.net.qmux.MoqOverQmuxTest.CATALOG;
import static dev.parley.net.qmux.MoqOverQmuxTest.FRAMES;
import static dev.parley.net.qmux.MoqOverQmuxTest.GROUPS;
import static dev.parley.net.qmux.MoqOverQmuxTest.publishDemo;
import static dev.parley.net.qmux.MoqOverQmuxTest.videoFrame;
import static dev.parley.net.qmux.QmuxNodeInteropTest.sha256;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @moq/net} 0.3.4 in Node with its default connect, watching a Parley publisher through the Parley
 * relay: the publisher reaches the relay over raw QUIC, the npm client over WebSocket in a scope.
 */
@Timeout(120)
class RelayNodeInteropTest {

    @Test
    void netClientWatchesAParleyPublisherThroughTheRelay() throws Exception {
        Optional<NodeInterop> node = NodeInterop.available();
        Assumptions.assumeTrue(node.isPresent(), NodeInterop::unavailableReason);
        try (Endpoint relayEndpoint = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
             Endpoint publisherEndpoint = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
             MoqRelay relay = new MoqRelay(ScopeResolver.open()).attach(relayEndpoint)) {
            InetSocketAddress ws = relay.listenWebSocket(new InetSocketAddress("127.0.0.1", 0), Optional.empty());
            var connection = publisherEndpoint.connect(relayEndpoint.addr(), List.of("moq-lite-05", "moq-lite-04", "moq-lite-03"))
                    .get(10, TimeUnit.SECONDS);
            // lite-05 over raw QUIC: the scope travels in SETUP
            MoqSession publisher = MoqSession.start(connection, dev.parley.net.moq.session.SessionConfig.DEFAULT,
                    dev.parley.net.moq.session.SessionHooks.NONE.withSetupPath("/room"));
            publishDemo(publisher);
            List<String> lines = node.get().run(Duration.ofSeconds(60), "net-subscribe.mjs",
                    "ws://127.0.0.1:" + ws.getPort() + "/room", "demo", "video/hd", String.valueOf(GROUPS), "30000");
            String transcript = String.join("\n", lines);
            System.out.println("[node-interop] @moq/net through the relay:\n" + transcript);
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
                assertThat(f.path("moqTimestamp").asLong()).as(f.toString())
                        .isEqualTo((f.path("group").asLong() * FRAMES + f.path("index").asLong()) * 33_333);
            }
            assertThat(ev.getLast().path("event").asText()).as(transcript).isEqualTo("done");
            assertThat(relay.broadcasts()).extracting(p -> p.value()).containsExactly("room/demo");
            publisher.close();
        }
    }
}
