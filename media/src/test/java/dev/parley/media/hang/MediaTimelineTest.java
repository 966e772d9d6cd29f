package dev.parley.media.hang;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MediaTimelineTest {
    static final long EPOCH = 1_796_000_000_000_000L; // a wall-clock µs in late 2026

    @Test
    void mediaTimeCountsFromTheEpochAndBack() {
        MediaTimeline t = MediaTimeline.startingAt(EPOCH);
        assertThat(t.toMedia(EPOCH)).isZero();
        assertThat(t.toMedia(EPOCH + 20_000)).isEqualTo(20_000);
        assertThat(t.toMedia(EPOCH - 5)).as("a frame captured before the start clamps to 0").isZero();
        assertThat(t.toCapture(t.toMedia(EPOCH + 123_456))).isEqualTo(EPOCH + 123_456);
        // 32-bit sample positions at 48 kHz hold ~12.4 h either way; a day of media time stays below 2^37 µs
        assertThat(t.toMedia(EPOCH + 86_400_000_000L)).isLessThan(1L << 37);
        assertThatThrownBy(() -> new MediaTimeline(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyCaptureTimesNearTheWallClockAreLatencies() {
        assertThat(MediaTimeline.onWallClock(EPOCH - 80_000, EPOCH)).isTrue();
        assertThat(MediaTimeline.onWallClock(new MediaTimeline(EPOCH - 9_000_000).toCapture(8_900_000), EPOCH)).isTrue();
        assertThat(MediaTimeline.onWallClock(5_000_000, EPOCH)).as("a foreign near-zero timeline").isFalse();
    }

    @Test
    void unknownTimelineLeavesTimestampsAsTheyCame() {
        assertThat(MediaTimeline.UNKNOWN.toCapture(EPOCH)).as("an old Parley publisher's epoch µs").isEqualTo(EPOCH);
        assertThat(MediaTimeline.UNKNOWN.toCapture(40_000)).as("another publisher's near-zero time").isEqualTo(40_000);
    }

    @Test
    void theCatalogCarriesTheEpochInItsOwnSectionAndStaysAValidHangCatalog() {
        Catalog c = Catalog.of(Map.of("video/h264-180p", VideoRendition.h264("avc1.42c00d", 320, 180, 300_000, 30)),
                Map.of("audio/opus", AudioRendition.opus(48_000, 1, 64_000))).withTimeline(MediaTimeline.startingAt(EPOCH));
        String json = new String(c.toJson(), StandardCharsets.UTF_8);
        assertThat(json).contains("\"parley\":{\"timelineEpochMicros\":" + EPOCH + "}");
        assertThat(CatalogSchema.validate(c.toJson())).isEmpty();
        Catalog back = Catalog.parse(c.toJson());
        assertThat(back.timeline()).isEqualTo(new MediaTimeline(EPOCH));
        assertThat(back.videoRenditions()).isEqualTo(c.videoRenditions());
    }

    @Test
    void aCatalogWithoutTheSectionHasAnUnknownTimeline() {
        byte[] foreign = "{\"video\":{\"renditions\":{\"v\":{\"codec\":\"avc1.42c00d\"}}},\"parley\":{\"other\":1}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(Catalog.parse(foreign).timeline()).isEqualTo(MediaTimeline.UNKNOWN);
        assertThat(Catalog.empty().timeline()).isEqualTo(MediaTimeline.UNKNOWN);
        assertThat(Catalog.empty().withTimeline(MediaTimeline.UNKNOWN).toString()).isEqualTo("{}");
        byte[] negative = "{\"parley\":{\"timelineEpochMicros\":-4}}".getBytes(StandardCharsets.UTF_8);
        assertThat(Catalog.parse(negative).timeline()).isEqualTo(MediaTimeline.UNKNOWN);
    }
}
