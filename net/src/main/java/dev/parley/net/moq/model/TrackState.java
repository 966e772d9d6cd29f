package dev.parley.net.moq.model;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/** Shared state of one track: the bounded group cache, the end state and consumer accounting. Guarded by {@link #watch}. */
final class TrackState {
    /** Poll result meaning "the track ended"; compared by identity. */
    static final GroupState END = new GroupState(new GroupInfo(0), TrackLimits.DEFAULT, 0, null);

    final TrackInfo info;
    final TrackLimits limits;
    final Watch<TrackState> watch = new Watch<>(this);
    final TreeMap<Long, GroupState> groups = new TreeMap<>();
    final CompletableFuture<Void> closedFuture = new CompletableFuture<>();
    GroupState newest;
    long nextSequence;
    boolean ended;
    MoqException error;
    int consumers;
    CompletableFuture<Void> unused = CompletableFuture.completedFuture(null);
    long evictedGroups;
    /** Highest sequence of a group whose first frame is written, -1 before any; written under the lock, read lock-free. */
    volatile long newestStarted = -1;
    /** Groups evicted while still open and not yet superseded: {@link #started} must still wake their readers. */
    private final List<GroupState> evictedOpen = new ArrayList<>();

    TrackState(TrackInfo info, TrackLimits limits) {
        this.info = info;
        this.limits = limits;
    }

    void checkOpen() {
        if (error != null) {
            throw error.rethrowable();
        }
        if (ended) {
            throw new MoqException(MoqError.CLOSED, "track " + info.name() + " is closed");
        }
    }

    /** Under the lock: inserts a new group and evicts what the limits no longer allow. */
    GroupState insert(long sequence, long now) {
        checkOpen();
        if (groups.containsKey(sequence)) {
            throw new MoqException(MoqError.DUPLICATE, "group " + sequence + " already exists in track " + info.name());
        }
        GroupState g = new GroupState(new GroupInfo(sequence), limits, now, this);
        groups.put(sequence, g);
        if (newest == null || sequence > newest.info.sequence()) {
            newest = g;
        }
        nextSequence = Math.max(nextSequence, sequence + 1);
        evict(now);
        return g;
    }

    private void evict(long now) {
        // Oldest (lowest sequence) first; the newest group always stays.
        while (groups.size() > limits.maxGroups()) {
            dropFirst();
        }
        long maxAge = limits.maxGroupAge().toNanos();
        while (groups.size() > 1 && now - groups.firstEntry().getValue().arrivalNanos > maxAge
                && groups.firstEntry().getValue() != newest) {
            dropFirst();
        }
        long total = 0;
        for (GroupState g : groups.values()) {
            total += g.bytes;
        }
        while (total > limits.maxCachedBytes() && groups.size() > 1 && groups.firstEntry().getValue() != newest) {
            total -= dropFirst().bytes;
        }
    }

    private GroupState dropFirst() {
        evictedGroups++;
        GroupState g = groups.pollFirstEntry().getValue();
        if (!g.finished && !g.superseded()) {
            // Bounded even if groups never start (no frames): the oldest then only miss the early
            // wake-up; live readers still see the supersession at their next deadline.
            evictedOpen.removeIf(o -> o.finished);
            if (evictedOpen.size() >= limits.maxGroups()) {
                evictedOpen.removeFirst();
            }
            evictedOpen.add(g);
        }
        return g;
    }

    /**
     * Under the lock: the group a consumer with this floor and latency budget reads next, or null.
     * The newest group is always eligible; an older one only if it arrived within {@code maxLatencyNanos}
     * of the newest (a group that arrived after the newest, i.e. out of order, counts as fresh).
     */
    GroupState pick(long floor, long maxLatencyNanos) {
        GroupState top = newest;
        if (top == null || top.info.sequence() < floor) {
            return null;
        }
        if (maxLatencyNanos <= 0) {
            return top;
        }
        Iterator<Map.Entry<Long, GroupState>> it = groups.tailMap(floor, true).entrySet().iterator();
        while (it.hasNext()) {
            GroupState g = it.next().getValue();
            if (g == top || top.arrivalNanos - g.arrivalNanos <= maxLatencyNanos) {
                return g;
            }
        }
        return top;
    }

    /**
     * Under the lock: group {@code sequence} has its first frame. Returns the cached groups it newly
     * supersedes (sequence between the previous newest started group and it), whose readers must be
     * woken outside this lock; empty if a newer group had started already.
     */
    List<GroupState> started(long sequence) {
        long previous = newestStarted;
        if (sequence <= previous) {
            return List.of();
        }
        newestStarted = sequence;
        List<GroupState> woken = new ArrayList<>(groups.subMap(Math.max(0, previous), true, sequence, false).values());
        evictedOpen.removeIf(g -> g.info.sequence() < sequence && woken.add(g));
        return woken;
    }

    /** Under the lock: open evicted groups still waiting for their wake-up (bounded by {@code maxGroups}). */
    int evictedOpenCount() {
        return evictedOpen.size();
    }

    /** Under the lock: marks the end; false if already ended. */
    boolean end(MoqException cause) {
        if (ended) {
            return false;
        }
        ended = true;
        error = cause;
        return true;
    }

    /**
     * Under the lock: one more consumer. Going from zero re-arms {@link #unused}; the previous future is
     * still completed by whoever closed the last consumer, since that idle moment did happen.
     */
    void addConsumer() {
        if (consumers++ == 0) {
            unused = new CompletableFuture<>();
        }
    }

    /** Under the lock: one consumer less; returns the future to complete (outside the lock) or null. */
    CompletableFuture<Void> removeConsumer() {
        if (--consumers == 0) {
            return unused;
        }
        return null;
    }
}
