package dev.parley.net.moq.model;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A reader of one group with its own cursor; frames come in order. Reading never copies: the returned
 * arrays are the producer's instances and must not be modified.
 *
 * <p>A handle is meant for one reading thread at a time; {@link #copy()} gives another reader an
 * independent cursor. {@link #close()} may be called from any thread and wakes a blocked read.
 * Frames that are already written are served without taking a lock.
 */
public final class GroupConsumer implements AutoCloseable {
    private final GroupState state;
    private int index;
    private volatile boolean closed;

    GroupConsumer(GroupState state, int index) {
        this.state = state;
        this.index = index;
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
     * The presentation timestamp (µs, 0 if untimed) of frame {@code index}, which must already have been
     * read or be readable; e.g. {@code timestamp(position() - 1)} after a read.
     */
    public long timestamp(int index) {
        if (index < 0 || index >= state.count) {
            throw new IndexOutOfBoundsException("frame " + index + " of " + state.count);
        }
        return state.timestamps[index];
    }

    /** Index of the next frame this handle will return. */
    public int position() {
        return index;
    }

    /**
     * The next frame, blocking until it is written; null when the group ended (or this handle was closed).
     *
     * @throws MoqException the producer's abort error once the frames written before the abort are read,
     *     or {@link MoqError#CANCEL} if the thread is interrupted
     */
    public byte[] readFrame() {
        byte[] f = read(-1);
        return f == GroupState.END ? null : f;
    }

    /**
     * Like {@link #readFrame()} but waits at most {@code timeout}.
     *
     * @throws MoqException {@link MoqError#TIMEOUT} if no frame and no end arrived in time
     */
    public byte[] readFrame(Duration timeout) {
        byte[] f = read(Math.max(0, timeout.toNanos()));
        if (f == null) {
            throw new MoqException(MoqError.TIMEOUT, "no frame within " + timeout);
        }
        return f == GroupState.END ? null : f;
    }

    /**
     * The live read: the next frame, waiting at most {@code timeout}; null at the end of the group and also
     * when no frame is ready and a newer group of the same track has started (its first frame is written).
     * Frames already written are always returned first, so a complete group is read whole; only a group
     * that stalls behind a newer one is given up, and the reader moves on with {@link TrackConsumer#nextGroup}.
     * {@link #isSuperseded()} tells the two nulls apart. A group made outside a track is never superseded.
     *
     * @throws MoqException {@link MoqError#TIMEOUT} if no frame, no end and no newer group came in time,
     *     the producer's abort error once the frames written before it are read, or {@link MoqError#CANCEL}
     *     on interrupt
     */
    public byte[] readFrameUnlessSuperseded(Duration timeout) {
        if (closed) {
            return null;
        }
        int i = index;
        if (i < state.count) {
            index = i + 1;
            return state.frames[i];
        }
        byte[] f = state.watch.await(s -> closed ? GroupState.END : s.pollLive(i), Math.max(0, timeout.toNanos()));
        if (f == null) {
            throw new MoqException(MoqError.TIMEOUT, "no frame within " + timeout);
        }
        if (f == GroupState.END || f == GroupState.SUPERSEDED) {
            return null;
        }
        index = i + 1;
        return f;
    }

    /** True once a newer group of the same track has its first frame (this one may still be complete). */
    public boolean isSuperseded() {
        return state.superseded();
    }

    /** Completes when a newer group of the same track has its first frame, on the thread that wrote it. */
    public CompletableFuture<Void> superseded() {
        return supersededFuture(state);
    }

    static CompletableFuture<Void> supersededFuture(GroupState state) {
        CompletableFuture<Boolean> raw = new CompletableFuture<>();
        state.watch.awaitAsync(s -> s.superseded() ? Boolean.TRUE : null, raw);
        return raw.thenApply(b -> null);
    }

    /** The next frame, {@link GroupState#END} at the end, or null on timeout. */
    private byte[] read(long timeoutNanos) {
        if (closed) {
            return GroupState.END;
        }
        int i = index;
        if (i < state.count) {
            // Lock-free fast path: count is read before frames, and the writer stores in the other order.
            byte[] f = state.frames[i];
            index = i + 1;
            return f;
        }
        byte[] f = state.watch.await(s -> closed ? GroupState.END : s.poll(i), timeoutNanos);
        if (f != null && f != GroupState.END) {
            index = i + 1;
        }
        return f;
    }

    /** Non-blocking: the next frame if one is ready now, otherwise null (check {@link #isDone()} to tell end from not-yet). */
    public byte[] tryReadFrame() {
        if (closed) {
            return null;
        }
        int i = index;
        if (i < state.count) {
            index = i + 1;
            return state.frames[i];
        }
        byte[] f = state.watch.read(s -> s.poll(i));
        if (f == null || f == GroupState.END) {
            return null;
        }
        index = i + 1;
        return f;
    }

    /** True when this handle has read every frame of an ended group, or was closed. Throws the abort error if aborted and drained. */
    public boolean isDone() {
        if (closed) {
            return true;
        }
        int i = index;
        return state.watch.read(s -> s.poll(i)) == GroupState.END;
    }

    /**
     * The next frame as a future, for event-loop code: completes with the frame, with null at the end, or
     * exceptionally with the abort error. It completes on the producer's thread, so keep the continuation
     * short or hop executors. Do not call again before the previous future completed.
     */
    public CompletableFuture<byte[]> readFrameAsync() {
        CompletableFuture<byte[]> raw = new CompletableFuture<>();
        int i = index;
        state.watch.awaitAsync(s -> closed ? GroupState.END : s.poll(i), raw);
        return raw.thenApply(f -> {
            if (f == GroupState.END) {
                return null;
            }
            index = i + 1;
            return f;
        });
    }

    /** An independent reader positioned at the same frame as this one. */
    public GroupConsumer copy() {
        return new GroupConsumer(state, index);
    }

    /** Stops this handle: pending and later reads return null. Other handles are unaffected. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            state.watch.modify(s -> { });
        }
    }
}
