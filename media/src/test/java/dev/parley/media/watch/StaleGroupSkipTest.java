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
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frames further than the max latency behind live: a late GOP is abandoned once a newer GOP has
 * started (its keyframe takes over), but with nothing newer its late frames still play, because
 * dropping them would only freeze the picture until the next keyframe.
 */
@Timeout(60)
class StaleGroupSkipTest {
    private final TestPatternSource pattern = new TestPatternSource(640, 360, 30);
    private final TrackProducer track = new TrackProducer(new TrackInfo("video/h264-180p", TrackInfo.PRIORITY_VIDEO));
    private final LatestMailbox<VideoFrame> mailbox = LatestMailbox.forFrames();
    private final FrameGate gate = new FrameGate(mailbox, p -> { });
    private final LiveEdge edge = new LiveEdge(150);
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong stalled = new AtomicLong();
    private final VideoDecodePipeline pipeline = new VideoDecodePipeline("t", gate, new AudioClock(), edge, PixelFormat.BGRA);
    private final H264Encoder enc = H264Encoder.open(H264Encoder.SOFTWARE, new VideoEncoderConfig(320, 180, 30, 150_000, 1000));
    private int frameNo;

    StaleGroupSkipTest() {
        gate.start(pipeline);
    }

    @AfterEach
    void tearDown() {
        enc.close();
        pipeline.close();
        track.close();
        mailbox.close();
    }

    /** One GOP of real H.264: a keyframe, then P-frames. */
    private List<EncodedVideo> gop(int frames) {
        enc.requestKeyframe();
        List<EncodedVideo> units = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            try (VideoFrame f = VideoFrame.allocate(640, 360, PixelFormat.I420, Clock.nowMicros(), null)) {
                pattern.render(f, frameNo++);
                units.addAll(enc.encode(f));
            }
        }
        assertThat(units).hasSize(frames);
        assertThat(units.getFirst().keyframe()).isTrue();
        return units;
    }

    private static void write(GroupProducer g, EncodedVideo u, long timestampMicros) {
        g.writeFrame(new LegacyFrame(timestampMicros, u.data()).encode());
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void aLateGopIsAbandonedForANewerGopThatHasStarted() throws Exception {
        assertThat(lateGopThenFreshGop(pipeline)).as("the rest of GOP 0 skipped").isEqualTo(1);
        assertThat(pipeline.decodedFrames()).as("GOP 0's keyframe and all of GOP 1").isEqualTo(7);
    }

    @Test
    void aDeclaredJitterWidensTheAllowanceSoTheLateGopStillPlays() throws Exception {
        VideoDecodePipeline jittery = new VideoDecodePipeline("j", dev.parley.media.codec.VideoCodec.H264, null, 1000,
                gate, new AudioClock(), edge, PixelFormat.BGRA);
        gate.start(jittery);
        try {
            assertThat(lateGopThenFreshGop(jittery)).as("500 ms late is within 150 ms + 1000 ms of jitter").isZero();
            assertThat(jittery.decodedFrames()).isEqualTo(12);
        } finally {
            jittery.close();
        }
    }

    /** GOP 0 with its P-frames 500 ms behind live, GOP 1 on time and already started; the groups skipped. */
    private long lateGopThenFreshGop(VideoDecodePipeline into) throws Exception {
        TrackConsumer consumer = track.consume().maxLatency(Duration.ofMillis(500));
        long now = Clock.nowMicros();
        // GOP 0: an on-time keyframe, then P-frames that show up 500 ms behind live
        GroupProducer late = track.appendGroup();
        List<EncodedVideo> a = gop(6);
        write(late, a.getFirst(), now);
        for (EncodedVideo u : a.subList(1, a.size())) {
            write(late, u, now - 500_000);
        }
        late.close();
        // GOP 1 has started on time, so there is something better to show
        GroupProducer fresh = track.appendGroup();
        for (EncodedVideo u : gop(6)) {
            write(fresh, u, Clock.nowMicros());
        }
        fresh.close();
        try (VideoTrackReader reader = new VideoTrackReader(consumer, into, edge, skipped, stalled, new RecordingTap())) {
            await(() -> into.decodedFrames() >= 7 && (skipped.get() > 0 || into.decodedFrames() >= 12));
            Thread.sleep(100);
        }
        assertThat(stalled.get()).isZero();
        return skipped.get();
    }

    @Test
    void lateFramesWithNothingNewerStillPlayInsteadOfFreezing() throws Exception {
        List<Long> lateTail = new ArrayList<>();
        try (VideoTrackReader reader = new VideoTrackReader(track.consume(), pipeline, edge, skipped, stalled, new RecordingTap())) {
            for (int n = 0; n < 3; n++) {
                GroupProducer g = track.appendGroup();
                List<EncodedVideo> units = gop(6);
                write(g, units.getFirst(), Clock.nowMicros());
                for (EncodedVideo u : units.subList(1, units.size())) {
                    Thread.sleep(33);
                    if (n != 1) {
                        write(g, u, Clock.nowMicros()); // on time
                    }
                }
                if (n == 1) {
                    Thread.sleep(400); // the rest of this GOP was stuck in the network, and nothing newer exists yet
                    for (EncodedVideo u : units.subList(1, units.size())) {
                        lateTail.add(u.timestampMicros());
                        write(g, u, u.timestampMicros()); // stamped when captured: 400+ ms behind live
                    }
                    int decodedBefore = 6 + 1 + lateTail.size();
                    await(() -> pipeline.decodedFrames() >= decodedBefore);
                }
                g.close();
                Thread.sleep(33);
            }
            await(() -> pipeline.decodedFrames() >= 18);
        }
        assertThat(skipped.get()).as("nothing newer to jump to: nothing skipped").isZero();
        assertThat(pipeline.decodedFrames()).as("every frame decoded, the late ones too").isEqualTo(18);
        assertThat(pipeline.skipped()).isZero();
    }
}
