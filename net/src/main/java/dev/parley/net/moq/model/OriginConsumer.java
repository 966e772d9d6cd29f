package dev.parley.net.moq.model;

import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Watches the broadcasts of an origin under one path prefix.
 *
 * <p>{@link #nextAnnounce()} first reports every path that is active when the consumer is created, then
 * changes. For each path, active and ended strictly alternate, starting with active. Changes are
 * coalesced per path rather than queued, so a consumer that reads slowly costs memory proportional to
 * the number of paths, never to the number of changes (a broadcast that leaves and returns while
 * nobody reads may be reported once). A handle is meant for one reading thread; {@link #close()}
 * may come from any thread.
 */
public final class OriginConsumer implements AutoCloseable {
    private static final Announce END = new Announce(Path.EMPTY, null);

    private final OriginState state;
    private final OriginState.Cursor cursor;

    OriginConsumer(OriginState state, OriginState.Cursor cursor) {
        this.state = state;
        this.cursor = cursor;
    }

    /** The prefix this consumer watches. */
    public Path prefix() {
        return cursor.prefix;
    }

    /**
     * The next change under the prefix, blocking; null when the origin closed (after every path was
     * reported ended) or this consumer was closed.
     *
     * @throws MoqException {@link MoqError#CANCEL} on interrupt
     */
    public Announce nextAnnounce() {
        Announce a = state.watch.await(this::poll, -1);
        return a == END ? null : a;
    }

    /**
     * Like {@link #nextAnnounce()} but waits at most {@code timeout}.
     *
     * @throws MoqException {@link MoqError#TIMEOUT} if nothing changed in time
     */
    public Announce nextAnnounce(Duration timeout) {
        Announce a = state.watch.await(this::poll, Math.max(0, timeout.toNanos()));
        if (a == null) {
            throw new MoqException(MoqError.TIMEOUT, "no announce within " + timeout);
        }
        return a == END ? null : a;
    }

    /** Non-blocking: the next change if there is one now, otherwise null. */
    public Announce tryNextAnnounce() {
        Announce a = state.watch.read(this::poll);
        return a == END ? null : a;
    }

    /**
     * The next change as a future for event-loop code (null at the end). Completes on the publishing
     * thread; keep continuations short. Do not call again before the previous future completed.
     */
    public CompletableFuture<Announce> nextAnnounceAsync() {
        CompletableFuture<Announce> raw = new CompletableFuture<>();
        state.watch.awaitAsync(this::poll, raw);
        return raw.thenApply(a -> a == END ? null : a);
    }

    private Announce poll(OriginState s) {
        OriginState.Cursor c = cursor;
        if (c.closed) {
            return END;
        }
        Iterator<Path> it = c.dirty.iterator();
        while (it.hasNext()) {
            Path path = it.next();
            BroadcastConsumer current = s.active(path);
            BroadcastState now = current == null ? null : current.state();
            BroadcastState told = c.reported.get(path);
            if (told != null && told != now) {
                c.reported.remove(path);
                if (now == null) {
                    it.remove();
                }
                return new Announce(path, null);
            }
            it.remove();
            if (told == null && now != null) {
                c.reported.put(path, now);
                return new Announce(path, current.view());
            }
        }
        return s.ended ? END : null;
    }

    /** The active broadcast at {@code path} (an uncounted view), if it is under the prefix and published. */
    public Optional<BroadcastConsumer> consume(Path path) {
        Objects.requireNonNull(path, "path");
        if (!path.hasPrefix(cursor.prefix)) {
            return Optional.empty();
        }
        return Optional.ofNullable(state.watch.read(s -> {
            BroadcastConsumer b = s.active(path);
            return b == null ? null : b.view();
        }));
    }

    /** Same as {@link #consume(Path)}. */
    public Optional<BroadcastConsumer> consume(String path) {
        return consume(Path.of(path));
    }

    /**
     * Waits up to {@code timeout} until a broadcast is active at {@code path}; empty on timeout, when the
     * path is outside the prefix, or when this consumer or the origin closed.
     */
    public Optional<BroadcastConsumer> waitFor(Path path, Duration timeout) {
        Objects.requireNonNull(path, "path");
        if (!path.hasPrefix(cursor.prefix)) {
            return Optional.empty();
        }
        Object found = state.watch.await(s -> {
            BroadcastConsumer b = s.active(path);
            if (b != null) {
                return b.view();
            }
            return cursor.closed || s.ended ? END : null;
        }, Math.max(0, timeout.toNanos()));
        return found instanceof BroadcastConsumer b ? Optional.of(b) : Optional.empty();
    }

    /** Same as {@link #waitFor(Path, Duration)}. */
    public Optional<BroadcastConsumer> waitFor(String path, Duration timeout) {
        return waitFor(Path.of(path), timeout);
    }

    /** Stops this consumer: pending and later {@code nextAnnounce} calls return null. Idempotent. */
    @Override
    public void close() {
        state.watch.modify(s -> {
            cursor.closed = true;
            cursor.dirty.clear();
            s.cursors.remove(cursor);
        });
    }
}
