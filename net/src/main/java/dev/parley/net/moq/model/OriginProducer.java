package dev.parley.net.moq.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The set of broadcasts this node offers, by path, gathered from several sources: local capture and
 * every remote session publish into the same origin.
 *
 * <p>{@link #publish} takes ownership of the given handle and closes it when the broadcast is
 * unpublished; a broadcast that ends is unpublished automatically. When several sources publish the
 * same path, the most recent one is active; consumers see the switch as an ended announce followed by
 * an active one, and when the active one leaves, the previous one becomes active again. Thread-safe.
 */
public final class OriginProducer implements AutoCloseable {
    private static final int PUBLISHED = 0;
    private static final int ORIGIN_CLOSED = 1;
    private static final int BROADCAST_ENDED = 2;

    private final OriginState state = new OriginState();

    /** Creates an empty origin. */
    public OriginProducer() {
    }

    /**
     * Publishes {@code broadcast} under {@code path}; the origin now owns this handle. A broadcast that
     * already ended is not published (its handle is closed).
     *
     * @throws MoqException {@link MoqError#CLOSED} if the origin is closed (the handle is closed too)
     */
    public void publish(Path path, BroadcastConsumer broadcast) {
        publish(path, broadcast, false);
    }

    /**
     * Publishes {@code broadcast} under {@code path} as a backup: it becomes the active broadcast there only
     * once every broadcast published before it at that path has ended (a relay's second route to the same
     * broadcast). Otherwise as {@link #publish(Path, BroadcastConsumer)}.
     */
    public void publishBackup(Path path, BroadcastConsumer broadcast) {
        publish(path, broadcast, true);
    }

    private void publish(Path path, BroadcastConsumer broadcast, boolean backup) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(broadcast, "broadcast");
        OriginState.Publication key = new OriginState.Publication(path, broadcast);
        Runnable onEnd = () -> unpublish(path, broadcast);
        // Lock order origin -> broadcast: the end listener is registered while the origin is locked, so
        // a broadcast is either published with a listener that will unpublish it, or not at all.
        int outcome = state.watch.update(s -> {
            if (s.ended) {
                return ORIGIN_CLOSED;
            }
            if (!broadcast.addEndListener(onEnd)) {
                return BROADCAST_ENDED;
            }
            ArrayList<BroadcastConsumer> list = s.published.computeIfAbsent(path, p -> new ArrayList<>(1));
            BroadcastConsumer before = s.active(path);
            list.removeIf(b -> b == broadcast);
            if (backup) {
                list.addFirst(broadcast); // the active one is the last
            } else {
                list.add(broadcast);
            }
            Runnable replaced = s.endWatches.put(key, onEnd);
            if (replaced != null) {
                broadcast.removeEndListener(replaced);
            }
            if (before != s.active(path) && (before == null || before.state() != s.active(path).state())) {
                s.markDirty(path);
            }
            return PUBLISHED;
        });
        if (outcome != PUBLISHED) {
            broadcast.close();
        }
        if (outcome == ORIGIN_CLOSED) {
            throw new MoqException(MoqError.CLOSED, "origin is closed");
        }
    }

    /** Same as {@link #publish(Path, BroadcastConsumer)}. */
    public void publish(String path, BroadcastConsumer broadcast) {
        publish(Path.of(path), broadcast);
    }

    /**
     * Removes exactly this handle (as passed to {@link #publish}) from {@code path} and closes it.
     * Returns false if it was not published there.
     */
    public boolean unpublish(Path path, BroadcastConsumer broadcast) {
        boolean removed = state.watch.update(s -> {
            ArrayList<BroadcastConsumer> list = s.published.get(path);
            if (list == null) {
                return false;
            }
            BroadcastConsumer before = list.getLast();
            if (!list.removeIf(b -> b == broadcast)) {
                return false;
            }
            Runnable endWatch = s.endWatches.remove(new OriginState.Publication(path, broadcast));
            if (endWatch != null) {
                broadcast.removeEndListener(endWatch);
            }
            if (list.isEmpty()) {
                s.published.remove(path);
            }
            BroadcastConsumer after = s.active(path);
            if (after == null || after.state() != before.state()) {
                s.markDirty(path);
            }
            return true;
        });
        if (removed) {
            broadcast.close();
        }
        return removed;
    }

    /** A consumer of every path. */
    public OriginConsumer consume() {
        return consume(Path.EMPTY);
    }

    /** A consumer of the paths under {@code prefix} (whole segments). */
    public OriginConsumer consume(Path prefix) {
        Objects.requireNonNull(prefix, "prefix");
        OriginState.Cursor cursor = state.watch.update(s -> s.addCursor(prefix));
        return new OriginConsumer(state, cursor);
    }

    /** Same as {@link #consume(Path)}. */
    public OriginConsumer consume(String prefix) {
        return consume(Path.of(prefix));
    }

    /** Currently active paths, sorted. */
    public List<Path> paths() {
        return state.watch.read(s -> s.published.keySet().stream().sorted().toList());
    }

    /** Unpublishes everything; consumers see every path end, then the end of announcements. Idempotent. */
    @Override
    public void close() {
        List<BroadcastConsumer> released = new ArrayList<>();
        state.watch.modify(s -> {
            if (s.ended) {
                return;
            }
            s.ended = true;
            for (var e : s.published.entrySet()) {
                released.addAll(e.getValue());
                s.markDirty(e.getKey());
            }
            s.published.clear();
            s.endWatches.forEach((p, w) -> p.handle().removeEndListener(w));
            s.endWatches.clear();
        });
        released.forEach(BroadcastConsumer::close);
    }
}
