package dev.parley.media.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The real javax.sound capture and playback path, without a sound card: a child JVM gets a private
 * HOME whose ALSA config makes the default device read a raw 1 kHz sine file (capture) and discard
 * output (playback).
 */
@Timeout(90)
class MicrophoneCaptureTest {
    @Test
    void microphoneCapturesWhatTheAlsaDeviceDelivers(@TempDir Path home) throws Exception {
        assumeThat(Devices.os()).as("ALSA file device is Linux only").isEqualTo("linux");
        Path raw = home.resolve("sine.raw");
        ByteBuffer pcm = ByteBuffer.allocate(48_000 * 2 * 5).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 48_000 * 5; i++) {
            pcm.putShort((short) Math.round(Math.sin(2 * Math.PI * 1000 * i / 48_000.0) * 10_000));
        }
        Files.write(raw, pcm.array());
        Files.writeString(home.resolve(".asoundrc"), "pcm.!default { type file; slave.pcm \"null\"; file \"/dev/null\"; "
                + "infile \"" + raw + "\"; format \"raw\" }\n");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                MicrophoneProbeMain.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        Process p = pb.start();
        String out;
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            out = new String(p.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new AssertionError(e);
        } finally {
            p.destroyForcibly();
        }
        assumeThat(out).as("ALSA file device available to Java Sound (output: %s)", out).doesNotContain("mics=0");
        assertThat(p.exitValue()).as(out).isZero();
        double f = Double.parseDouble(out.lines().filter(l -> l.startsWith("frequency=")).findFirst().orElseThrow()
                .substring("frequency=".length()));
        assertThat(f).isBetween(990.0, 1010.0);
        assertThat(out).contains("played=speaker");
    }
}
