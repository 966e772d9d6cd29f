package dev.parley.rooms;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReconnectPolicyTest {
    private final ReconnectPolicy policy = new ReconnectPolicy(Duration.ofMillis(200), Duration.ofSeconds(3), Duration.ofSeconds(10));

    @Test
    void delaysDoubleUpToTheCapEachDrawnFromTheUpperHalf() {
        SplittableRandom r = new SplittableRandom(7);
        long[] upper = {200, 400, 800, 1600, 3000, 3000, 3000};
        for (int attempt = 0; attempt < upper.length; attempt++) {
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                long d = policy.delayMs(attempt, r);
                assertThat(d).as("attempt %d", attempt).isBetween(upper[attempt] / 2, upper[attempt]);
                seen.add(d);
            }
            assertThat(seen).as("jittered").hasSizeGreaterThan(20);
        }
        assertThat(policy.delayMs(1_000, r)).isBetween(1500L, 3000L); // no overflow for long outages
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new ReconnectPolicy(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReconnectPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
