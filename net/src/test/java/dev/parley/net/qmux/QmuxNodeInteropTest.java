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
        // 3 MiB: beyond the client's 256 KiB stream and 1 MiB connection windows, so the transfer only
        // completes if we respect them and the client's MAX_STREAM_DATA / MAX_DATA updates are honoured.
        byte[] huge = new byte[3 << 20];
        new java.util.Random(11).nextBytes(huge);
        List<List<byte[]>> video = List.of(
                List.of(legacyFrame(0, "key".getBytes()), legacyFrame(33_333, "d1".getBytes())),
                List.of(legacyFrame(66_666, big), legacyFrame(99_999, "d2".getBytes())),
                List.of(legacyFrame(133_332, huge)));
        RawLiteResponder responder = new RawLiteResponder("demo", Map.of(
                "catalog.json", List.of(List.of(catalog.getBytes(StandardCharsets.UTF_8))),
                "video/hd", video));
        try (QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), responder::serve)) {
            List<String> lines = node.get().run(Duration.ofSeconds(60), "subscribe.mjs",
                    "ws://127.0.0.1:" + server.port() + "/", "demo", "video/hd", "3", "30000");
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
            assertThat(frames).as(transcript).hasSize(5);
            for (int i = 0; i < 5; i++) {
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

    /** wss:// with a certificate generated here, which Node trusts through NODE_EXTRA_CA_CERTS. */
    @Test
    void realClientOverWssWithGeneratedCertificate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        Optional<NodeInterop> node = NodeInterop.available();
        Assumptions.assumeTrue(node.isPresent(), NodeInterop::unavailableReason);
        QmuxTlsTest.SelfSigned id = QmuxTlsTest.selfSigned();
        java.nio.file.Path pem = tmp.resolve("ca.pem");
        java.nio.file.Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(id.cert().getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        var tls = io.netty.handler.ssl.SslContextBuilder.forServer(id.keys().getPrivate(), id.cert()).build();
        String catalog = "{\"video\":{\"renditions\":{}}}";
        List<List<byte[]>> video = List.of(List.of(legacyFrame(0, new byte[30_000])));
        RawLiteResponder responder = new RawLiteResponder("secure", Map.of(
                "catalog.json", List.of(List.of(catalog.getBytes(StandardCharsets.UTF_8))), "video/hd", video));
        try (QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), Optional.of(tls),
                QmuxConfig.defaults(), responder::serve);
             NodeInterop.Run js = node.get().start(Map.of("NODE_EXTRA_CA_CERTS", pem.toString()), "subscribe.mjs",
                     "wss://127.0.0.1:" + server.port() + "/", "secure", "video/hd", "1", "30000")) {
            js.waitFor(Duration.ofSeconds(60));
            List<JsonNode> ev = js.events();
            assertThat(ev).as(js.transcript()).isNotEmpty();
            assertThat(ev.getFirst().path("protocol").asText()).isEqualTo("moq-lite-03");
            JsonNode frame = ev.stream().filter(e -> e.path("event").asText().equals("frame")).findFirst()
                    .orElseThrow(() -> new AssertionError(js.transcript()));
            assertThat(frame.path("sha256").asText()).isEqualTo(sha256(video.getFirst().getFirst()));
            assertThat(ev.getLast().path("event").asText()).as(js.transcript()).isEqualTo("done");
        }
    }

    /** The reverse direction: the real client publishes, a hand-written moq-lite-03 subscriber on the server side reads. */
    @Test
    void realClientPublishesAndRawSubscriberOnTheServerReadsFrames() throws Exception {
        Optional<NodeInterop> node = NodeInterop.available();
        Assumptions.assumeTrue(node.isPresent(), NodeInterop::unavailableReason);
        java.util.concurrent.LinkedBlockingQueue<QmuxConnection> accepted = new java.util.concurrent.LinkedBlockingQueue<>();
        try (QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), accepted::add);
             NodeInterop.Run js = node.get().start("publish.mjs", "ws://127.0.0.1:" + server.port() + "/", "cam", "3", "3", "30000")) {
            QmuxConnection conn = accepted.poll(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(conn).as(js.transcript()).isNotNull();
            assertThat(js.awaitEvent("published", Duration.ofSeconds(20))).as(js.transcript()).isPresent();
            // The client opens a probe stream on every session: accept it and keep it open.
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        conn.acceptBidi();
                    }
                } catch (InterruptedException | RuntimeException e) {
                    // session over
                }
            });
            var announce = conn.openBidi();
            ByteArrayOutputStream please = new ByteArrayOutputStream();
            please.write(0x01);
            please.writeBytes(RawLiteResponder.framed(new byte[] {0})); // prefix ""
            announce.send().write(please.toByteArray());
            announce.send().flush();
            RawLiteResponder.ByteArrayInput ann = new RawLiteResponder.ByteArrayInput(RawLiteResponder.readMessage(announce.recv()));
            assertThat(ann.u8()).isEqualTo(1);
            assertThat(ann.string()).isEqualTo("cam");

            List<List<byte[]>> catalog = subscribe(conn, 0, "cam", "catalog.json", 100, 1);
            assertThat(new String(catalog.getFirst().getFirst(), StandardCharsets.UTF_8)).contains("\"video/hd\"", "avc1.64001f");
            List<List<byte[]>> video = subscribe(conn, 1, "cam", "video/hd", 60, 3);
            List<JsonNode> sent = new java.util.ArrayList<>();
            for (int i = 0; i < 9; i++) {
                sent.add(js.awaitEvent("sent", Duration.ofSeconds(10)).orElseThrow(() -> new AssertionError(js.transcript())));
            }
            int frames = 0;
            for (List<byte[]> g : video) {
                for (byte[] f : g) {
                    String sha = sha256(f);
                    assertThat(sent).as("frame of %d bytes", f.length).anyMatch(e -> e.path("sha256").asText().equals(sha));
                    frames++;
                }
            }
            assertThat(frames).isEqualTo(9);
            assertThat(video).allSatisfy(g -> assertThat(g.getFirst()).hasSizeGreaterThan(40_000));
            conn.close(0, "done");
            assertThat(js.awaitEvent("closed", Duration.ofSeconds(10))).as(js.transcript()).isPresent();
        }
    }

    /** Sends SUBSCRIBE, checks SUBSCRIBE_OK, and reads {@code groups} group streams for it (frames per group). */
    static List<List<byte[]>> subscribe(QmuxConnection conn, long id, String path, String track, int priority, int groups)
            throws Exception {
        var sub = conn.openBidi();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        RawLiteResponder.writeVarint(body, id);
        RawLiteResponder.writeString(body, path);
        RawLiteResponder.writeString(body, track);
        body.write(priority);
        body.write(0);
        RawLiteResponder.writeVarint(body, 0);
        RawLiteResponder.writeVarint(body, 0);
        RawLiteResponder.writeVarint(body, 0);
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        msg.write(0x02);
        msg.writeBytes(RawLiteResponder.framed(body.toByteArray()));
        sub.send().write(msg.toByteArray());
        sub.send().flush();
        assertThat(RawLiteResponder.readVarint(sub.recv())).as("SUBSCRIBE_OK type").isZero();
        RawLiteResponder.readMessage(sub.recv());
        java.util.TreeMap<Long, List<byte[]>> bySequence = new java.util.TreeMap<>();
        for (int g = 0; g < groups; g++) {
            var uni = conn.acceptUni();
            assertThat(RawLiteResponder.readVarint(uni)).isZero();
            RawLiteResponder.ByteArrayInput hdr = new RawLiteResponder.ByteArrayInput(RawLiteResponder.readMessage(uni));
            assertThat(hdr.varint()).isEqualTo(id);
            long seq = hdr.varint();
            List<byte[]> frames = new java.util.ArrayList<>();
            while (true) {
                // A frame is a size varint and payload; FIN ends the group.
                byte[] first = new byte[1];
                int r = uni.read(first, 0, 1);
                if (r < 0) {
                    break;
                }
                int len = 1 << ((first[0] & 0xff) >> 6);
                long size = first[0] & 0x3f;
                for (int i = 1; i < len; i++) {
                    byte[] b = new byte[1];
                    uni.read(b, 0, 1);
                    size = (size << 8) | (b[0] & 0xff);
                }
                byte[] f = new byte[(int) size];
                int off = 0;
                while (off < f.length) {
                    off += uni.read(f, off, f.length - off);
                }
                frames.add(f);
            }
            bySequence.put(seq, frames);
        }
        return List.copyOf(bySequence.values());
    }
}
