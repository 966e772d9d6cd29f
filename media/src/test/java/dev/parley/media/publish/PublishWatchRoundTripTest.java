package dev.parley.media.publish;

import dev.parley.media.codec.VideoPreset;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.hang.Catalog;
import dev.parley.media.hang.CatalogSchema;
import dev.parley.media.playout.JitterBuffer;
import dev.parley.media.playout.NullAudioSink;
import dev.parley.media.source.TimestampBarcode;
import dev.parley.media.stats.EncoderStats;
import dev.parley.media.stats.WatchStats;
import dev.parley.media.watch.RemoteMedia;
import dev.parley.media.watch.RenditionChoice;
import dev.parley.media.watch.WatchOptions;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** LocalMedia → moq model BroadcastProducer → RemoteMedia, in process with real FFmpeg. */
@Timeout(120)
class PublishWatchRoundTripTest {

    static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /**
     * The played blocks that carried decoded audio: the buffering silence (all-zero blocks) is left
     * out, and so is the block in front of each silent run after the start, which is the one frame an
     * underrun conceals before re-buffering (see JitterBuffer). The first five decoded blocks (100 ms,
     * the decoder's start-up) are left out too.
     */
    static List<short[]> decodedTone(List<short[]> heard) {
        List<short[]> blocks;
        synchronized (heard) {
            blocks = new ArrayList<>(heard);
        }
        List<short[]> decoded = new ArrayList<>();
        boolean started = false;
        for (int i = 0; i < blocks.size(); i++) {
            boolean silent = isSilent(blocks.get(i));
            started |= !silent;
            boolean concealsUnderrun = i + 1 < blocks.size() && isSilent(blocks.get(i + 1));
            if (started && !silent && !concealsUnderrun) {
                decoded.add(blocks.get(i));
            }
        }
        return decoded.subList(Math.min(5, decoded.size()), decoded.size());
    }

    static int samples(List<short[]> blocks) {
        return blocks.stream().mapToInt(b -> b.length).sum();
    }

