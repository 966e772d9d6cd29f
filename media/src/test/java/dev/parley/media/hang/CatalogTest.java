package dev.parley.media.hang;

import dev.parley.media.MediaException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogTest {
    static Catalog sample() {
        Map<String, VideoRendition> v = new LinkedHashMap<>();
        v.put("video/h264-180p", VideoRendition.h264("avc1.42c00d", 320, 180, 120_960, 30));
        v.put("video/h264-720p", VideoRendition.h264("avc1.42c01f", 1280, 720, 1_935_360, 30));
        return Catalog.of(v, Map.of("audio/opus", AudioRendition.opus(48_000, 1, 32_000)));
    }

    @Test
    void serialisesTheHangShapeAndPassesTheSchema() {
        byte[] json = sample().toJson();
        String s = new String(json, StandardCharsets.UTF_8);
        assertThat(s).contains("\"video\":{\"renditions\":{\"video/h264-180p\":{\"codec\":\"avc1.42c00d\","
                + "\"container\":{\"kind\":\"legacy\"},\"codedWidth\":320,\"codedHeight\":180,\"bitrate\":120960,"
                + "\"framerate\":30.0,\"optimizeForLatency\":true}");
        assertThat(s).contains("\"audio\":{\"renditions\":{\"audio/opus\":{\"codec\":\"opus\",\"container\":{\"kind\":\"legacy\"},"
                + "\"sampleRate\":48000,\"numberOfChannels\":1,\"bitrate\":32000}}}");
        assertThat(s).doesNotContain("null");
        assertThat(CatalogSchema.validate(json)).isEmpty();
        assertThat(Catalog.parse(json)).isEqualTo(sample());
        assertThat(Catalog.parse(json).videoRenditions().keySet()).containsExactly("video/h264-180p", "video/h264-720p");
    }

    @Test
    void emptyCatalogIsAnEmptyObject() {
        assertThat(new String(Catalog.empty().toJson(), StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(Catalog.parse("{}".getBytes(StandardCharsets.UTF_8)).videoRenditions()).isEmpty();
    }

    @Test
    void schemaRejectsWrongTypesWithClearMessages() {
        String bad = """
                {"video":{"renditions":{"v":{"codec":7,"codedWidth":"wide","framerate":-1,"container":{"kind":"mp4"}}}},
                 "audio":{"renditions":{"a":{"codec":"opus","bitrate":1.5,"description":"abc"}}}}""";
        // framerate -1 and an unknown container kind are valid hang (the player skips such a rendition)
        assertThat(CatalogSchema.validate(bad.getBytes(StandardCharsets.UTF_8))).containsExactlyInAnyOrder(
                "video.renditions[\"v\"].codec must be a string",
                "video.renditions[\"v\"].codedWidth must be an integer in [0, 2^53)",
                "audio.renditions[\"a\"].description must be hex",
                "audio.renditions[\"a\"].bitrate must be an integer in [0, 2^53)",
                "audio.renditions[\"a\"].sampleRate is required",
                "audio.renditions[\"a\"].numberOfChannels is required");
        assertThatThrownBy(() -> Catalog.parse("[1,2]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MediaException.class).hasMessageContaining("root must be an object");
        assertThatThrownBy(() -> Catalog.parse(new byte[]{(byte) 0xff, 0x00}))
                .isInstanceOf(MediaException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> Catalog.parse("{\"video\":null}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MediaException.class).hasMessageContaining("video must be an object");
    }

    @Test
    void readsTheOldArrayFormsAndForeignContainers() {
        String old = """
                {"video":[{"track":{"name":"hd"},"config":{"codec":"avc1.64001f","codedWidth":1280.0,"codedHeight":720}}],
                 "audio":{"track":{"name":"mic"},"config":{"codec":"opus","sampleRate":48000,"numberOfChannels":2}}}""";
        Catalog c = Catalog.parse(old.getBytes(StandardCharsets.UTF_8));
        assertThat(c.videoRenditions().get("hd").codedWidth()).isEqualTo(1280);
        assertThat(c.audioRenditions().get("mic").numberOfChannels()).isEqualTo(2);
        String cmaf = """
                {"video":{"renditions":{"c":{"codec":"avc1.64001f","container":{"kind":"cmaf","init":"AAAA"}},
                 "f":{"codec":"av01.0.08M.08","container":{"kind":"future","x":1}}}}}""";
        Catalog f = Catalog.parse(cmaf.getBytes(StandardCharsets.UTF_8));
        assertThat(f.videoRenditions().get("c").containerKind()).isEqualTo("cmaf");
        assertThat(f.videoRenditions().get("f").containerKind()).isEqualTo("future");
    }

    @Test
    void acceptsForeignFieldsFromOtherPublishers() {
        String js = """
                {"video":{"renditions":{"video/hd":{"codec":"avc1.64001f","codedWidth":1280,"codedHeight":720,
                 "jitter":33,"displayAspectWidth":16,"displayAspectHeight":9}},"display":{"width":1280,"height":720}},
                 "user":{"name":"x"}}""";
        Catalog c = Catalog.parse(js.getBytes(StandardCharsets.UTF_8));
        assertThat(c.videoRenditions().get("video/hd").containerKind()).isEqualTo("legacy");
        assertThat(c.videoRenditions().get("video/hd").pixels()).isEqualTo(1280 * 720);
    }

    @Test
    void carriesThePublishersNameAsHangsUserSection() {
        Catalog named = sample().withUserName("  Ada Lovelace ");
        String s = new String(named.toJson(), StandardCharsets.UTF_8);
        assertThat(s).contains("\"user\":{\"name\":\"Ada Lovelace\"}");
        assertThat(CatalogSchema.validate(named.toJson())).isEmpty();
        assertThat(Catalog.parse(named.toJson())).isEqualTo(named);
        assertThat(Catalog.parse(named.toJson()).userName()).contains("Ada Lovelace");
        assertThat(new String(sample().withUserName(" ").toJson(), StandardCharsets.UTF_8)).doesNotContain("user");
        assertThat(sample().userName()).isEmpty();
    }

    @Test
    void aUserSectionOfAnotherShapeIsReadPastNotRefused() {
        for (String user : new String[] {"\"x\"", "{\"name\":7}", "[1]", "{\"avatar\":\"a.png\",\"color\":\"#fff\"}"}) {
            Catalog c = Catalog.parse(("{\"user\":" + user + "}").getBytes(StandardCharsets.UTF_8));
            assertThat(c.userName()).as(user).isEmpty();
        }
        assertThat(Catalog.parse("{\"user\":{\"id\":\"u1\",\"name\":\"Grace\",\"avatar\":\"g.png\"}}"
                .getBytes(StandardCharsets.UTF_8)).userName()).contains("Grace");
    }
}
