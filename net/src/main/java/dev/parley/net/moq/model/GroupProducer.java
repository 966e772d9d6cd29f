package dev.parley.net.moq.model;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The writer of one group: frames in order, then {@link #close()} (a FIN) or {@link #abort} (a reset).
 *
 * <p><b>Frames are shared, not copied.</b> {@link #writeFrame} keeps the given array and hands the very
 * same instance to every consumer, so fan-out to many readers costs no copies. The caller must not
 * modify an array after writing it, and readers must not modify what they read.
 *
 * <p>Thread-safe; normally one thread writes a group. Obtained from {@link TrackProducer#appendGroup()}
 * or {@link TrackProducer#createGroup(long)}.
 */
public final class GroupProducer implements AutoCloseable {
    private final GroupState state;

    GroupProducer(GroupState state) {
        this.state = state;
    }

    /** The group's sequence number. */
    public long sequence() {
        return state.info.sequence();
    }

    /** The group's info. */
    public GroupInfo info() {
        return state.info;
    }

    /**
     * Appends a frame (may be empty). The array is shared with every consumer and must not change afterwards.
     *
     * @throws MoqException {@link MoqError#CLOSED} after close, the abort error after an abort, or
     *     {@link MoqError#BOUNDS_EXCEEDED} when the frame would exceed the group caps (the group is then
     *     aborted with that error)
     */
    public void writeFrame(byte[] frame) {
        writeFrame(frame, 0);
    }

    /**
     * {@link #writeFrame(byte[])} with the frame's presentation timestamp in microseconds, which moq-lite-05
     * carries on the wire beside the payload (0 = untimed).
     */
    public void writeFrame(byte[] frame, long timestampMicros) {
        Objects.requireNonNull(frame, "frame");
        if (timestampMicros < 0) {
            throw new IllegalArgumentException("timestamp " + timestampMicros);
        }
        MoqException exceeded = state.watch.update(s -> s.append(frame, timestampMicros));
        if (exceeded != null) {
            abort(exceeded);
            throw exceeded;
        }
        if (!state.startReported && state.track != null) {
            state.startReported = true;
            // Wake the readers of older groups outside the track lock: they may now give up on a stall.
            for (GroupState older : state.track.watch.update(t -> t.started(state.info.sequence()))) {
                older.watch.modify(g -> { });
            }
        }
    }

    /** True once a newer group of the same track has its first frame; see {@link GroupConsumer#readFrameUnlessSuperseded}. */
    public boolean isSuperseded() {
        return state.superseded();
    }

    /**
     * Completes when a newer group of the same track has its first frame, on the thread that wrote it.
     * A network subscriber uses it to give up on this group's stream once it can no longer arrive in time.
     */
    public CompletableFuture<Void> superseded() {
        return GroupConsumer.supersededFuture(state);
    }

    /** Frames written so far. */
    public int frameCount() {
        return state.count;
    }

    /** Bytes written so far. */
    public long byteCount() {
        return state.bytes;
    }

    /** True once closed or aborted. */
    public boolean isEnded() {
        return state.watch.read(s -> s.finished);
    }

    /** Ends the group normally; readers see the end after the last frame. Idempotent. */
    @Override
    public void close() {
        state.watch.modify(s -> s.finish(null));
    }

    /** Ends the group with an error; readers get it after the frames already written. No effect if already ended. */
    public void abort(MoqException cause) {
        Objects.requireNonNull(cause, "cause");
        state.watch.modify(s -> s.finish(cause));
    }

    /** Same as {@link #abort(MoqException)} with a standard code. */
    public void abort(MoqError error) {
        abort(new MoqException(error, "group " + sequence() + " aborted"));
    }

    /** A new reader of this group from its first frame. */
    public GroupConsumer consume() {
        return new GroupConsumer(state, 0);
    }
}