    static boolean isSilent(short[] block) {
        for (short v : block) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    /** Zero-crossing frequency counted inside each block only, so joins between non-adjacent blocks add nothing. */
    static double frequencyWithinBlocks(List<short[]> blocks, int sampleRate) {
        long crossings = 0;
        long intervals = 0;
        for (short[] b : blocks) {
            for (int i = 1; i < b.length; i++) {
                if ((b[i - 1] < 0) != (b[i] < 0)) {
                    crossings++;
                }
            }
            intervals += b.length - 1;
        }
        return crossings / 2.0 / ((double) intervals / sampleRate);
    }

    static boolean running(LocalMedia m, VideoPreset p) {
        return m.stats().video().stream().filter(s -> s.track().equals(p.trackName()))
                .anyMatch(EncoderStats::running);
    }

    @Test
    void publishThroughTheModelAndWatchWithSwitchToggleAndAudio() throws Exception {
        PublishOptions opts = PublishOptions.defaults().withEncoder("libx264")
                .withPresets(VideoPreset.P180, VideoPreset.P360, VideoPreset.P720);
        List<short[]> heard = new ArrayList<>(); // every block the playout wrote, in order
        try (LocalMedia local = LocalMedia.withTestSources(opts)) {
            Catalog published = local.catalog();
            assertThat(CatalogSchema.validate(published.toJson())).isEmpty();
            assertThat(published.videoRenditions().keySet())
                    .containsExactly("video/h264-180p", "video/h264-360p", "video/h264-720p");
            assertThat(published.videoRenditions().get("video/h264-720p").codec()).matches("avc1\\.42c0[0-9a-f]{2}");
            assertThat(published.videoRenditions().get("video/h264-720p").bitrate()).isEqualTo(1_935_360L);
            assertThat(published.audioRenditions()).containsKey("audio/opus");
            assertThat(local.stats().video()).noneMatch(EncoderStats::running);

            BroadcastConsumer consumer = local.broadcast().consume();
            NullAudioSink sink = new NullAudioSink(pcm -> {
                synchronized (heard) {
                    heard.add(pcm.clone());
                }
            });
            try (RemoteMedia remote = new RemoteMedia(consumer,
                    WatchOptions.defaults().withChoice(RenditionChoice.of(RenditionChoice.Quality.HIGH)).withAudioSink(sink))) {
                // 1. 720p frames arrive, decoded to BGRA, barcode = capture time, monotonic
                List<long[]> frames = new ArrayList<>();
                while (frames.size() < 30) {
                    VideoFrame f = remote.takeFrame(Duration.ofSeconds(10));
                    assertThat(f).as("a frame within 10 s").isNotNull();
                    try (f) {
                        assertThat(f.format()).isEqualTo(PixelFormat.BGRA);
                        assertThat(f.data().isDirect()).isTrue();
                        frames.add(new long[]{f.width(), f.captureMicros(), TimestampBarcode.read(f)});
                    }
                }
                assertThat(frames).allSatisfy(f -> {
                    assertThat(f[0]).isEqualTo(1280);
                    assertThat(f[2]).isEqualTo(f[1] / 1000);
                });
                for (int i = 1; i < frames.size(); i++) {
                    assertThat(frames.get(i)[1]).isGreaterThan(frames.get(i - 1)[1]);
                }
                assertThat(running(local, VideoPreset.P720)).isTrue();
                assertThat(running(local, VideoPreset.P180)).as("unsubscribed renditions do not encode").isFalse();
                WatchStats ws = remote.stats();
                assertThat(ws.rendition()).isEqualTo("video/h264-720p");
                assertThat(ws.latencyMillis()).isBetween(0L, 1000L);

                // 2. audio: the 1 kHz tone comes out of the playout
                // Measured over the decoded blocks that were played, not a stretch of wall-clock output: on a
                // starved machine the jitter buffer may underrun, and the silence it plays while re-buffering
                // (plus the one concealed frame in front of it) says nothing about decoding the tone.
                await("half a second of decoded tone played", () -> samples(decodedTone(heard)) >= 24_000);
                List<short[]> tone = decodedTone(heard);
                assertThat(frequencyWithinBlocks(tone, 48_000)).as("tone over %d decoded blocks", tone.size())
                        .isBetween(990.0, 1010.0);
                assertThat(remote.stats().audioTargetMillis()).isBetween(JitterBuffer.MIN_TARGET_MS, JitterBuffer.MAX_TARGET_MS);
                await("audio buffer settles near its target and A/V offset within ±40 ms", () -> {
                    WatchStats s = remote.stats();
                    return s.audioBufferMillis() <= s.audioTargetMillis() + 80 && Math.abs(s.avOffsetMillis()) <= 40
                            && s.avOffsetMillis() != 0;
                });

                // 3. switch to 180p without a gap; the 720p encoder stops once nobody reads it
                long lastTs;
                try (VideoFrame before = remote.takeFrame(Duration.ofSeconds(5))) {
                    assertThat(before.width()).isEqualTo(1280);
                    lastTs = before.captureMicros();
                }
                long dropsBefore = remote.stats().framesDropped();
                remote.choose(RenditionChoice.of(RenditionChoice.Quality.LOW));
                List<long[]> after = new ArrayList<>(); // width, captureMicros, mailbox drops so far
                while (after.stream().filter(f -> f[0] == 320).count() < 15) {
                    VideoFrame f = remote.takeFrame(Duration.ofSeconds(10));
                    assertThat(f).isNotNull();
                    try (f) {
                        after.add(new long[]{f.width(), f.captureMicros(), remote.stats().framesDropped()});
                    }
                }
                // The switch adds no gap: 720p keeps coming until the 180p keyframe decodes, so the step from
                // the last 720p to the first 180p frame is no longer than an ordinary step (250 ms on a quiet
                // machine). On a starved machine ordinary steps grow too (late frames are skipped up to a
                // keyframe, encoders skip frames), which is not the switch's doing: the switch step is held to
                // the largest same-rendition step seen. If the mailbox replaced frames between the two frames
                // this reader took at the switch, frames were delivered in between and the step measures this
                // reader, not the switch.
                long steadyStep = 0;
                long switchStep = -1;
                boolean readerMissedSwitch = false;
                long prevWidth = 1280;
                long prevDrops = dropsBefore;
                for (long[] f : after) {
                    long step = f[1] - lastTs;
                    assertThat(step).as("capture times never go back (the two renditions share source frames)").isNotNegative();
                    if (f[0] != prevWidth) {
                        assertThat(switchStep).as("one switch").isEqualTo(-1);
                        switchStep = step;
                        readerMissedSwitch = f[2] > prevDrops;
                    } else {
                        steadyStep = Math.max(steadyStep, step);
                    }
                    lastTs = f[1];
                    prevWidth = f[0];
                    prevDrops = f[2];
                }
                assertThat(switchStep).as("switched to 180p").isNotNegative();
                if (!readerMissedSwitch) {
                    assertThat(switchStep).as("no gap across the switch (largest same-rendition step %d µs)", steadyStep)
                            .isBetween(0L, Math.max(250_000L, steadyStep));
                }
                assertThat(after.stream().dropWhile(f -> f[0] == 1280)).allSatisfy(f -> assertThat(f[0]).isEqualTo(320));
                await("720p encoder stops", () -> !running(local, VideoPreset.P720));
                assertThat(remote.stats().switches()).isEqualTo(1);

                // 4. camera off / mic off update the catalog and stop encoders
                local.setCameraOn(false);
                local.setMicOn(false);
                await("watcher sees the video-less catalog", () -> remote.catalog().videoRenditions().isEmpty()
                        && remote.catalog().audioRenditions().isEmpty());
                await("all encoders stop", () -> local.stats().video().stream().noneMatch(EncoderStats::running));
                local.setCameraOn(true);
                await("video back", () -> !remote.catalog().videoRenditions().isEmpty());
                VideoFrame back = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < deadline) {
                    VideoFrame f = remote.takeFrame(Duration.ofSeconds(1));
                    if (f != null && f.captureMicros() > lastTs + 200_000) {
                        back = f;
                        break;
                    }
                    if (f != null) {
                        f.close();
                    }
                }
                assertThat(back).as("video resumes after camera on").isNotNull();
                back.close();
            }
            consumer.close();
        }
    }

