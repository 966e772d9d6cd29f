package dev.parley.net.moq.model;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-off primitive: no lost wake-ups between blocking and async waiters and the writer. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchTest {
    static final class Counter {
        long value;
    }

    @Test
    void pingPongBetweenTwoThreadsLosesNoWakeUp() throws Exception {
        int rounds = Boolean.getBoolean("parley.long") ? 1_000_000 : 50_000;
        Watch<Counter> w = new Watch<>(new Counter());
        // Each side waits for its turn (even: main, odd: the virtual thread), then passes the turn on.
        Thread odd = Thread.ofVirtual().start(() -> {
            for (long i = 1; i < 2L * rounds; i += 2) {
                long turn = i;
                w.await(s -> s.value == turn ? Boolean.TRUE : null, -1);
                w.modify(s -> s.value++);
            }
        });
        for (long i = 0; i < 2L * rounds; i += 2) {
            long turn = i;
            w.await(s -> s.value == turn ? Boolean.TRUE : null, -1);
            w.modify(s -> s.value++);
        }
        odd.join();
        long total = w.read(s -> s.value);
        assertThat(total).isEqualTo(2L * rounds);
    }

    @Test
    void asyncWaitersCompleteExactlyOnceWithoutLostUpdates() throws Exception {
        int rounds = 20_000;
        Watch<Counter> w = new Watch<>(new Counter());
        AtomicInteger completions = new AtomicInteger();
        CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
        Thread writer = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < rounds; i++) {
                w.modify(s -> s.value++);
            }
        });
        for (int i = 1; i <= rounds; i += 97) {
            long target = i;
            CompletableFuture<Long> f = new CompletableFuture<>();
            w.awaitAsync(s -> s.value >= target ? s.value : null, f);
            all = all.thenCombine(f.thenAccept(v -> completions.incrementAndGet()), (a, b) -> null);
        }
        writer.join();
        all.get(20, TimeUnit.SECONDS);
        assertThat(completions.get()).isEqualTo((rounds + 96) / 97);
    }

    @Test
    void timeoutReturnsNull() {
        Watch<Counter> w = new Watch<>(new Counter());
        assertThat(w.<Boolean>await(s -> null, TimeUnit.MILLISECONDS.toNanos(5))).isNull();
        assertThat(w.<Boolean>await(s -> null, 0)).isNull();
    }

    @Test
    void pollErrorsCompleteAsyncFuturesExceptionally() {
        Watch<Counter> w = new Watch<>(new Counter());
        CompletableFuture<Long> f = new CompletableFuture<>();
        w.awaitAsync(s -> {
            if (s.value > 0) {
                throw new MoqException(MoqError.DROPPED, "gone");
            }
            return null;
        }, f);
        assertThat(f).isNotDone();
        w.modify(s -> s.value = 1);
        assertThat(f).isCompletedExceptionally();
    }
}
