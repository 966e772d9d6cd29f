package dev.parley.media.source;

import dev.parley.media.codec.VideoPreset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Real x11grab screen capture from a private Xvfb display, paced at the screen preset's rate. */
@Timeout(60)
class ScreenCaptureTest {
    @Test
    void capturesAnXvfbScreenAtTheScreenPresetRate() throws Exception {
        assumeThat(Devices.os()).as("x11grab is the Linux screen backend").isEqualTo("linux");
        assumeThat(java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "Xvfb")))).as("Xvfb is on the PATH").isTrue();
        int display = 90 + (int) (ProcessHandle.current().pid() % 9);
        Process xvfb = new ProcessBuilder("Xvfb", ":" + display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            VideoPreset p = VideoPreset.SCREEN;
            AtomicReference<RuntimeException> error = new AtomicReference<>();
            List<long[]> frames = new CopyOnWriteArrayList<>();
            CountDownLatch twenty = new CountDownLatch(20);
            GrabberVideoSource src = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (twenty.getCount() > 0 && System.nanoTime() < deadline) {
                // Xvfb needs a moment before it accepts clients: retry until capture runs
                src = new GrabberVideoSource(DeviceKind.SCREEN, "xvfb", ":" + display + ".0", "x11grab",
                        p.width(), p.height(), p.fps(), Map.of());
                src.onError(error::set);
                try (var sub = src.subscribe(f -> {
                    frames.add(new long[]{f.width(), f.height(), f.captureMicros()});
                    twenty.countDown();
                })) {
                    twenty.await(4, TimeUnit.SECONDS);
                }
                src.close();
            }
            assertThat(twenty.getCount()).as("20 frames (last error: %s)", error.get()).isZero();
            assertThat(frames).allSatisfy(f -> assertThat(new long[]{f[0], f[1]}).containsExactly(1920, 1080));
            List<long[]> tail = frames.subList(frames.size() - 10, frames.size());
            double fps = 9 / ((tail.getLast()[2] - tail.getFirst()[2]) / 1e6);
            assertThat(fps).as("x11grab paced at the screen preset's 10 fps").isBetween(7.0, 13.0);
        } finally {
            xvfb.destroy();
            xvfb.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
