package dev.parley.net.qmux;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.net.testing.NodeInterop;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The QMux server against the real {@code @moq/lite@0.2.2} client (with {@code @moq/qmux@0.0.6}), with
 * a hand-written moq-lite-03 responder so the transport is verified independently of the session code.
 */
@Timeout(120)
class QmuxNodeInteropTest {

    static byte[] legacyFrame(long timestampMicros, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RawLiteResponder.writeVarint(out, timestampMicros);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void realClientReadsAnnounceCatalogAndChunkedFramesFromRawResponder() throws Exception {
        Optional<NodeInterop> node = NodeInterop.available();
        Assumptions.assumeTrue(node.isPresent(), NodeInterop::unavailableReason);

        String catalog = "{\"video\":{\"renditions\":{\"video/hd\":{\"codec\":\"avc1.64001f\",\"container\":{\"kind\":\"legacy\"}}}}}";
        byte[] big = new byte[50_000]; // three QMux frames: exercises chunking and the client's 16360-byte limit
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7);
        }
        List<List<byte[]>> video = List.of(
                List.of(legacyFrame(0, "key".getBytes()), legacyFrame(33_333, "d1".getBytes())),
                List.of(legacyFrame(66_666, big), legacyFrame(99_999, "d2".getBytes())));
        RawLiteResponder responder = new RawLiteResponder("demo", Map.of(
                "catalog.json", List.of(List.of(catalog.getBytes(StandardCharsets.UTF_8))),
                "video/hd", video));
        try (QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), responder::serve)) {
            List<String> lines = node.get().run(Duration.ofSeconds(60), "subscribe.mjs",
                    "ws://127.0.0.1:" + server.port() + "/", "demo", "video/hd", "2", "30000");
            List<JsonNode> ev = NodeInterop.events(lines);
            String transcript = String.join("\n", lines) + "\nresponder saw: " + responder.seen;
            System.out.println("[node-interop] raw responder transcript:\n" + transcript);
            assertThat(ev).as(transcript).isNotEmpty();
            assertThat(ev.getFirst().path("protocol").asText()).as(transcript).isEqualTo("moq-lite-03");
            assertThat(ev.getFirst().path("version").asText()).isEqualTo("moq-lite-03");
            assertThat(ev).as(transcript).anyMatch(e -> e.path("event").asText().equals("announced")
                    && e.path("path").asText().equals("demo") && e.path("active").asBoolean());
            JsonNode cat = ev.stream().filter(e -> e.path("event").asText().equals("catalog")).findFirst().orElseThrow();
            assertThat(cat.path("json").toString()).isEqualTo(catalog);

            List<JsonNode> frames = ev.stream().filter(e -> e.path("event").asText().equals("frame")).toList();
            assertThat(frames).as(transcript).hasSize(4);
            for (int i = 0; i < 4; i++) {
                byte[] expected = video.get(i / 2).get(i % 2);
                JsonNode f = frames.get(i);
                assertThat(f.path("group").asInt()).isEqualTo(i / 2);
                assertThat(f.path("size").asInt()).isEqualTo(expected.length);
                assertThat(f.path("sha256").asText()).isEqualTo(sha256(expected));
            }
            assertThat(frames.get(1).path("timestamp").asLong()).isEqualTo(33_333);
            assertThat(frames.get(0).path("hex").asText()).isEqualTo(HexFormat.of().formatHex(video.get(0).get(0)));
            assertThat(ev.getLast().path("event").asText()).as(transcript).isEqualTo("done");
            // The probe stream was opened by the client and kept open by us.
            assertThat(responder.seen).contains("stream-type:4", "announce-please:", "subscribe:0:demo:catalog.json:100",
                    "subscribe:1:demo:video/hd:60");
        }
    }
}
