package dev.parley.net.moq.session;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedTickerTest {

    @Test
    void oneTickerPerPeriod() {
        assertSame(SharedTicker.of(Duration.ofMillis(70)), SharedTicker.of(Duration.ofMillis(70)));
        assertThrows(IllegalArgumentException.class, () -> SharedTicker.of(Duration.ZERO));
    }

    @Test
    void shortPeriodsHaveFewerPhasesSoTheTickerWakesAtMost100TimesASecond() {
        assertEquals(1, SharedTicker.phasesFor(Duration.ofMillis(10)));
        assertEquals(1, SharedTicker.phasesFor(Duration.ofMillis(5)));
        assertEquals(5, SharedTicker.phasesFor(Duration.ofMillis(50)));
        assertEquals(10, SharedTicker.phasesFor(Duration.ofMillis(100)));
        assertEquals(10, SharedTicker.phasesFor(Duration.ofSeconds(5)));
    }

    @Test
    void aWaiterWakesOncePerPeriod() throws Exception {
        SharedTicker.Waiter w = SharedTicker.of(Duration.ofMillis(50)).waiter();
        w.await(); // the first wait ends on this waiter's phase, anywhere within the period
        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            w.await();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        // ten periods of 50 ms; a scheduling hiccup can only make it longer, never shorter than ~9 periods
        assertTrue(ms >= 450 && ms < 2_000, "10 waits took " + ms + " ms");
    }

    @Test
    void consecutiveLoopsTakeDifferentPhasesSoTheyDoNotAllWakeAtOnce() throws Exception {
        SharedTicker ticker = SharedTicker.of(Duration.ofMillis(200));
        int loops = ticker.phases();
        assertEquals(SharedTicker.MAX_PHASES, loops);
        var wakes = new ConcurrentLinkedQueue<Long>();
        CountDownLatch done = new CountDownLatch(loops);
        List<Thread> threads = new ArrayList<>();
        Set<Integer> phases = new HashSet<>();
        for (int i = 0; i < loops; i++) {
            SharedTicker.Waiter w = ticker.waiter();
            phases.add(w.phase());
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    w.await();
                    w.await(); // the second wake is on the phase, not on when the loop started
                    wakes.add(System.nanoTime() / 5_000_000); // 5 ms buckets
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }));
        }
        assertTrue(done.await(5, TimeUnit.SECONDS), "every loop woke twice within 5 s");
        assertEquals(loops, phases.size(), "consecutive loops take the phases in turn: " + phases);
        Set<Long> distinct = new HashSet<>(wakes);
        // ten phases 20 ms apart; a stalled machine can bunch some ticks into one 5 ms bucket, not all
        assertTrue(distinct.size() >= 3, "wakes spread over " + distinct.size() + " instants: " + wakes);
        for (Thread t : threads) {
            t.join(1_000);
            assertTrue(!t.isAlive(), "a loop that woke twice has ended");
        }
    }

    @Test
    void aWaitingLoopEndsWhenInterrupted() throws Exception {
        SharedTicker.Waiter w = SharedTicker.of(Duration.ofSeconds(30)).waiter();
        var caught = new ConcurrentLinkedQueue<Throwable>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                w.await();
            } catch (InterruptedException e) {
                caught.add(e);
            }
        });
        Thread.sleep(50);
        t.interrupt();
        t.join(2_000);
        assertTrue(!t.isAlive() && caught.size() == 1, "the interrupted wait ended with InterruptedException");
    }
}
