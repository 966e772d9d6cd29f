package dev.parley.media.hang;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.net.testing.NodeInterop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CatalogSchema} against the real zod schema of {@code @moq/hang} 0.3.5 (what the hang web
 * player applies) on catalogs at every edge of the schema: both must accept and reject the same ones,
 * and {@link Catalog#parse} must read every accepted one. The {@code @moq/hang} 0.2.16 verdicts are
 * checked to differ only where documented.
 */
@Timeout(120)
class CatalogSchemaAgreementTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static String v(String rendition) {
        return "{\"video\":{\"renditions\":{\"v\":" + rendition + "}}}";
    }

    static String a(String rendition) {
        return "{\"audio\":{\"renditions\":{\"a\":" + rendition + "}}}";
    }

    static final String H264 = "\"codec\":\"avc1.42c01f\"";
    static final String OPUS = "\"codec\":\"opus\",\"sampleRate\":48000,\"numberOfChannels\":2";

    /** Catalogs whose verdict @moq/hang 0.2.16 gives differently from 0.3.5 (see CatalogSchema). */
    static final List<String> OLD_SCHEMA_DIFFERS = List.of(
            v("{" + H264 + ",\"description\":\"zz\"}"), v("{" + H264 + ",\"description\":\"abc\"}"),
            a("{" + OPUS + ",\"description\":\"4f7\"}"),
            v("{" + H264 + ",\"container\":{\"kind\":\"future\"}}"),
            v("{" + H264 + ",\"container\":{\"kind\":\"future\",\"x\":[1]}}"),
            v("{" + H264 + ",\"broadcast\":5}"));

    static List<String> corpus() {
        List<String> c = new ArrayList<>(List.of(
                new String(CatalogTest.sample().toJson(), StandardCharsets.UTF_8),
                "{}", "[]", "5", "null", "{\"user\":{\"name\":\"x\"},\"chat\":[1]}",
                "{\"video\":null}", "{\"audio\":null}", "{\"video\":{}}", "{\"video\":{\"renditions\":{}}}",
                "{\"video\":{\"renditions\":[]}}", "{\"video\":\"x\"}", "{\"audio\":{}}", "{\"audio\":[]}",
                "{\"video\":{\"renditions\":{\"\":{" + H264 + "}}}}",
                "{\"video\":{\"renditions\":{\"v\":5}}}",
                "{\"video\":[{\"track\":{\"name\":\"v\"},\"config\":{" + H264 + "}}]}",
                "{\"video\":[]}",
                "{\"video\":[{\"track\":{},\"config\":{" + H264 + "}}]}",
                "{\"video\":[{\"track\":{\"name\":\"v\"},\"config\":{\"codedWidth\":1}}]}",
                "{\"audio\":{\"track\":{\"name\":\"a\"},\"config\":{" + OPUS + "}}}",
                "{\"audio\":{\"track\":{\"name\":\"a\"},\"config\":{\"codec\":\"opus\"}}}",
                "{\"video\":{\"renditions\":{},\"display\":{\"width\":1280,\"height\":720},\"rotation\":90.5,\"flip\":true}}",
                "{\"video\":{\"renditions\":{},\"display\":{\"width\":1280}}}",
                "{\"video\":{\"renditions\":{},\"display\":{\"width\":-1,\"height\":2}}}",
                "{\"video\":{\"renditions\":{},\"display\":null}}",
                "{\"video\":{\"renditions\":{},\"rotation\":\"90\"}}",
                "{\"video\":{\"renditions\":{},\"flip\":1}}"));
        c.addAll(List.of(
                v("{" + H264 + "}"), v("{}"), v("{\"codec\":\"\"}"), v("{\"codec\":7}"), v("{\"codec\":null}"),
                v("{" + H264 + ",\"container\":{\"kind\":\"legacy\"}}"),
                v("{" + H264 + ",\"container\":{\"kind\":\"legacy\",\"extra\":1}}"),
                v("{" + H264 + ",\"container\":{\"kind\":\"loc\"}}"),
                v("{" + H264 + ",\"container\":{\"kind\":\"cmaf\",\"init\":\"AAAA\"}}"),
                v("{" + H264 + ",\"container\":{\"kind\":\"cmaf\",\"init\":\"\"}}"),
                v("{" + H264 + ",\"container\":{\"kind\":\"cmaf\"}}"),
                v("{" + H264 + ",\"container\":{\"kind\":\"cmaf\",\"init\":\"not base64!\"}}"),
                v("{" + H264 + ",\"container\":{}}"), v("{" + H264 + ",\"container\":{\"kind\":3}}"),
                v("{" + H264 + ",\"container\":null}"), v("{" + H264 + ",\"container\":\"legacy\"}"),
                v("{" + H264 + ",\"description\":\"0142c01f\"}"), v("{" + H264 + ",\"description\":\"0142C01F\"}"),
                v("{" + H264 + ",\"description\":\"\"}"), v("{" + H264 + ",\"broadcast\":\"../other\"}"),
                v("{" + H264 + ",\"description\":7}"),
                v("{" + H264 + ",\"codedWidth\":640,\"codedHeight\":360}"), v("{" + H264 + ",\"codedWidth\":640.0}"),
                v("{" + H264 + ",\"codedWidth\":640.5}"), v("{" + H264 + ",\"codedWidth\":-1}"),
                v("{" + H264 + ",\"codedWidth\":\"640\"}"), v("{" + H264 + ",\"codedWidth\":null}"),
                v("{" + H264 + ",\"bitrate\":9007199254740991}"), v("{" + H264 + ",\"bitrate\":9007199254740992}"),
                v("{" + H264 + ",\"displayAspectWidth\":16,\"displayAspectHeight\":9}"),
                v("{" + H264 + ",\"framerate\":29.97}"), v("{" + H264 + ",\"framerate\":-1}"),
                v("{" + H264 + ",\"framerate\":0}"), v("{" + H264 + ",\"framerate\":\"30\"}"),
                v("{" + H264 + ",\"optimizeForLatency\":false}"), v("{" + H264 + ",\"optimizeForLatency\":\"yes\"}"),
                v("{" + H264 + ",\"jitter\":33}"), v("{" + H264 + ",\"jitter\":-33}"), v("{" + H264 + ",\"jitter\":1.5}"),
                v("{" + H264 + ",\"timeline\":{\"track\":\"v.timeline.z\"}}"),
                v("{" + H264 + ",\"timeline\":{\"track\":\"t\",\"timescale\":1000,\"wall\":5}}"),
                v("{" + H264 + ",\"timeline\":{\"timescale\":1000}}"), v("{" + H264 + ",\"timeline\":{\"track\":\"t\",\"wall\":-1}}"),
                v("{" + H264 + ",\"unknownField\":{\"a\":1}}"),
                a("{" + OPUS + "}"), a("{\"codec\":\"opus\",\"sampleRate\":48000}"), a("{\"codec\":\"opus\",\"numberOfChannels\":1}"),
                a("{" + OPUS + ",\"bitrate\":32000,\"jitter\":20}"), a("{" + OPUS + ",\"bitrate\":-1}"),
                a("{\"codec\":\"opus\",\"sampleRate\":48000.5,\"numberOfChannels\":1}"),
                a("{" + OPUS + ",\"description\":\"4f707573\"}"),
                a("{" + OPUS + ",\"container\":{\"kind\":\"loc\"}}"), a("{" + OPUS + ",\"codedWidth\":\"x\"}"),
                a("{" + OPUS + ",\"sampleRate\":null}")));
        c.addAll(OLD_SCHEMA_DIFFERS);
        return c;
    }

    @Test
    void parleyAndHangAcceptAndRejectTheSameCatalogs(@TempDir Path tmp) throws Exception {
        NodeInterop node = NodeInterop.require("media", "schema.mjs");
        List<String> corpus = corpus();
        Path file = tmp.resolve("corpus.json");
        Files.writeString(file, JSON.writeValueAsString(corpus));
        NodeInterop.Run js = node.start("schema.mjs", file.toString());
        int exit = js.waitFor(Duration.ofSeconds(60));
        List<JsonNode> verdicts = js.events().stream().filter(e -> e.path("event").asText().equals("schema")).toList();
        assertThat(exit).as(js.transcript()).isZero();
        assertThat(verdicts).as(js.transcript()).hasSize(corpus.size());
        List<String> disagreements = new ArrayList<>();
        List<String> oldDiffers = new ArrayList<>();
        int accepted = 0;
        for (JsonNode verdict : verdicts) {
            String text = corpus.get(verdict.path("index").asInt());
            boolean hang = verdict.path("v035").asBoolean();
            List<String> ours = CatalogSchema.validate(text.getBytes(StandardCharsets.UTF_8));
            if (hang != ours.isEmpty()) {
                disagreements.add(text + "\n    hang: " + hang + " " + verdict.path("problems").asText() + "\n    parley: " + ours);
            }
            if (hang) {
                accepted++;
                Catalog.parse(text.getBytes(StandardCharsets.UTF_8)); // must not throw
            }
            if (verdict.path("v0216").asBoolean() != hang) {
                oldDiffers.add(text);
            }
        }
        assertThat(disagreements).as("catalogs where Parley's schema and @moq/hang 0.3.5 disagree").isEmpty();
        assertThat(accepted).as("the corpus has both verdicts").isBetween(10, corpus.size() - 10);
        assertThat(oldDiffers).as("@moq/hang 0.2.16 differs only where documented").containsExactlyInAnyOrderElementsOf(OLD_SCHEMA_DIFFERS);
    }
}
