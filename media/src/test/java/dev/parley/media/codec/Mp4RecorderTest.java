package dev.parley.media.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Local recording: received H.264 and Opus muxed into fragmented MP4 without re-encoding, opened and
 * read back with FFmpeg. The media is synthetic and fed faster than real time; the muxer path is the
 * one a watcher uses.
 */
class Mp4RecorderTest {
    @TempDir
    Path dir;

    @Test
    void aThirtySecondCallRecordsBothStreamsWithTheRightDurationAndAlignment() {
        List<RecordingMedia.Unit> media = RecordingMedia.make(30);
        Path file = dir.resolve("call.mp4");
        try (Mp4Recorder recorder = new Mp4Recorder(file, 1)) {
            // the recording starts at a keyframe: audio before it (none here) would be skipped
            media.forEach(u -> RecordingMedia.feed(recorder, u));
        }
        Mp4Probe p = Mp4Probe.of(file);
        System.out.printf("30 s recording: %s %d packets (%d decoded) %.3f-%.3f s, %s %d packets %.3f-%.3f s, A/V start offset %.1f ms, %d bytes%n",
                p.videoCodec(), p.videoPackets(), p.decodedVideoFrames(), p.videoStart(), p.videoEnd(), p.audioCodec(),
                p.audioPackets(), p.audioStart(), p.audioEnd(), 1000 * (p.audioStart() - p.videoStart()), file.toFile().length());
        assertThat(p.videoCodec()).isEqualTo("h264");
        assertThat(p.audioCodec()).isEqualTo("opus");
        assertThat(p.videoPackets()).isEqualTo(900);
        assertThat(p.audioPackets()).isEqualTo(1500);
        assertThat(p.decodedVideoFrames()).as("every frame decodes").isGreaterThanOrEqualTo(895);
        assertThat(p.duration()).isCloseTo(30.0, org.assertj.core.data.Offset.offset(0.5));
        assertThat(Math.abs(p.audioStart() - p.videoStart())).as("A/V offset, s").isLessThanOrEqualTo(0.040);
        assertThat(Math.abs(p.audioEnd() - p.videoEnd())).as("A/V end offset, s").isLessThanOrEqualTo(0.040);
    }

    @Test
    void nothingIsWrittenBeforeTheFirstKeyframeAndCloseWithoutMediaLeavesNoFile() {
        Path file = dir.resolve("empty.mp4");
        List<RecordingMedia.Unit> media = RecordingMedia.make(3);
        try (Mp4Recorder recorder = new Mp4Recorder(file, 1)) {
            // audio and a delta frame before any keyframe: nothing to start from
            media.stream().filter(u -> u instanceof RecordingMedia.Audio).limit(20).forEach(u -> RecordingMedia.feed(recorder, u));
            RecordingMedia.Video delta = (RecordingMedia.Video) media.stream()
                    .filter(u -> u instanceof RecordingMedia.Video v && !v.unit().keyframe()).findFirst().orElseThrow();
            RecordingMedia.feed(recorder, delta);
            assertThat(recorder.started()).isFalse();
        }
        assertThat(Files.exists(file)).isFalse();
    }

    @Test
    void aRecordingKilledWithSigkillStillPlaysUpToItsLastFragment() throws Exception {
        Path file = dir.resolve("killed.mp4");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), RecordingChildMain.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        double reached = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
            String line;
            // the child prints the media time it has written; kill it at 10 s of media
            while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
                if (line.startsWith("t=")) {
                    reached = Double.parseDouble(line.substring(2));
                    if (reached >= 10.0) {
                        break;
                    }
                }
            }
            assertThat(reached).as("child recorded 10 s of media").isGreaterThanOrEqualTo(10.0);
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no trailer
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        Mp4Probe p = Mp4Probe.of(file);
        System.out.printf("killed at %.2f s of media: FFmpeg reads %s %d packets (%d decoded) to %.2f s, %s %d packets to %.2f s%n",
                reached, p.videoCodec(), p.videoPackets(), p.decodedVideoFrames(), p.videoEnd(), p.audioCodec(), p.audioPackets(), p.audioEnd());
        assertThat(p.videoCodec()).isEqualTo("h264");
        assertThat(p.audioCodec()).isEqualTo("opus");
        // fragments close at least every second: at most the last second (plus one frame in flight) is lost
        assertThat(p.videoEnd()).isGreaterThanOrEqualTo(reached - 1.1);
        assertThat(p.audioEnd()).isGreaterThanOrEqualTo(reached - 1.1);
        assertThat(p.decodedVideoFrames()).isGreaterThanOrEqualTo(p.videoPackets() - 5);
    }
}
