package dev.parley.net.moq.model;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A reader of one track with its own cursor. It never goes backwards: every group it returns has a
 * higher sequence than the previous one, and late (out-of-order) arrivals below that are skipped.
 *
 * <p><b>Live semantics.</b> With the default max latency of zero, {@link #nextGroup()} returns the
 * <em>newest</em> group not yet returned, skipping any older ones, so a slow reader jumps to the live
 * edge. With {@link #maxLatency(Duration)} set, it returns groups in sequence order but skips every
 * group that arrived more than that long before the newest one; use that for audio or for a network
 * publisher that should forward every group unless it falls behind. A new consumer starts at the
 * newest group that exists when it is created.
 *
 * <p>A handle is meant for one reading thread at a time; {@link #copy()} gives another reader its own
 * cursor. {@link #close()} may be called from any thread, wakes a blocked read, and counts towards
 * {@link TrackProducer#unused()}: close every handle you open. Closing it does not close the
 * {@link GroupConsumer}s it returned; close those to stop a read blocked inside a group.
 */
public final class TrackConsumer implements AutoCloseable {
    private final TrackState state;
    private final Release release;
    private final Cleaner.Cleanable cleanable;
    private long floor;
    private long maxLatencyNanos;

    /** Created only after the state counted this consumer. */
    TrackConsumer(TrackState state, long floor, long maxLatencyNanos) {
        this.state = state;
        this.floor = floor;
        this.maxLatencyNanos = maxLatencyNanos;
        this.release = new Release(state);
        this.cleanable = Leaks.CLEANER.register(this, release);
    }

    /** Uncounts the consumer exactly once, on close() or when a dropped handle is collected. */
    private static final class Release implements Runnable {
        private final TrackState state;
        private final AtomicBoolean closed = new AtomicBoolean();

        Release(TrackState state) {
            this.state = state;
        }

        @Override
        public void run() {
            if (closed.compareAndSet(false, true)) {
                CompletableFuture<Void> idle = state.watch.update(TrackState::removeConsumer);
                if (idle != null) {
                    idle.complete(null);
                }
            }
        }
    }

    /** The track's name and producer priority. */
    public TrackInfo info() {
        return state.info;
    }

    /**
     * Sets how far behind the newest group an older group may be (by arrival time) and still be returned;
     * zero (the default) returns only the newest. Returns this handle.
     */
    public TrackConsumer maxLatency(Duration maxLatency) {
        if (maxLatency.isNegative()) {
            throw new IllegalArgumentException("negative max latency: " + maxLatency);
        }
        this.maxLatencyNanos = maxLatency.toNanos();
        return this;
    }

    /** The current max latency. */
    public Duration maxLatency() {
        return Duration.ofNanos(maxLatencyNanos);
    }

    /**
     * The next group per the live semantics above, blocking until one exists; null when the track ended
     * normally and nothing eligible is left, or when this handle was closed.
     *
     * @throws MoqException the producer's abort error, or {@link MoqError#CANCEL} on interrupt
     */
    public GroupConsumer nextGroup() {
        return next(-1);
    }

    /**
     * Like {@link #nextGroup()} but waits at most {@code timeout}.
     *
     * @throws MoqException {@link MoqError#TIMEOUT} if nothing arrived in time
     */
    public GroupConsumer nextGroup(Duration timeout) {
        GroupState g = state.watch.await(this::poll, Math.max(0, timeout.toNanos()));
        if (g == null) {
            throw new MoqException(MoqError.TIMEOUT, "no group within " + timeout);
        }
        return toConsumer(g);
    }

    /**
     * Group {@code sequence} if the track still holds it (for a FETCH), read from its first frame; null when
     * it was never produced or has been evicted. Does not move this handle's live cursor.
     */
    public GroupConsumer cachedGroup(long sequence) {
        GroupState g = state.watch.read(s -> s.groups.get(sequence));
        return g == null ? null : new GroupConsumer(g, 0);
    }

    private GroupConsumer next(long timeoutNanos) {
        return toConsumer(state.watch.await(this::poll, timeoutNanos));
    }

    /** Non-blocking: the next eligible group if there is one now, otherwise null. */
    public GroupConsumer tryNextGroup() {
        GroupState g = state.watch.read(this::poll);
        return g == null ? null : toConsumer(g);
    }

    /**
     * The next group as a future for event-loop code: completes with the group, with null at the end, or
     * exceptionally with the abort error. Completes on the producer's thread; keep continuations short.
     * Do not call again before the previous future completed.
     */
    public CompletableFuture<GroupConsumer> nextGroupAsync() {
        CompletableFuture<GroupState> raw = new CompletableFuture<>();
        state.watch.awaitAsync(this::poll, raw);
        return raw.thenApply(this::toConsumer);
    }

    private GroupConsumer toConsumer(GroupState g) {
        return g == TrackState.END ? null : new GroupConsumer(g, 0);
    }

    /** Under the track lock: advances the cursor when it finds a group. */
    private GroupState poll(TrackState s) {
        if (release.closed.get()) {
            return TrackState.END;
        }
        if (s.error != null) {
            throw s.error.rethrowable();
        }
        GroupState g = s.pick(floor, maxLatencyNanos);
        if (g != null) {
            floor = g.info.sequence() + 1;
            return g;
        }
        return s.ended ? TrackState.END : null;
    }

    /** An independent, counted reader with the same cursor and max latency. */
    public TrackConsumer copy() {
        long f = state.watch.update(s -> {
            s.addConsumer();
            return floor;
        });
        return new TrackConsumer(state, f, maxLatencyNanos);
    }

    /** A fresh counted reader starting at the newest group, like {@link TrackProducer#consume()}. */
    public TrackConsumer consume() {
        long f = state.watch.update(s -> {
            s.addConsumer();
            return s.newest == null ? 0L : s.newest.info.sequence();
        });
        return new TrackConsumer(state, f, maxLatencyNanos);
    }

    /**
     * Completes normally when the producer closes the track, exceptionally with the {@link MoqException} on
     * abort. Each call registers a small dependent on the track until it ends: call it once per handle.
     */
    public CompletableFuture<Void> closed() {
        return state.closedFuture.copy();
    }

    /** True once this handle was closed. */
    public boolean isClosed() {
        return release.closed.get();
    }

    /**
     * Releases this handle: pending and later reads return null; may fire {@link TrackProducer#unused()}.
     * Idempotent. A handle dropped without closing is released after it is garbage collected.
     */
    @Override
    public void close() {
        cleanable.clean();
    }

    /** True if both handles read the same track. */
    public boolean sameTrack(TrackConsumer other) {
        return state == Objects.requireNonNull(other).state;
    }
}
