package dev.parley.net.moq.session;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One clock for the periodic loops of every session in this JVM (serving PROBE, eliciting ACKs). A
 * virtual thread's timed sleep puts a timer into the scheduler's delay queue and wakes its thread on every
 * period: at a relay with 100 WebSocket watchers that was 1000 timers a second and about 6 % of the relay's
 * CPU (docs/bench-moq-relay.md). Here one platform thread per period ticks and the loops wait untimed.
 *
 * <p>Loops are spread over up to {@link #MAX_PHASES} phases of the period, each woken by its own tick, so the
 * loops of many sessions do not all run in the same instant (a burst that would land on a keyframe's
 * fan-out). Phases are at least {@link #MIN_STEP} apart, so the ticker itself wakes at most 100 times a
 * second. A loop's first wait is up to one period, the later ones one period each.
 */
final class SharedTicker {
    static final int MAX_PHASES = 10;
    static final Duration MIN_STEP = Duration.ofMillis(10);

    private static final ConcurrentHashMap<Long, SharedTicker> BY_PERIOD = new ConcurrentHashMap<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final int phases;
    private final Condition[] ticked;
    private final long[] ticks;
    private final AtomicInteger nextPhase = new AtomicInteger();

    /** The ticker for {@code period}, started on first use and shared from then on (a daemon thread). */
    static SharedTicker of(Duration period) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
        return BY_PERIOD.computeIfAbsent(period.toNanos(), SharedTicker::new);
    }

    private SharedTicker(long periodNanos) {
        phases = phasesFor(Duration.ofNanos(periodNanos));
        ticked = new Condition[phases];
        ticks = new long[phases];
        for (int i = 0; i < phases; i++) {
            ticked[i] = lock.newCondition();
        }
        long step = Math.max(1, periodNanos / phases);
        Thread.ofPlatform().daemon().name("moq-ticker-" + Duration.ofNanos(periodNanos).toMillis() + "ms")
                .start(() -> run(step));
    }

    /** How many phases a period has: as many as fit at {@link #MIN_STEP} apart, 1 to {@link #MAX_PHASES}. */
    static int phasesFor(Duration period) {
        return (int) Math.clamp(period.toNanos() / MIN_STEP.toNanos(), 1, MAX_PHASES);
    }

    int phases() {
        return phases;
    }

    /** A place for a new loop: loops take the phases in turn. */
    Waiter waiter() {
        return new Waiter(Math.floorMod(nextPhase.getAndIncrement(), phases));
    }

    /** One loop's phase. Not shared between loops. */
    final class Waiter {
        private final int phase;

        private Waiter(int phase) {
            this.phase = phase;
        }

        int phase() {
            return phase;
        }

        /** Blocks until this phase's next tick: at most one period. Interruptible. */
        void await() throws InterruptedException {
            lock.lockInterruptibly();
            try {
                long seen = ticks[phase];
                while (ticks[phase] == seen) {
                    ticked[phase].await();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void run(long step) {
        long next = System.nanoTime();
        for (long n = 0; ; n++) {
            next += step;
            for (long wait = next - System.nanoTime(); wait > 0; wait = next - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            if (System.nanoTime() - next > step * phases) {
                next = System.nanoTime(); // far behind (a suspended machine): no burst of catch-up ticks
            }
            int phase = (int) (n % phases);
            lock.lock();
            try {
                ticks[phase]++;
                ticked[phase].signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
