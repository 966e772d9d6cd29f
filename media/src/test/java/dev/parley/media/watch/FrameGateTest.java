package dev.parley.media.watch;

import dev.parley.media.frame.LatestMailbox;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.playout.AudioClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The gate's switching rules, driven frame by frame (the pipelines' decode threads stay idle). */
class FrameGateTest {
    private final List<VideoFrame> shown = new ArrayList<>();
    private final List<VideoDecodePipeline> retired = new ArrayList<>();
    private final LatestMailbox<VideoFrame> mailbox = new LatestMailbox<>(VideoFrame::close);
    private final FrameGate gate = new FrameGate(mailbox, retired::add);
    private final LiveEdge edge = new LiveEdge(150);
    private final VideoDecodePipeline low = pipeline("low");
    private final VideoDecodePipeline high = pipeline("high");

    @AfterEach
    void close() {
        low.close();
        high.close();
    }

    @Test
    void aPendingRenditionThatRunsBehindTakesOverOnlyOnceItCatchesUp() throws Exception {
        gate.start(low);
        deliver(low, 640, 1_000_000);
        deliver(low, 640, 1_033_000);
        gate.start(high);
        deliver(high, 1280, 900_000); // its keyframe, 133 ms older than what is on screen
        assertThat(gate.active()).isSameAs(low);
        assertThat(gate.pending()).isSameAs(high);
        deliver(low, 640, 1_066_000);
        deliver(high, 1280, 1_066_000); // caught up: not older than the last frame shown
        assertThat(gate.active()).isSameAs(high);
        assertThat(retired).containsExactly(low);
        deliver(low, 640, 1_100_000); // the retired pipeline's late frame is released, not shown
        deliver(high, 1280, 1_100_000);
        assertThat(shown).extracting(VideoFrame::width).containsExactly(640, 640, 640, 1280, 1280);
        assertThat(shown).extracting(VideoFrame::captureMicros).isSorted();
        assertThat(gate.switches()).isEqualTo(1);
    }

    @Test
    void aPendingRenditionOnAnotherTimelineIsTakenAtOnce() throws Exception {
        gate.start(low);
        deliver(low, 640, 50_000_000);
        gate.start(high);
        deliver(high, 1280, 1_000); // 50 s behind: not the same clock, waiting would never end
        assertThat(gate.active()).isSameAs(high);
        assertThat(shown).extracting(VideoFrame::width).containsExactly(640, 1280);
    }

    @Test
    void clearingForgetsTheTimeline() throws Exception {
        gate.start(low);
        deliver(low, 640, 2_000_000);
        gate.clear();
        gate.start(high);
        deliver(high, 1280, 1_500_000);
        assertThat(gate.active()).isSameAs(high);
        assertThat(shown).extracting(VideoFrame::width).containsExactly(640, 1280);
    }

    /** Delivers a frame and takes what the gate passed, as a renderer would. */
    private void deliver(VideoDecodePipeline from, int width, long micros) throws InterruptedException {
        gate.deliver(from, VideoFrame.allocate(width, 2, PixelFormat.BGRA, micros, null));
        VideoFrame passed = mailbox.take(0, TimeUnit.MILLISECONDS);
        if (passed != null) {
            shown.add(passed);
            passed.close();
        }
    }

    private VideoDecodePipeline pipeline(String name) {
        return new VideoDecodePipeline(name, gate, new AudioClock(), edge, PixelFormat.BGRA);
    }
}
