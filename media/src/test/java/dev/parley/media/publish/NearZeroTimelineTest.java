package dev.parley.media.publish;

import dev.parley.media.codec.VideoPreset;
import dev.parley.media.hang.Catalog;
import dev.parley.media.hang.LegacyFrame;
import dev.parley.media.hang.MediaTimeline;
import dev.parley.media.source.Clock;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Parley broadcast's wire timestamps start near zero, audio and video on one clock, and the catalog
 * names the wall-clock time of media time 0 (real encoders, read straight off the moq model).
 */
@Timeout(60)
class NearZeroTimelineTest {

    @Test
    void wireTimestampsStartNearZeroOnOneClockAndTheCatalogNamesTheirEpoch() throws Exception {
        long before = Clock.nowMicros();
        PublishOptions opts = PublishOptions.defaults().withEncoder("libx264").withPresets(VideoPreset.P180);
        try (LocalMedia local = LocalMedia.withTestSources(opts)) {
            BroadcastConsumer consumer = local.broadcast().consume();
            TrackConsumer cat = consumer.subscribe(new TrackInfo(Catalog.TRACK, 100));
            Catalog catalog = Catalog.parse(cat.nextGroup(Duration.ofSeconds(5)).readFrame(Duration.ofSeconds(5)));
            MediaTimeline timeline = catalog.timeline();
            long after = Clock.nowMicros();
            assertThat(timeline.epochMicros()).as("media time 0 is when the broadcast started")
                    .isBetween(before, after);

            TrackConsumer video = consumer.subscribe(new TrackInfo(VideoPreset.P180.trackName(), TrackInfo.PRIORITY_VIDEO));
            TrackConsumer audio = consumer.subscribe(new TrackInfo(HangPublication.AUDIO_TRACK, TrackInfo.PRIORITY_AUDIO));
            long firstVideo = firstTimestamp(video);
            long firstAudio = firstTimestamp(audio);
            long now = Clock.nowMicros();
            System.out.printf("[timeline] first video %d µs, first audio %d µs, epoch %d%n", firstVideo, firstAudio,
                    timeline.epochMicros());
            // near zero: the encoders start on subscription, within seconds of the broadcast
            assertThat(firstVideo).isBetween(0L, 10_000_000L);
            assertThat(firstAudio).isBetween(0L, 10_000_000L);
            // one clock: both are capture times on the same timeline, taken moments apart
            assertThat(Math.abs(firstVideo - firstAudio)).isLessThan(2_000_000L);
            // and epoch + media time is the capture time, in the past but recent
            assertThat(timeline.toCapture(firstVideo)).isBetween(before, now);
            assertThat(timeline.toCapture(firstAudio)).isBetween(before, now);
        }
    }

    private static long firstTimestamp(TrackConsumer track) {
        GroupConsumer g = track.nextGroup(Duration.ofSeconds(20));
        assertThat(g).as("a group of " + track.info().name()).isNotNull();
        byte[] frame = g.readFrame(Duration.ofSeconds(10));
        assertThat(frame).isNotNull();
        long ts = LegacyFrame.decode(frame).timestampMicros();
        assertThat(g.timestamp(0)).as("the moq-level timestamp (lite-05) matches the hang one").isEqualTo(ts);
        return ts;
    }
}
