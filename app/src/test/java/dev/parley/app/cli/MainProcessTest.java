package dev.parley.app.cli;

import dev.parley.app.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the real {@code Main} as a child JVM ({@code java -cp}) without a display. */
@Timeout(120)
class MainProcessTest {
    private record Result(int code, String out, String err) {}

    private static Result parley(String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        var command = new java.util.ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("DISPLAY");
        pb.environment().remove("WAYLAND_DISPLAY");
        Process p = pb.start();
        p.getOutputStream().close();
        // Small outputs: reading one stream after the other cannot deadlock here.
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err);
    }

    @Test
    void guiWithoutDisplayExitsNonZeroWithTheHeadlessHint() throws Exception {
        Result r = parley();
        assertThat(r.code()).isEqualTo(ExitCodes.NO_DISPLAY);
        assertThat(r.err()).contains("cannot open the window", "--headless").doesNotContain("Exception");
    }

    @Test
    void versionAndHelpWorkWithoutDisplay() throws Exception {
        Result v = parley("--version");
        assertThat(v.code()).isZero();
        assertThat(v.out()).matches("(?s)parley \\d+\\.\\d+\\.\\d+.*");
        Result h = parley("--help");
        assertThat(h.code()).isZero();
        assertThat(h.out()).contains("room", "publish", "watch", "devices");
    }
}
