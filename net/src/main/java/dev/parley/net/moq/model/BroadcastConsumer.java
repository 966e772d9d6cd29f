package dev.parley.net.moq.model;

import java.lang.ref.Cleaner;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A handle for subscribing to the tracks of one broadcast. Thread-safe.
 *
 * <p>Handles from {@link BroadcastProducer#consume()} and {@link #copy()} are <em>counted</em> towards
 * {@link BroadcastProducer#unused()} and should be closed. Handles an {@link OriginConsumer} hands out
 * are views of the origin's own handle: closing them does nothing, the origin releases its handle when
 * the broadcast is unpublished.
 */
public final class BroadcastConsumer implements AutoCloseable {
    private final BroadcastState state;
    private final Release release;
    private final Cleaner.Cleanable cleanable;

    /** A counted handle is created only after the state counted it. */
    BroadcastConsumer(BroadcastState state, boolean counted) {
        this.state = state;
        this.release = new Release(counted ? state : null);
        this.cleanable = counted ? Leaks.CLEANER.register(this, release) : null;
    }

    /** Uncounts a counted handle exactly once, on close() or when a dropped handle is collected. */
    private static final class Release implements Runnable {
        private final BroadcastState counted;
        private final AtomicBoolean closed = new AtomicBoolean();

        Release(BroadcastState counted) {
            this.counted = counted;
        }

        @Override
        public void run() {
            if (counted != null && closed.compareAndSet(false, true)) {
                CompletableFuture<Void> idle = counted.watch.update(BroadcastState::removeConsumer);
                if (idle != null) {
                    idle.complete(null);
                }
            }
        }
    }

    /**
     * Subscribes to a track: a consumer of the existing track, or (in dynamic mode) of a track created
     * on demand. {@code info.priority()} is the subscriber's priority, used by the handler of a dynamic
     * track; an existing track keeps its own {@link TrackInfo}.
     *
     * @throws MoqException {@link MoqError#NOT_FOUND} if the track does not exist and the broadcast is not
     *     dynamic, {@link MoqError#CLOSED} (or the abort error) if the broadcast ended
     */
    public TrackConsumer subscribe(TrackInfo info) {
        Objects.requireNonNull(info, "info");
        if (release.closed.get()) {
            throw new IllegalStateException("broadcast consumer is closed");
        }
        Subscription sub = state.watch.update(s -> {
            s.checkOpen();
            TrackProducer existing = s.tracks.get(info.name());
            if (existing != null) {
                return new Subscription(existing.consume(), null, null);
            }
            if (s.handler == null) {
                throw new MoqException(MoqError.NOT_FOUND, "no track " + info.name());
            }
            TrackProducer track = new TrackProducer(info, s.limits);
            s.tracks.put(info.name(), track);
            return new Subscription(track.consume(), track, s.handler);
        });
        TrackProducer track = sub.created();
        if (track != null) {
            // The handler runs outside the broadcast lock; the subscriber's consumer already exists,
            // so unused() is pending until that consumer closes.
            Runnable remove = () -> state.watch.update(s -> s.tracks.remove(info.name(), track));
            track.onEnded(remove);
            track.unused().thenRun(remove);
            try {
                sub.handler().accept(new TrackRequest(info, track));
            } catch (RuntimeException e) {
                MoqException failure = e instanceof MoqException m ? m
                        : new MoqException(MoqError.NOT_FOUND, "track request handler failed for " + info.name(), e);
                track.abort(failure);
                sub.consumer().close();
                throw failure;
            }
        }
        return sub.consumer();
    }

    private record Subscription(TrackConsumer consumer, TrackProducer created, Consumer<TrackRequest> handler) {
    }


    /** Same as {@link #subscribe(TrackInfo)}. */
    public TrackConsumer subscribe(String name, int priority) {
        return subscribe(new TrackInfo(name, priority));
    }

    /**
     * Completes normally when the broadcast closes, exceptionally with the {@link MoqException} on abort.
     * Each call registers a small dependent until the broadcast ends: call it once per handle.
     */
    public CompletableFuture<Void> closed() {
        return state.closedFuture.copy();
    }

    /** The broadcast's hop list ({@link BroadcastProducer#hops}); empty for one made here. */
    public java.util.List<Long> hops() {
        return state.hops;
    }

    /** True once the broadcast ended. */
    public boolean isEnded() {
        return state.watch.read(s -> s.ended);
    }

    /** A new counted handle to the same broadcast. */
    public BroadcastConsumer copy() {
        state.watch.modify(BroadcastState::addConsumer);
        return new BroadcastConsumer(state, true);
    }

    /** True if both handles refer to the same broadcast. */
    public boolean sameBroadcast(BroadcastConsumer other) {
        return state == Objects.requireNonNull(other).state;
    }

    /** Registers {@code r} to run once when the broadcast ends; false (not registered) if it already ended. */
    boolean addEndListener(Runnable r) {
        return state.watch.update(s -> !s.ended && s.endListeners.add(r));
    }

    /** Unregisters a listener added with {@link #addEndListener}. */
    void removeEndListener(Runnable r) {
        state.watch.update(s -> s.endListeners.remove(r));
    }

    /** An uncounted view for origin consumers. */
    BroadcastConsumer view() {
        return new BroadcastConsumer(state, false);
    }

    BroadcastState state() {
        return state;
    }

    /**
     * Releases a counted handle (may fire {@link BroadcastProducer#unused()}); a no-op for origin views.
     * Idempotent. A counted handle dropped without closing is released after it is garbage collected.
     */
    @Override
    public void close() {
        if (cleanable != null) {
            cleanable.clean();
        }
    }
}
