package dev.parley.net.moq.model;

/**
 * Shared state of one group. Frames are appended under the watch lock and published through the
 * volatile {@link #count}: the writer stores the frame (and a grown array) before bumping the count,
 * so a reader that sees {@code count > i} also sees frame {@code i} without taking the lock.
 */
final class GroupState {
    /** Poll result meaning "the group ended"; compared by identity, never handed out. */
    static final byte[] END = new byte[0];

    /** Poll result meaning "no frame now and a newer group of the track has started"; never handed out. */
    static final byte[] SUPERSEDED = new byte[0];

    final GroupInfo info;
    final long arrivalNanos;
    /** The owning track, which knows the newest started group; null only for the track's END sentinel. */
    final TrackState track;
    /** Set once this group's first frame was reported to the track. */
    volatile boolean startReported;
    final Watch<GroupState> watch = new Watch<>(this);
    private final int maxFrames;
    private final long maxBytes;

    volatile byte[][] frames = new byte[4][];
    /** Presentation timestamps in microseconds, index-aligned with {@link #frames}; 0 when the writer gave none. */
    volatile long[] timestamps = new long[4];
    volatile int count;
    volatile long bytes;
    // Written under the watch lock; volatile so the track can skip finished groups without taking it.
    volatile boolean finished;
    // Guarded by the watch lock.
    MoqException error;

    GroupState(GroupInfo info, TrackLimits limits, long arrivalNanos, TrackState track) {
        this.info = info;
        this.track = track;
        this.arrivalNanos = arrivalNanos;
        this.maxFrames = limits.maxFramesPerGroup();
        this.maxBytes = limits.maxBytesPerGroup();
    }

    /** Appends under the lock; returns an error to abort with when a cap is exceeded. */
    MoqException append(byte[] frame, long timestamp) {
        if (finished) {
            throw error != null ? error.rethrowable()
                    : new MoqException(MoqError.CLOSED, "group " + info.sequence() + " is already closed");
        }
        int n = count;
        if (n >= maxFrames || bytes + frame.length > maxBytes) {
            return new MoqException(MoqError.BOUNDS_EXCEEDED, "group " + info.sequence() + " exceeds "
                    + maxFrames + " frames or " + maxBytes + " bytes");
        }
        byte[][] f = frames;
        if (n == f.length) {
            byte[][] grown = new byte[f.length * 2][];
            System.arraycopy(f, 0, grown, 0, n);
            frames = grown;
            f = grown;
            timestamps = java.util.Arrays.copyOf(timestamps, grown.length);
        }
        timestamps[n] = timestamp;
        f[n] = frame;
        bytes += frame.length;
        count = n + 1;
        return null;
    }

    /** Under the lock: frame {@code index}, {@link #END}, null if not yet written; throws if aborted. */
    byte[] poll(int index) {
        if (index < count) {
            return frames[index];
        }
        if (error != null) {
            throw error.rethrowable();
        }
        return finished ? END : null;
    }

    /** True once a group with a higher sequence in the same track has its first frame. Lock-free. */
    boolean superseded() {
        return track != null && track.newestStarted > info.sequence();
    }

    /**
     * Under the lock: like {@link #poll} but a live reader gives up on a stalled group: frames already
     * written come first, then {@link #END} or the error, and only when it would wait is
     * {@link #SUPERSEDED} returned if a newer group has started.
     */
    byte[] pollLive(int index) {
        byte[] f = poll(index);
        return f == null && superseded() ? SUPERSEDED : f;
    }

    /** Under the lock: ends the group; false if it had already ended. */
    boolean finish(MoqException cause) {
        if (finished) {
            return false;
        }
        finished = true;
        error = cause;
        return true;
    }
}
