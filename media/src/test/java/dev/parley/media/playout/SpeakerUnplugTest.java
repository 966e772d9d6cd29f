package dev.parley.media.playout;

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
 * A real speaker unplug: playout on PulseAudio's only sink (through Java Sound and ALSA's pulse plugin,
 * in a child JVM); removing the sink mid-call must move playout to no output (real-time paced) with a
 * route change, and playout keeps its pace.
 */
@Timeout(120)
class SpeakerUnplugTest {
    @Test
    void anUnpluggedSpeakerFallsBackAndPlayoutGoesOn(@TempDir Path dir) throws Exception {
        try (PulseAudioLab pulse = PulseAudioLab.start(dir)) {
            int speaker = pulse.loadNullSink("usb_speaker");
            pulse.route("usb_speaker", "usb_speaker.monitor");
            Process child = pulse.startJava(SpeakerUnplugMain.class);
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
                while (lines.stream().noneMatch(l -> l.startsWith("ready")) && child.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(lines).as("the child played on the PulseAudio speaker").anyMatch(l -> l.startsWith("ready speaker"));
                long unplugged = System.nanoTime();
                pulse.unload(speaker);
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child finished: %s", lines).isTrue();
                reader.join(2000);
                System.out.printf("speaker unplug → fallback: %s (exit %d, %.1f s after unload)%n",
                        lines.stream().filter(l -> !l.contains(" @ ")).toList(), child.exitValue(), (System.nanoTime() - unplugged) / 1e9);
                assertThat(child.exitValue()).as(String.join("\n", lines)).isZero();
                assertThat(lines).anyMatch(l -> l.startsWith("change fallback=true to=none"));
                assertThat(lines).anyMatch(l -> l.startsWith("after ") && l.endsWith("none (no output device)"));
            } finally {
                child.destroyForcibly();
            }
        }
    }
}
