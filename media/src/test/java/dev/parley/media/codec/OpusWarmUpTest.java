package dev.parley.media.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** The decoder warm-up runs once per process on its own thread and ends by itself. */
@Timeout(60)
class OpusWarmUpTest {
    private static long warmupThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("opus-warmup")).count();
    }

    @Test
    void runsOnceAndEnds() throws InterruptedException {
        OpusWarmUp.start();
        OpusWarmUp.start();
        assertThat(warmupThreads()).as("at most one warm-up thread").isLessThanOrEqualTo(1);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (warmupThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(warmupThreads()).as("the warm-up ended").isZero();
        OpusWarmUp.start();
        assertThat(warmupThreads()).as("not started again").isZero();
    }
}
