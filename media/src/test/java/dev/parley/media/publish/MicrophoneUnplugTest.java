package dev.parley.media.publish;

import dev.parley.media.testing.PulseAudioLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real unplug: the call's microphone is a PulseAudio device (a null sink's monitor, the only source
 * there is), reached through Java Sound and ALSA's pulse plugin in a child JVM; removing it with
 * {@code pactl unload-module} mid-call leaves Java Sound's line open but silent, which Parley must read
 * as unplugged and replace (here by silence: no other microphone exists) under the same subscription,
 * with a device-change event. With another source present PulseAudio itself moves the stream, and
 * Parley sees nothing to do.
 */
@Timeout(120)
class MicrophoneUnplugTest {
    @Test
    void anUnpluggedMicrophoneFallsBackMidCallAndAudioKeepsFlowing(@TempDir Path dir) throws Exception {
        try (PulseAudioLab pulse = PulseAudioLab.start(dir)) {
            int mic = pulse.loadNullSink("usb_mic");
            pulse.route("usb_mic", "usb_mic.monitor");
            Process child = pulse.startJava(MicrophoneUnplugMain.class);
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                    }
                } catch (java.io.IOException ignored) {
                    // the child ended
                }
            });
            try {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (lines.stream().noneMatch(l -> l.startsWith("ready") || l.startsWith("no audio")) && child.isAlive()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(lines).as("the child captured from the PulseAudio microphone").anyMatch(l -> l.startsWith("ready"));
                long unplugged = System.nanoTime();
                pulse.unload(mic);
                assertThat(child.waitFor(40, TimeUnit.SECONDS)).as("child finished: %s", lines).isTrue();
                reader.join(2000);
                System.out.printf("unplug → fallback: %s (child exit %d, %.1f s after unload)%n", lines, child.exitValue(),
                        (System.nanoTime() - unplugged) / 1e9);
                assertThat(child.exitValue()).as(String.join("\n", lines)).isZero();
                assertThat(lines).anyMatch(l -> l.startsWith("change fallback=true to=silence (no microphone)")
                        && l.contains("no audio for 1000 ms: unplugged?"));
                assertThat(lines).anyMatch(l -> l.startsWith("after ") && Integer.parseInt(l.split(" ")[1]) >= 25);
            } finally {
                child.destroyForcibly();
            }
        }
    }
}
