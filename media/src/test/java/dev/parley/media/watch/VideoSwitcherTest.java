package dev.parley.media.watch;

import dev.parley.media.codec.VideoPreset;
import dev.parley.media.frame.LatestMailbox;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.hang.Catalog;
import dev.parley.media.hang.MediaTimeline;
import dev.parley.media.hang.VideoRendition;
import dev.parley.media.playout.AudioClock;
import dev.parley.media.publish.LocalMedia;
import dev.parley.media.publish.PublishOptions;
import dev.parley.net.moq.model.BroadcastConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The switcher driven the way its actor drives it (retired pipelines handed back on the test thread), on
 * a real publication through the moq model: with the lowest rendition on standby, a cut to it shows it at
 * once, and a cut to a middle rung shows the standby as a bridge until the middle rung's first frame.
 */
@Timeout(60)
class VideoSwitcherTest {
    private static final String LOW = "video/h264-180p";
    private static final String MID = "video/h264-360p";
    private static final String HIGH = "video/h264-720p";

    @Test
    void aCutToTheStandbyShowsItAtOnceAndACutToAMiddleRungBridgesThroughIt() throws Exception {
        PublishOptions opts = PublishOptions.defaults().withEncoder("libx264")
                .withPresets(VideoPreset.P180, VideoPreset.P360, VideoPreset.P720);
        try (LocalMedia local = LocalMedia.withTestSources(opts)) {
            BroadcastConsumer broadcast = local.broadcast().consume();
            Catalog catalog = local.catalog();
            LatestMailbox<VideoFrame> mailbox = LatestMailbox.forFrames();
            LinkedBlockingQueue<VideoDecodePipeline> retired = new LinkedBlockingQueue<>();
            VideoSwitcher video = new VideoSwitcher(mailbox, new AudioClock(), new LiveEdge(500), Duration.ofMillis(500),
                    new AtomicLong(), new RecordingTap(), () -> MediaTimeline.UNKNOWN, retired::add);
            try {
                video.standBy(new VideoSwitcher.Standby(LOW, rendition(catalog, LOW), broadcast));
                assertThat(video.standbyTrack()).isEqualTo(LOW);
                show(video, catalog, broadcast, HIGH, false);
                List<Integer> heights = frames(video, mailbox, retired, 20);
                assertThat(heights).as("720p shows").contains(720);
                assertThat(video.state().current()).isEqualTo(HIGH);
                assertThat(video.standbyTrack()).as("the lowest stays on standby").isEqualTo(LOW);

                // a step down to the standby: shown at its next frame, no new subscription
                long cut = System.nanoTime();
                show(video, catalog, broadcast, LOW, true);
                int first = firstFrameOf(video, mailbox, retired, 180);
                double ms = (System.nanoTime() - cut) / 1e6;
                System.out.printf("cut to the standby: 180p on screen after %.0f ms (%d frames)%n", ms, first);
                assertThat(ms).as("the standby is already decoding").isLessThan(1000);
                assertThat(video.standbyTrack()).as("it is current now").isNull();

                // up to 720p again (the 180p reader goes back on standby when the gate retires it)
                show(video, catalog, broadcast, HIGH, false);
                frames(video, mailbox, retired, 10);
                await(() -> drain(video, retired) && LOW.equals(video.standbyTrack()), "180p back on standby");

                // a cut to a middle rung: the standby bridges until 360p's first frame
                show(video, catalog, broadcast, MID, true);
                List<Integer> after = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!after.contains(360) && System.nanoTime() < deadline) {
                    after.addAll(frames(video, mailbox, retired, 1));
                }
                System.out.println("cut to a middle rung: heights " + after);
                assertThat(after.getFirst()).as("the bridge: the standby's picture first").isEqualTo(180);
                assertThat(after).as("then the middle rung").contains(360);
                assertThat(after.subList(after.indexOf(360), after.size())).containsOnly(360);
                await(() -> drain(video, retired) && LOW.equals(video.standbyTrack()), "the bridge back on standby");
                assertThat(video.state().current()).isEqualTo(MID);
            } finally {
                video.close();
                broadcast.close();
            }
        }
    }

    private static VideoRendition rendition(Catalog c, String track) {
        return c.videoRenditions().get(track);
    }

    private static void show(VideoSwitcher video, Catalog c, BroadcastConsumer b, String track, boolean cut) {
        video.show(track, rendition(c, track), b, System.nanoTime() / 1_000_000, cut);
    }

    // Hands retired pipelines back as the actor does; always true (for use in conditions).
    private static boolean drain(VideoSwitcher video, LinkedBlockingQueue<VideoDecodePipeline> retired) {
        for (VideoDecodePipeline p; (p = retired.poll()) != null; ) {
            video.retired(p);
        }
        return true;
    }

    private static List<Integer> frames(VideoSwitcher video, LatestMailbox<VideoFrame> mailbox,
                                        LinkedBlockingQueue<VideoDecodePipeline> retired, int n) throws InterruptedException {
        List<Integer> heights = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (heights.size() < n && System.nanoTime() < deadline) {
            drain(video, retired);
            VideoFrame f = mailbox.take(100, TimeUnit.MILLISECONDS);
            if (f != null) {
                try (f) {
                    heights.add(f.height());
                }
            }
        }
        drain(video, retired);
        return heights;
    }

    private static int firstFrameOf(VideoSwitcher video, LatestMailbox<VideoFrame> mailbox,
                                    LinkedBlockingQueue<VideoDecodePipeline> retired, int height) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            List<Integer> f = frames(video, mailbox, retired, 1);
            if (f.contains(height)) {
                return i;
            }
        }
        throw new AssertionError("no " + height + "p frame");
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
