package dev.parley.media.hang;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.media.codec.VideoPreset;
import dev.parley.media.publish.LocalMedia;
import dev.parley.media.publish.PublishOptions;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.qmux.QmuxServer;
import dev.parley.net.testing.NodeInterop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Parley broadcast watched by the hang web player's own npm packages ({@code @moq/watch 0.4.6},
 * {@code @moq/hang 0.3.5}, {@code @moq/net 0.2.8}) in Node ({@code src/test/js/watch.mjs}): a real
 * {@link LocalMedia} (test pattern + 1 kHz tone, libx264, Opus) published by a real moq-lite session (lite-05, what the clients negotiate)
 * over QMux/WebSocket on loopback. The script reports what the player's catalog loader, rendition
 * choice and container reader produced, plus an independent look at the bitstream; this test asserts
 * on it. Without Node the test is skipped locally and fails in CI ({@link NodeInterop#require}).
 */
@Timeout(180)
class HangPlayerInteropTest {
    static final String BROADCAST = "room/alice.hang";
    static final int VIDEO_GROUPS = 3;
    static final int AUDIO_FRAMES = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** JSON equality where 30 and 30.0 are the same number (Jackson writes doubles, JS prints integers). */
    static final Comparator<JsonNode> NUMERIC = (a, b) -> a.isNumber() && b.isNumber()
            ? Double.compare(a.asDouble(), b.asDouble()) : a.equals(b) ? 0 : 1;

    static List<JsonNode> events(List<JsonNode> all, String name) {
        return all.stream().filter(e -> name.equals(e.path("event").asText())).toList();
    }

    static JsonNode single(List<JsonNode> all, String name, String transcript) {
        List<JsonNode> found = events(all, name);
        assertThat(found).as("event " + name + " in\n" + transcript).hasSize(1);
        return found.getFirst();
    }

    static List<Integer> ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asInt).toList();
    }

    @Test
    void hangWebPlayerPackagesWatchAParleyBroadcast() throws Exception {
        NodeInterop node = NodeInterop.require("media", "watch.mjs");
        PublishOptions opts = PublishOptions.defaults().withEncoder("libx264")
                .withPresets(VideoPreset.P180, VideoPreset.P360);
        try (LocalMedia local = LocalMedia.withTestSources(opts);
             QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0),
                     conn -> MoqSession.start(conn).publish(BROADCAST, local.broadcast().consume()));
             NodeInterop.Run js = node.start("watch.mjs", "ws://127.0.0.1:" + server.port() + "/", BROADCAST,
                     String.valueOf(VIDEO_GROUPS), String.valueOf(AUDIO_FRAMES), "90000")) {
            int exit = js.waitFor(Duration.ofSeconds(120));
            String transcript = js.transcript();
            List<JsonNode> ev = js.events();
            System.out.println("[hang-player] exit " + exit + ", " + ev.size() + " events; non-frame events:");
            ev.stream().filter(e -> !e.path("event").asText().endsWith("-frame")).forEach(e -> System.out.println("  " + e));
            assertThat(ev).as(transcript).isNotEmpty();
            assertThat(ev.getLast().path("event").asText()).as(transcript).isEqualTo("done");
            assertThat(exit).as(transcript).isZero();

            // Connection: @moq/net 0.2.8's default connect offers lite-05 first; Parley selects qmux-00.moq-lite-05.
            assertThat(single(ev, "connected", transcript).path("version").asText()).isEqualTo("moq-lite-05");

            // Catalog: hang's zod RootSchema accepts it, and @moq/watch's loader yields our catalog.
            JsonNode schema = single(ev, "catalog-schema", transcript);
            assertThat(schema.path("success").asBoolean()).as("zod: " + schema.path("problems").asText()).isTrue();
            JsonNode schema02 = single(ev, "catalog-schema-0.2", transcript);
            assertThat(schema02.path("success").asBoolean()).as("hang 0.2.16 zod: " + schema02.path("problems").asText()).isTrue();
            Catalog published = local.catalog();
            JsonNode ours = JSON.readTree(published.toJson());
            // Parley's own section (the media timeline's epoch) passes the player's schema untouched
            assertThat(schema.path("raw").path("parley").path("timelineEpochMicros").asLong()).isPositive();
            JsonNode theirs = single(ev, "catalog", transcript).path("json");
            assertThat(theirs.equals(NUMERIC, ours)).as("player catalog " + theirs + "\nvs ours " + ours).isTrue();

            // Rendition choice: with no target the player takes the largest picture.
            String largest = published.videoRenditions().entrySet().stream()
                    .max(Comparator.comparingLong((Map.Entry<String, VideoRendition> e) -> e.getValue().pixels())
                            .thenComparingLong(e -> e.getValue().bitrateOrZero()))
                    .orElseThrow().getKey();
            JsonNode selected = single(ev, "video-selected", transcript);
            assertThat(selected.path("track").asText()).isEqualTo(largest);
            VideoRendition rendition = published.videoRenditions().get(largest);
            JsonNode decoderConfig = single(ev, "video-decoder-config", transcript).path("config");
            assertThat(decoderConfig.path("codec").asText()).isEqualTo(rendition.codec());
            assertThat(decoderConfig.has("description")).as("no description: WebCodecs reads Annex-B").isFalse();

            assertVideo(events(ev, "video-frame"), rendition, transcript);
            assertAudio(ev, published, transcript);
        }
    }

    /** The newest moq-lite client, @moq/net 0.3.4, with its default connect (it offers lite-05/04/03). */
    @Test
    void newestMoqNetClientSubscribesToAParleyBroadcast() throws Exception {
        NodeInterop node = NodeInterop.require("media", "watch.mjs");
        PublishOptions opts = PublishOptions.defaults().withEncoder("libx264").withPresets(VideoPreset.P180);
        try (LocalMedia local = LocalMedia.withTestSources(opts);
             QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0),
                     conn -> MoqSession.start(conn).publish(BROADCAST, local.broadcast().consume()));
             NodeInterop.Run js = node.start("net034.mjs", "ws://127.0.0.1:" + server.port() + "/", BROADCAST,
                     VideoPreset.P180.trackName(), "2", "60000")) {
            int exit = js.waitFor(Duration.ofSeconds(90));
            String transcript = js.transcript();
            List<JsonNode> ev = js.events();
            assertThat(ev).as(transcript).isNotEmpty();
            assertThat(ev.getLast().path("event").asText()).as(transcript).isEqualTo("done");
            assertThat(exit).as(transcript).isZero();
            assertThat(single(ev, "connected", transcript).path("version").asText()).isEqualTo("moq-lite-05");
            JsonNode catalog = single(ev, "catalog", transcript);
            assertThat(catalog.path("success").asBoolean()).isTrue();
            assertThat(catalog.path("json").equals(NUMERIC, JSON.readTree(local.catalog().toJson()))).isTrue();
            List<JsonNode> frames = events(ev, "frame");
            assertThat(frames.stream().map(f -> f.path("group").asInt()).distinct().count()).isEqualTo(2);
            assertThat(frames).allSatisfy(f -> assertThat(ints(f.path("nals"))).isNotEmpty());
            assertThat(frames.stream().filter(f -> f.path("index").asInt() == 0))
                    .allSatisfy(f -> assertThat(ints(f.path("nals"))).contains(7, 8, 5));
            for (int i = 1; i < frames.size(); i++) {
                assertThat(frames.get(i).path("timestamp").asLong()).isGreaterThan(frames.get(i - 1).path("timestamp").asLong());
            }
        }
    }

    private static void assertVideo(List<JsonNode> frames, VideoRendition rendition, String transcript) {
        Map<Integer, List<JsonNode>> groups = new LinkedHashMap<>();
        frames.forEach(f -> groups.computeIfAbsent(f.path("group").asInt(), g -> new ArrayList<>()).add(f));
        assertThat(groups).as(transcript).hasSizeGreaterThanOrEqualTo(VIDEO_GROUPS);
        String suffix = rendition.codec().substring("avc1.".length());
        long last = -1;
        for (Map.Entry<Integer, List<JsonNode>> g : groups.entrySet()) {
            List<JsonNode> gf = g.getValue();
            JsonNode key = gf.getFirst();
            List<Integer> nals = ints(key.path("nals"));
            // Each group opens with an IDR access unit carrying its SPS and PPS in band (Annex-B).
            assertThat(key.path("keyframe").asBoolean()).as("group %d starts with a keyframe", g.getKey()).isTrue();
            assertThat(nals).as("group %d keyframe NAL types", g.getKey()).contains(7, 8, 5);
            assertThat(nals.indexOf(7)).isLessThan(nals.indexOf(5));
            assertThat(nals.indexOf(8)).isLessThan(nals.indexOf(5));
            JsonNode sps = key.path("sps");
            assertThat(sps.path("codecSuffix").asText()).as("codec string matches the SPS").isEqualToIgnoringCase(suffix);
            assertThat(sps.path("width").asInt()).as("SPS width").isEqualTo(rendition.codedWidth());
            assertThat(sps.path("height").asInt()).as("SPS height").isEqualTo(rendition.codedHeight());
            for (JsonNode f : gf.subList(1, gf.size())) {
                assertThat(f.path("keyframe").asBoolean()).isFalse();
                assertThat(ints(f.path("nals"))).as("delta frame NAL types %s", f).isNotEmpty().doesNotContain(5, 7);
            }
            for (JsonNode f : gf) {
                long ts = f.path("timestamp").asLong();
                assertThat(ts).as("timestamps increase: %s", f).isGreaterThan(last);
                last = ts;
            }
        }
        assertThat(frames.stream().skip(1)).as("the player saw no gap after the first frame")
                .allSatisfy(f -> assertThat(f.path("continuous").asBoolean()).isTrue());
    }

    private static void assertAudio(List<JsonNode> ev, Catalog published, String transcript) {
        JsonNode selected = single(ev, "audio-selected", transcript);
        assertThat(selected.path("track").asText()).isEqualTo(published.audioRenditions().keySet().iterator().next());
        AudioRendition rendition = published.audioRenditions().get(selected.path("track").asText());
        // the first rendition is Parley's 10 ms one and says so; the player adds one 128-sample render quantum
        assertThat(rendition.jitter()).as("declared audio jitter (ms)").isEqualTo(10L);
        assertThat(selected.path("jitter").asDouble()).as("the player's audio jitter (ms)").isEqualTo(13.0);
        long packetMicros = rendition.jitter() * 1000;
        List<JsonNode> frames = events(ev, "audio-frame");
        assertThat(frames).hasSize(AUDIO_FRAMES);
        int irregular = 0;
        for (int i = 0; i < frames.size(); i++) {
            JsonNode toc = frames.get(i).path("toc");
            assertThat(toc.path("durationMs").asDouble()).as("Opus packet duration").isEqualTo(packetMicros / 1000.0);
            assertThat(toc.path("stereo").asBoolean()).isEqualTo(rendition.numberOfChannels() == 2);
            if (i > 0) {
                long step = frames.get(i).path("timestamp").asLong() - frames.get(i - 1).path("timestamp").asLong();
                // The player writes each packet's samples at round(timestamp × rate) in its ring buffer,
                // so a timestamp that is not exactly the previous one + a packet is a gap or an overlap.
                if (step != packetMicros) {
                    irregular++;
                }
            }
        }
        // AudioTimeline may resync to the read clock when the source starts irregularly or loses
        // samples under load; three resyncs in 50 packets is the allowance.
        assertThat(irregular).as("audio timestamps off the packet grid: %s",
                frames.stream().map(f -> f.path("timestamp").asLong()).toList()).isLessThanOrEqualTo(3);
        // Decoded by the libav.js Opus polyfill the player itself loads where WebCodecs is missing.
        JsonNode decoded = single(ev, "audio-decoded", transcript);
        assertThat(decoded.path("error").isMissingNode() || decoded.path("error").isNull()).as(decoded.toString()).isTrue();
        assertThat(decoded.path("outputs").asInt()).isEqualTo(AUDIO_FRAMES);
        assertThat(decoded.path("sampleRate").asInt()).isEqualTo(rendition.sampleRate());
        assertThat(decoded.path("channels").asInt()).isEqualTo(rendition.numberOfChannels());
        assertThat(decoded.path("peak").asDouble()).as("audible").isGreaterThan(0.1);
        assertThat(decoded.path("frequency").asDouble()).as("the 1 kHz test tone").isBetween(990.0, 1010.0);
    }
}
