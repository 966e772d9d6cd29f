package dev.parley.media.watch;

import dev.parley.media.codec.EncodedVideo;
import dev.parley.media.codec.H264Encoder;
import dev.parley.media.codec.VideoEncoderConfig;
import dev.parley.media.frame.LatestMailbox;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.hang.LegacyFrame;
import dev.parley.media.playout.AudioClock;
import dev.parley.media.source.Clock;
import dev.parley.media.source.TestPatternSource;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A GOP whose frames arrive 400 ms late is abandoned; the next on-time GOP plays. */
@Timeout(60)
class StaleGroupSkipTest {
    @Test
    void framesFurtherThanMaxLatencyBehindLiveSkipTheRestOfTheirGroup() throws Exception {
        TestPatternSource pattern = new TestPatternSource(640, 360, 30);
        VideoEncoderConfig cfg = new VideoEncoderConfig(320, 180, 30, 150_000, 1000);
        TrackProducer track = new TrackProducer(new TrackInfo("video/h264-180p", TrackInfo.PRIORITY_VIDEO));
        LatestMailbox<VideoFrame> mailbox = LatestMailbox.forFrames();
        List<Long> shown = new ArrayList<>();
        FrameGate gate = new FrameGate(mailbox, p -> { });
        LiveEdge edge = new LiveEdge(150);
        AtomicLong skipped = new AtomicLong();
        VideoDecodePipeline pipeline = new VideoDecodePipeline("t", gate, new AudioClock(), edge, PixelFormat.BGRA);
        gate.start(pipeline);
        Thread collector = Thread.ofPlatform().start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    VideoFrame f = mailbox.take(100, TimeUnit.MILLISECONDS);
                    if (f != null) {
                        synchronized (shown) {
                            shown.add(f.captureMicros());
                        }
                        f.close();
                    }
                }
            } catch (InterruptedException e) {
                // done
            }
        });
        List<Long> lateTail = new ArrayList<>();
        try (H264Encoder enc = H264Encoder.open(H264Encoder.SOFTWARE, cfg);
             VideoTrackReader reader = new VideoTrackReader(track.consume(), pipeline, edge, skipped, new AtomicLong())) {
            for (int gop = 0; gop < 3; gop++) {
                enc.requestKeyframe();
                GroupProducer g = track.appendGroup();
                List<EncodedVideo> units = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    try (VideoFrame f = VideoFrame.allocate(640, 360, PixelFormat.I420, Clock.nowMicros(), null)) {
                        pattern.render(f, gop * 6 + i);
                        units.addAll(enc.encode(f));
                    }
                    if (gop != 1) {
                        g.writeFrame(new LegacyFrame(units.getLast().timestampMicros(), units.getLast().data()).encode());
                    } else if (i == 0) {
                        g.writeFrame(new LegacyFrame(units.getFirst().timestampMicros(), units.getFirst().data()).encode());
                    }
                    Thread.sleep(33);
                }
                if (gop == 1) {
                    Thread.sleep(400); // the rest of this GOP is stuck in the network
                    for (EncodedVideo u : units.subList(1, units.size())) {
                        lateTail.add(u.timestampMicros());
                        g.writeFrame(new LegacyFrame(u.timestampMicros(), u.data()).encode());
                    }
                }
                g.close();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pipeline.decodedFrames() < 13 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(200);
        } finally {
            collector.interrupt();
            collector.join();
            pipeline.close();
            track.close();
        }
        assertThat(skipped.get()).isEqualTo(1);
        synchronized (shown) {
            assertThat(shown).doesNotContainAnyElementsOf(lateTail);
            assertThat(shown).hasSizeGreaterThanOrEqualTo(8); // of 13 on-time frames (GOP 0, GOP 1 keyframe, GOP 2); a busy machine may drop a few in the mailbox
            assertThat(shown).isSorted();
        }
    }
}
