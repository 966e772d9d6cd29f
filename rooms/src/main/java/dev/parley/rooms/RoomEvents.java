package dev.parley.rooms;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The room's event stream. Bounded: when the consumer falls behind, the oldest events are dropped
 * and counted in {@link #lagged()}. Thread-safe; usually one consumer thread takes from it.
 */
public final class RoomEvents {
    private final BlockingQueue<RoomEvent> queue;
    private final AtomicLong lagged = new AtomicLong();

    RoomEvents(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** The next event, waiting up to {@code timeout}; null on timeout. */
    public RoomEvent next(Duration timeout) throws InterruptedException {
        return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The next event if one is ready, else null. */
    public RoomEvent tryNext() {
        return queue.poll();
    }

    /** Events dropped because nobody took them in time. */
    public long lagged() {
        return lagged.get();
    }

    void emit(RoomEvent e) {
        while (!queue.offer(e)) {
            if (queue.poll() != null) {
                lagged.incrementAndGet();
            }
        }
    }
}
