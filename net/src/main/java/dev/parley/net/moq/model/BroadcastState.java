package dev.parley.net.moq.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Shared state of one broadcast: its tracks by name, the dynamic handler, end state and consumers. Guarded by {@link #watch}. */
final class BroadcastState {
    final TrackLimits limits;
    final Watch<BroadcastState> watch = new Watch<>(this);
    final HashMap<String, TrackProducer> tracks = new HashMap<>();
    final CompletableFuture<Void> closedFuture = new CompletableFuture<>();
    /** Run once when the broadcast ends; removable, unlike future dependents, so origins can unregister. */
    final ArrayList<Runnable> endListeners = new ArrayList<>();
    /** Origin ids of the relays the broadcast came through, nearest the publisher first; set before it is shared. */
    volatile java.util.List<Long> hops = java.util.List.of();
    Consumer<TrackRequest> handler;
    boolean ended;
    MoqException error;
    int consumers;
    CompletableFuture<Void> unused = CompletableFuture.completedFuture(null);

    BroadcastState(TrackLimits limits) {
        this.limits = limits;
    }

    void checkOpen() {
        if (error != null) {
            throw error.rethrowable();
        }
        if (ended) {
            throw new MoqException(MoqError.CLOSED, "broadcast is closed");
        }
    }

    void addConsumer() {
        if (consumers++ == 0) {
            unused = new CompletableFuture<>();
        }
    }

    CompletableFuture<Void> removeConsumer() {
        return --consumers == 0 ? unused : null;
    }
}
