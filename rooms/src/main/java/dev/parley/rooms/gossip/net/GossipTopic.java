package dev.parley.rooms.gossip.net;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.rooms.gossip.proto.GossipEvent;
import dev.parley.rooms.gossip.proto.TopicState;
import dev.parley.rooms.gossip.wire.TopicId;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A joined gossip topic: broadcast into it and take its events. Events queue up to
 * {@link #EVENT_CAPACITY}; when the consumer falls behind the oldest are dropped and counted in
 * {@link #lagged()}. Thread-safe; the state machine itself lives on the node's actor thread.
 */
public final class GossipTopic {
    public static final int EVENT_CAPACITY = 2048;

    private final GossipNode node;
    private final TopicId id;
    final TopicState state;
    private final BlockingQueue<GossipEvent> events = new ArrayBlockingQueue<>(EVENT_CAPACITY);
    private final AtomicLong lagged = new AtomicLong();
    private final CompletableFuture<Void> joined = new CompletableFuture<>();
    private volatile boolean quit;

    GossipTopic(GossipNode node, TopicId id, TopicState state) {
        this.node = node;
        this.id = id;
        this.state = state;
    }

    public TopicId id() {
        return id;
    }

    /** Broadcasts to every member; throws {@link IllegalArgumentException} above the payload limit. */
    public void broadcast(byte[] content) {
        checkSize(content);
        node.post(new GossipNode.Broadcast(this, content.clone(), true));
    }

    /** Sends to direct neighbours only (anti-entropy); they do not forward it. */
    public void broadcastNeighbors(byte[] content) {
        checkSize(content);
        node.post(new GossipNode.Broadcast(this, content.clone(), false));
    }

    /** Adds peers to join through (for example from another ticket). */
    public void joinPeers(List<EndpointAddr> peers) {
        node.join(this, peers);
    }

    /** Waits up to {@code timeout} for the next event; null on timeout. */
    public GossipEvent nextEvent(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Completes when the first neighbour is up. */
    public CompletableFuture<Void> joined() {
        return joined;
    }

    /** The current active view. */
    public CompletableFuture<Set<EndpointId>> neighbors() {
        return node.call(state::activeView);
    }

    /** Events dropped because the consumer was too slow. */
    public long lagged() {
        return lagged.get();
    }

    /** Leaves the topic: neighbours get a Disconnect (they see us leave at once). Idempotent. */
    public CompletableFuture<Void> quit() {
        quit = true;
        return node.quit(this);
    }

    public boolean hasQuit() {
        return quit;
    }

    /** Counters of the state machine (read on the actor thread). */
    public CompletableFuture<long[]> protocolStats() {
        return node.call(() -> new long[] {state.stats().delivered(), state.stats().repeats(), state.stats().forged()});
    }

    void deliver(GossipEvent e) {
        if (e instanceof GossipEvent.NeighborUp) {
            joined.complete(null);
        }
        while (!events.offer(e)) {
            if (events.poll() != null) {
                lagged.incrementAndGet();
            }
        }
    }

    private void checkSize(byte[] content) {
        if (content.length > state.config().maxPayload()) {
            throw new IllegalArgumentException("gossip payload of " + content.length + " bytes exceeds "
                    + state.config().maxPayload());
        }
    }
}
