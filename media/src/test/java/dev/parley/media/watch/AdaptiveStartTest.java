package dev.parley.media.watch;

import dev.parley.media.codec.VideoPreset;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.playout.NullAudioSink;
import dev.parley.media.publish.LocalMedia;
import dev.parley.media.publish.PublishOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An adaptive watch of a real publication (test pattern, libx264, three renditions) through the moq
 * model: the first picture is the lowest rendition's, the start rendition (720p for {@code auto}) follows
 * without a gap, and the lowest stays subscribed on standby; a step down to it shows it at once, and a
 * fixed choice keeps no standby.
 */
@Timeout(60)
class AdaptiveStartTest {
    @Test
    void startsOnTheLowestThenShowsTheStartRenditionWithTheLowestOnStandby() throws Exception {
        PublishOptions opts = PublishOptions.defaults().withEncoder("libx264")
                .withPresets(VideoPreset.P180, VideoPreset.P360, VideoPreset.P720);
        try (LocalMedia local = LocalMedia.withTestSources(opts);
             RemoteMedia remote = new RemoteMedia(local.broadcast().consume(),
                     WatchOptions.defaults().withChoice(RenditionChoice.auto()).withAudioSink(new NullAudioSink()))) {
            List<Integer> heights = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && heights.stream().filter(h -> h == 720).count() < 30) {
                VideoFrame f = remote.takeFrame(Duration.ofMillis(200));
                if (f != null) {
                    try (f) {
                        heights.add(f.height());
                    }
                }
            }
            System.out.println("adaptive start: first " + heights.getFirst() + "p, first 720p frame at #"
                    + heights.indexOf(720) + " of " + heights.size());
            assertThat(heights).as("frames seen").isNotEmpty();
            assertThat(heights.getFirst()).as("the first picture is the cheapest keyframe").isEqualTo(180);
            assertThat(heights.stream().filter(h -> h == 720).count()).as("then the start rendition").isGreaterThanOrEqualTo(30);
            int first720 = heights.indexOf(720);
            assertThat(heights.subList(first720, heights.size())).as("no going back once 720p shows").containsOnly(720);
            assertThat(remote.rendition()).isEqualTo("video/h264-720p");
            assertThat(remote.standbyTrack()).as("the lowest rendition on standby").isEqualTo("video/h264-180p");

            // a fixed choice drops the standby; back to auto keeps the shown rendition and stands the lowest by again
            remote.choose(RenditionChoice.of(RenditionChoice.Quality.HIGH));
            await(() -> remote.standbyTrack() == null, "no standby for a fixed choice");
            remote.choose(RenditionChoice.auto());
            await(() -> "video/h264-180p".equals(remote.standbyTrack()), "standby again under auto");
            assertThat(remote.rendition()).isEqualTo("video/h264-720p");
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