    @Test
    void catalogTrackHasOneJsonFramePerGroupAndScreenShareIsItsOwnBroadcast() throws Exception {
        PublishOptions opts = PublishOptions.defaults().withEncoder("libx264").withPresets(VideoPreset.P180);
        try (LocalMedia local = LocalMedia.withTestSources(opts)) {
            BroadcastConsumer c = local.broadcast().consume();
            TrackConsumer cat = c.subscribe(new TrackInfo(Catalog.TRACK, 100));
            GroupConsumer g = cat.nextGroup(Duration.ofSeconds(5));
            byte[] json = g.readFrame(Duration.ofSeconds(5));
            assertThat(g.readFrame()).as("one frame per group (the group is closed)").isNull();
            assertThat(Catalog.parse(json)).isEqualTo(local.catalog());
            local.setMicOn(false);
            GroupConsumer g2 = cat.nextGroup(Duration.ofSeconds(5));
            assertThat(g2.sequence()).isGreaterThan(g.sequence());
            assertThat(Catalog.parse(g2.readFrame(Duration.ofSeconds(5))).audioRenditions()).isEmpty();

            var screen = local.startScreenShare(new dev.parley.media.source.TestPatternSource(1920, 1080, 10));
            assertThat(screen).isNotSameAs(local.broadcast());
            BroadcastConsumer sc = screen.consume();
            try (RemoteMedia watch = new RemoteMedia(sc, WatchOptions.defaults()
                    .withChoice(RenditionChoice.of(RenditionChoice.Quality.HIGHEST)).withAudioSink(new NullAudioSink()))) {
                VideoFrame f = watch.takeFrame(Duration.ofSeconds(15));
                assertThat(f).isNotNull();
                try (f) {
                    assertThat(f.width()).isEqualTo(1920);
                    assertThat(watch.rendition()).isEqualTo("video/h264-screen");
                }
                assertThat(watch.catalog().videoRenditions().get("video/h264-screen").framerate()).isEqualTo(10.0);
            }
            local.stopScreenShare();
            assertThat(screen.isEnded()).isTrue();
            assertThat(local.screenBroadcast()).isEmpty();
            sc.close();
            cat.close();
            c.close();
        }
    }

    @Test
    void adaptiveWatcherProbesUpOnlyWithHeadroomInThePublishersEstimate() throws Exception {
        PublishOptions opts = PublishOptions.defaults().withEncoder("libx264")
                .withPresets(VideoPreset.P180, VideoPreset.P360, VideoPreset.P720);
        try (LocalMedia local = LocalMedia.withTestSources(opts)) {
            BroadcastConsumer consumer = local.broadcast().consume();
            RenditionChoice fromLow = new RenditionChoice(RenditionChoice.Quality.LOW, null, true);
            try (RemoteMedia remote = new RemoteMedia(consumer,
                    WatchOptions.defaults().withChoice(fromLow).withAudioSink(new NullAudioSink()))) {
                await("starts on the low rendition", () -> "video/h264-180p".equals(remote.rendition()));
                var addr = new java.net.InetSocketAddress("127.0.0.1", 9);
                long[] received = {0};
                java.util.function.LongConsumer feed = peer -> {
                    received[0] += 40_000; // 1.6 Mbit/s at 5 samples a second
                    remote.onLink(new dev.parley.media.adapt.LinkSample(new dev.parley.net.transport.PathStats(
                            java.time.Instant.now(), addr, false, Duration.ofMillis(1), Duration.ofMillis(1), 0, 0, 0,
                            received[0], 0, 0, 0, 0), peer));
                };
                // the publisher says 300 kbit/s: 360p (484 kbit/s) has no headroom, so no probe
                long until = System.nanoTime() + Duration.ofSeconds(7).toNanos();
                while (System.nanoTime() < until) {
                    feed.accept(300_000);
                    VideoFrame f = remote.takeFrame(Duration.ofMillis(200));
                    if (f != null) {
                        f.close();
                    }
                }
                assertThat(remote.rendition()).isEqualTo("video/h264-180p");
                assertThat(remote.adaptation().estimateBps()).isEqualTo(300_000);
                // no estimate (a clean path never queued): probe up after the 4 s hold
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!"video/h264-360p".equals(remote.rendition()) && System.nanoTime() < deadline) {
                    feed.accept(0);
                    VideoFrame f = remote.takeFrame(Duration.ofMillis(200));
                    if (f != null) {
                        f.close();
                    }
                }
                assertThat(remote.rendition()).isEqualTo("video/h264-360p");
                VideoFrame f = remote.takeFrame(Duration.ofSeconds(5));
                assertThat(f).isNotNull();
                try (f) {
                    assertThat(f.width()).isEqualTo(640);
                }
            }
            consumer.close();
        }
    }
}
