package dev.parley.media.watch;

import dev.parley.media.codec.Mp4Probe;
import dev.parley.media.codec.VideoPreset;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.playout.NullAudioSink;
import dev.parley.media.publish.LocalMedia;
import dev.parley.media.publish.PublishOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recording while watching: a real publication (test pattern and tone, libx264 and Opus) watched through
 * the moq model, the received streams recorded without re-encoding, across a rendition switch.
 */
class WatchRecordingTest {
    @TempDir
    Path dir;

    @Test
    void recordsTheWatchedRenditionAndTheAudioAcrossASwitch() throws Exception {
        PublishOptions opts = PublishOptions.defaults().withEncoder("libx264").withPresets(VideoPreset.P180, VideoPreset.P360);
        Path file = dir.resolve("watched.mp4");
        try (LocalMedia local = LocalMedia.withTestSources(opts);
             RemoteMedia remote = new RemoteMedia(local.broadcast().consume(), WatchOptions.defaults()
                     .withChoice(RenditionChoice.of(RenditionChoice.Quality.LOW)).withAudioSink(new NullAudioSink()))) {
            take(remote, 180, 5);
            remote.startRecording(file);
            assertThat(remote.recording()).isTrue();
            long started = System.nanoTime();
            take(remote, 180, 45); // about 1.5 s at 180p
            remote.choose(RenditionChoice.of(RenditionChoice.Quality.HIGH));
            take(remote, 360, 45); // then 360p
            double elapsed = (System.nanoTime() - started) / 1e9;
            Path done = remote.stopRecording();
            assertThat(done).isEqualTo(file);
            assertThat(remote.recording()).isFalse();

            Mp4Probe p = Mp4Probe.of(file);
            System.out.printf("recorded while watching %.2f s (switch 180p -> 360p): %s %d packets (%d decoded) %.3f-%.3f s, %s %d packets %.3f-%.3f s, %d bytes%n",
                    elapsed, p.videoCodec(), p.videoPackets(), p.decodedVideoFrames(), p.videoStart(), p.videoEnd(),
                    p.audioCodec(), p.audioPackets(), p.audioStart(), p.audioEnd(), Files.size(file));
            assertThat(p.videoCodec()).isEqualTo("h264");
            assertThat(p.audioCodec()).isEqualTo("opus");
            assertThat(p.decodedVideoFrames()).as("every recorded frame decodes, across the switch").isGreaterThanOrEqualTo(p.videoPackets() - 2);
            assertThat(p.duration()).isBetween(elapsed - 1.0, elapsed + 0.5);
            assertThat(p.audioPackets()).isGreaterThan((int) (p.duration() * 40));
            assertThat(Math.abs(p.audioStart() - p.videoStart())).as("A/V start offset, s").isLessThanOrEqualTo(0.040);
        }
    }

    private static void take(RemoteMedia remote, int height, int frames) {
        int seen = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (seen < frames) {
            assertThat(System.nanoTime()).as("%d frames of %dp within 15 s", frames, height).isLessThan(deadline);
            VideoFrame f = remote.takeFrame(Duration.ofSeconds(5));
            if (f != null) {
                try (f) {
                    if (f.height() == height) {
                        seen++;
                    }
                }
            }
        }
    }
}
