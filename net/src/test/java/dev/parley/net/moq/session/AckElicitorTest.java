package dev.parley.net.moq.session;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AckElicitorTest {
    @Test
    void sendsEveryIntervalWhileMediaArrivesAndStopsWhenItStops() {
        AckElicitor e = new AckElicitor(Duration.ofMillis(20));
        assertThat(e.onTick(0, 0, 0)).as("nothing received yet").isFalse();
        long bytes = 0;
        int sent = 0;
        // media flows for 1 s: the byte counter (sampled every 200 ms) moves; ticks every 5 ms
        for (long t = 5; t <= 1000; t += 5) {
            if (t % 200 == 0) {
                bytes += 20_000;
            }
            if (e.onTick(t, bytes, t / 200 * 100)) {
                sent++;
            }
        }
        // from the first movement at 200 ms: one every 20 ms
        assertThat(sent).isBetween(40, 41);
        // the counter stops: sending stops after the idle bound, and stays stopped
        int after = 0;
        long lastSend = -1;
        for (long t = 1005; t <= 3000; t += 5) {
            if (e.onTick(t, bytes, t / 200 * 100)) {
                after++;
                lastSend = t;
            }
        }
        assertThat(lastSend).isLessThanOrEqualTo(1000 + AckElicitor.IDLE_AFTER_MS);
        assertThat(after).isLessThanOrEqualTo((int) (AckElicitor.IDLE_AFTER_MS / 20) + 1);
        // media again: sending resumes at once
        assertThat(e.onTick(3005, bytes + 1, 1_500)).isTrue();
        assertThat(e.onTick(3010, bytes + 2, 1_500)).as("not more than one per interval").isFalse();
    }

    @Test
    void staysQuietWhileWeSendMediaOfOurOwn() {
        AckElicitor e = new AckElicitor(Duration.ofMillis(20));
        int sent = 0;
        for (long t = 0; t <= 2000; t += 5) {
            long sample = t / 200; // counters move every 200 ms: 20 kB in, 40 kB out per sample
            if (e.onTick(t, sample * 20_000, sample * 40_000)) {
                sent++;
            }
        }
        assertThat(sent).as("only before the first sample shows our own sending").isLessThanOrEqualTo(1);
    }

    @Test
    void rejectsAnIntervalThatIsNotPositive() {
        assertThatThrownBy(() -> new AckElicitor(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
