package dev.parley.net.moq.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The writer of one broadcast: a set of tracks by name, published under a path through an
 * {@link OriginProducer}.
 *
 * <p>Tracks are either created up front ({@link #createTrack}) or on demand: with a
 * {@link #setTrackRequestHandler request handler}, a subscriber asking for a missing track creates it
 * and the handler starts filling it, so an encoder runs only while someone watches. A track leaves the
 * broadcast when it ends. Ending the broadcast ends all its tracks. Thread-safe.
 */
public final class BroadcastProducer implements AutoCloseable {
    private final BroadcastState state;

    /** A broadcast whose tracks use the default limits. */
    public BroadcastProducer() {
        this(TrackLimits.DEFAULT);
    }

    /** A broadcast whose tracks use {@code limits}. */
    public BroadcastProducer(TrackLimits limits) {
        this.state = new BroadcastState(Objects.requireNonNull(limits, "limits"));
    }

    /**
     * Sets the broadcast's hop list (moq-lite 04+: the origin ids of the relays it came through, nearest
     * the publisher first; a lite-03 count arrives as that many 0 ids). Set it before handing out consumers.
     */
    public BroadcastProducer hops(java.util.List<Long> hops) {
        state.hops = java.util.List.copyOf(hops);
        return this;
    }

    /**
     * Creates and adds a track.
     *
     * @throws MoqException {@link MoqError#DUPLICATE} if a live track has that name, {@link MoqError#CLOSED}
     *     if the broadcast ended
     */
    public TrackProducer createTrack(TrackInfo info) {
        return createTrack(info, state.limits);
    }

    /** Like {@link #createTrack(TrackInfo)} with other limits for this track. */
    public TrackProducer createTrack(TrackInfo info, TrackLimits limits) {
        TrackProducer track = new TrackProducer(info, limits);
        state.watch.modify(s -> {
            s.checkOpen();
            if (s.tracks.containsKey(info.name())) {
                throw new MoqException(MoqError.DUPLICATE, "track " + info.name() + " already exists");
            }
            s.tracks.put(info.name(), track);
        });
        track.onEnded(() -> removeTrack(info.name(), track));
        return track;
    }

    /** Removes the track from the broadcast (new subscribers no longer find it); it is not ended. */
    public boolean removeTrack(String name) {
        return state.watch.update(s -> s.tracks.remove(name) != null);
    }

    private void removeTrack(String name, TrackProducer track) {
        state.watch.update(s -> s.tracks.remove(name, track));
    }

    /** The live track with that name, if any. */
    public Optional<TrackProducer> track(String name) {
        return Optional.ofNullable(state.watch.read(s -> s.tracks.get(name)));
    }

    /** Names of the current tracks. */
    public List<String> trackNames() {
        return state.watch.read(s -> List.copyOf(s.tracks.keySet()));
    }

    /**
     * Enables dynamic mode: subscriptions to missing tracks call {@code handler} (on the subscriber's
     * thread, so it must not block) with a freshly created track. Null disables it.
     */
    public void setTrackRequestHandler(Consumer<TrackRequest> handler) {
        state.watch.modify(s -> s.handler = handler);
    }

    /** A new counted consumer handle. */
    public BroadcastConsumer consume() {
        state.watch.modify(BroadcastState::addConsumer);
        return new BroadcastConsumer(state, true);
    }

    /**
     * Completes when no consumer handle is open (already complete if none is now; re-armed when one
     * arrives, as for {@link TrackProducer#unused()}). An origin holds one handle while it publishes the
     * broadcast.
     */
    public CompletableFuture<Void> unused() {
        return state.watch.read(s -> s.unused).copy();
    }

    /** Open consumer handles. */
    public int consumerCount() {
        return state.watch.read(s -> s.consumers);
    }

    /** Ends the broadcast and closes all its tracks; origins unpublish it. Idempotent. */
    @Override
    public void close() {
        end(null);
    }

    /** Ends the broadcast with an error and aborts all its tracks. No effect if already ended. */
    public void abort(MoqException cause) {
        end(Objects.requireNonNull(cause, "cause"));
    }

    /** Same as {@link #abort(MoqException)} with a standard code. */
    public void abort(MoqError error) {
        abort(new MoqException(error, "broadcast aborted"));
    }

    /** True once closed or aborted. */
    public boolean isEnded() {
        return state.watch.read(s -> s.ended);
    }

    private void end(MoqException cause) {
        List<TrackProducer> tracks = new ArrayList<>();
        List<Runnable> listeners = new ArrayList<>();
        boolean first = state.watch.update(s -> {
            if (s.ended) {
                return false;
            }
            s.ended = true;
            s.error = cause;
            s.handler = null;
            tracks.addAll(s.tracks.values());
            s.tracks.clear();
            listeners.addAll(s.endListeners);
            s.endListeners.clear();
            return true;
        });
        if (!first) {
            return;
        }
        for (TrackProducer t : tracks) {
            if (cause == null) {
                t.close();
            } else {
                t.abort(cause);
            }
        }
        listeners.forEach(Runnable::run);
        if (cause == null) {
            state.closedFuture.complete(null);
        } else {
            state.closedFuture.completeExceptionally(cause);
        }
    }

    /** Completes normally on close, exceptionally with the {@link MoqException} on abort. */
    public CompletableFuture<Void> closed() {
        return state.closedFuture.copy();
    }
}
