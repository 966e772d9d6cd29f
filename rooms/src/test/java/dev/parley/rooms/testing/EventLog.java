package dev.parley.rooms.testing;

import dev.parley.rooms.Room;
import dev.parley.rooms.RoomEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Records a room's events on a virtual thread so tests can wait for conditions over them. */
public final class EventLog implements AutoCloseable {
    public record Stamped(long nanos, RoomEvent event) {}

    private final List<Stamped> events = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stop;

    public EventLog(dev.parley.rooms.JoinedRoom room) {
        thread = Thread.ofVirtual().start(() -> {
            try {
                while (!stop) {
                    RoomEvent e = room.events().next(Duration.ofMillis(200));
                    if (e != null) {
                        synchronized (events) {
                            events.add(new Stamped(System.nanoTime(), e));
                            events.notifyAll();
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Waits for an event matching {@code p} and returns it with its arrival time. */
    public Stamped await(Predicate<RoomEvent> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                for (Stamped s : events) {
                    if (p.test(s.event())) {
                        return s;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching room event within " + timeout + "; got " + snapshot());
                }
                events.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Waits for an event matching {@code p} that arrived after {@code earlier} (an earlier result). */
    public Stamped awaitAfter(Stamped earlier, Predicate<RoomEvent> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                boolean seen = false;
                for (Stamped s : events) {
                    if (seen && p.test(s.event())) {
                        return s;
                    }
                    seen |= s == earlier;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching room event after " + earlier.event() + " within " + timeout
                            + "; got " + snapshot());
                }
                events.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    public List<RoomEvent> snapshot() {
        synchronized (events) {
            return events.stream().map(Stamped::event).toList();
        }
    }

    @Override
    public void close() {
        stop = true;
        thread.interrupt();
    }
}
