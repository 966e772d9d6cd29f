package dev.parley.net.moq.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The writer of one track: creates groups, ends the track, and learns when nobody reads it anymore.
 *
 * <p>Groups live in a bounded cache (see {@link TrackLimits}); creating a group may evict the oldest
 * ones. Groups may be created out of order (a network subscriber creates them as streams arrive), so
 * besides {@link #appendGroup()} there is {@link #createGroup(long)}. Ending the track does not end
 * its groups: the writer of each group still closes it. Thread-safe.
 *
 * <p>Methods that write after the track ended throw {@link MoqException} with
 * {@link MoqError#CLOSED} (or the abort error), because the track can be ended by someone else (its
 * broadcast closing) while a writer is still running; a writer treats that as its signal to stop.
 */
public final class TrackProducer implements AutoCloseable {
    private final TrackState state;
    private final LongSupplier clock;
    private volatile Runnable onEnded;

    /** A standalone track with the default limits. */
    public TrackProducer(TrackInfo info) {
        this(info, TrackLimits.DEFAULT);
    }

    /** A standalone track with the given limits. */
    public TrackProducer(TrackInfo info, TrackLimits limits) {
        this(info, limits, System::nanoTime);
    }

    /** With a monotonic nanosecond clock for arrival times; tests use it to control ages. */
    TrackProducer(TrackInfo info, TrackLimits limits, LongSupplier clock) {
        this.state = new TrackState(Objects.requireNonNull(info, "info"), Objects.requireNonNull(limits, "limits"));
        this.clock = clock;
    }

    /** The track's name and priority. */
    public TrackInfo info() {
        return state.info;
    }

    /** The memory bounds of this track. */
    public TrackLimits limits() {
        return state.limits;
    }

    /** Creates the group after the highest sequence seen so far (0 for the first). */
    public GroupProducer appendGroup() {
        return new GroupProducer(state.watch.update(s -> s.insert(s.nextSequence, clock.getAsLong())));
    }

    /**
     * Creates the group with the given sequence, which may be lower than existing ones (out-of-order
     * arrival). A group older than everything a full cache keeps is evicted at once; writing to it still
     * works, but no new consumer will see it.
     *
     * @throws MoqException {@link MoqError#DUPLICATE} if that sequence is cached already
     */
    public GroupProducer createGroup(long sequence) {
        new GroupInfo(sequence);
        return new GroupProducer(state.watch.update(s -> s.insert(sequence, clock.getAsLong())));
    }

    /** Convenience for single-frame groups (chat, catalog): appends a group, writes {@code frame} (shared, not copied), closes it. */
    public GroupProducer appendGroupWithFrame(byte[] frame) {
        GroupProducer g = appendGroup();
        g.writeFrame(frame);
        g.close();
        return g;
    }

    /** A new consumer that starts at the newest group (or the first one to come). */
    public TrackConsumer consume() {
        long floor = state.watch.update(s -> {
            s.addConsumer();
            return s.newest == null ? 0L : s.newest.info.sequence();
        });
        return new TrackConsumer(state, floor, 0);
    }

    /** Ends the track normally: consumers read the remaining eligible groups, then get null. Idempotent. */
    @Override
    public void close() {
        end(null);
    }

    /** Ends the track with an error and aborts its cached, still open groups. No effect if already ended. */
    public void abort(MoqException cause) {
        end(Objects.requireNonNull(cause, "cause"));
    }

    /** Same as {@link #abort(MoqException)} with a standard code. */
    public void abort(MoqError error) {
        abort(new MoqException(error, "track " + state.info.name() + " aborted"));
    }

    private void end(MoqException cause) {
        List<GroupState> toAbort = new ArrayList<>();
        boolean first = state.watch.update(s -> {
            if (!s.end(cause)) {
                return false;
            }
            if (cause != null) {
                toAbort.addAll(s.groups.values());
            }
            return true;
        });
        if (!first) {
            return;
        }
        for (GroupState g : toAbort) {
            g.watch.modify(s -> s.finish(cause));
        }
        if (cause == null) {
            state.closedFuture.complete(null);
        } else {
            state.closedFuture.completeExceptionally(cause);
        }
        Runnable r = onEnded;
        if (r != null) {
            r.run();
        }
    }

    /** True once closed or aborted. */
    public boolean isEnded() {
        return state.watch.read(s -> s.ended);
    }

    /**
     * Completes when no consumer is open. If none is open now, the returned future is already complete.
     * When a consumer arrives after that, a new pending future is armed: call {@code unused()} again to
     * wait for the next idle moment. Completion runs on the thread that closed the last consumer.
     */
    public CompletableFuture<Void> unused() {
        return state.watch.read(s -> s.unused).copy();
    }

    /** Open consumer handles ({@link TrackConsumer#copy()} counts too). */
    public int consumerCount() {
        return state.watch.read(s -> s.consumers);
    }

    /** Groups currently held in the cache (bounded by {@link TrackLimits#maxGroups()}). */
    public int cachedGroupCount() {
        return state.watch.read(s -> s.groups.size());
    }

    /** Groups evicted from the cache so far. */
    public long evictedGroupCount() {
        return state.watch.read(s -> s.evictedGroups);
    }

    /** Completes normally on {@link #close()}, exceptionally with the {@link MoqException} on abort. */
    public CompletableFuture<Void> closed() {
        return state.closedFuture.copy();
    }

    /** Called once when the track ends; used by the owning broadcast. */
    void onEnded(Runnable r) {
        onEnded = r;
        if (isEnded()) {
            r.run();
        }
    }

    TrackState state() {
        return state;
    }
}
