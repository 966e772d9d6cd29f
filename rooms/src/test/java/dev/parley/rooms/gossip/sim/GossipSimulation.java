package dev.parley.rooms.gossip.sim;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.rooms.gossip.proto.Action;
import dev.parley.rooms.gossip.proto.GossipConfig;
import dev.parley.rooms.gossip.proto.GossipEvent;
import dev.parley.rooms.gossip.proto.TopicState;
import dev.parley.rooms.gossip.wire.Frames;
import dev.parley.rooms.gossip.wire.PeerData;
import dev.parley.rooms.gossip.wire.TopicMessage;
import dev.parley.rooms.kv.EntrySigner;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * A discrete-event, single-threaded simulation of one gossip topic across many peers. Every message
 * is encoded to bytes and decoded again (so the wire format is exercised), links are FIFO with a
 * random latency, a crashed peer is noticed by its neighbours only after an idle timeout, and sending
 * to a dead peer fails like a dial would. Fully deterministic for a given seed.
 */
public final class GossipSimulation {
    /** Simulated QUIC idle timeout after which a crashed neighbour is reported. */
    public static final long IDLE_TIMEOUT_MS = 3_000;

    public final class Node {
        public final EndpointId id;
        public final TopicState state;
        /** Signs as {@link #id}: the simulated peer's Ed25519 key. */
        public final EntrySigner signer;
        boolean alive = true;
        final List<byte[]> received = new ArrayList<>();
        BiConsumer<Node, GossipEvent> app = (n, e) -> { };

        Node(EntrySigner signer, TopicState state) {
            this.id = signer.id();
            this.signer = signer;
            this.state = state;
        }

        public boolean alive() {
            return alive;
        }

        public List<byte[]> received() {
            return received;
        }

        /** Hook for an application layer (e.g. the signed KV) running on top of this node. */
        public void onEvent(BiConsumer<Node, GossipEvent> app) {
            this.app = app;
        }

        public void broadcast(byte[] content, boolean swarm) {
            if (alive) {
                apply(this, state.broadcast(content, swarm, now));
            }
        }
    }

    private record Scheduled(long at, long seq, Runnable task) {}

    private final GossipConfig cfg;
    private final SplittableRandom random;
    private final long minLatencyMs;
    private final long maxLatencyMs;
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>(
            (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private final Map<EndpointId, Node> nodes = new LinkedHashMap<>();
    private final Map<List<EndpointId>, Long> linkClock = new HashMap<>();
    private long now;
    private long seq;
    private long messagesSent;
    private long bytesSent;
    private long wireFrames;

    public GossipSimulation(GossipConfig cfg, long seed, long minLatencyMs, long maxLatencyMs) {
        this.cfg = cfg;
        this.random = new SplittableRandom(seed);
        this.minLatencyMs = minLatencyMs;
        this.maxLatencyMs = maxLatencyMs;
    }

    public long now() {
        return now;
    }

    public long messagesSent() {
        return messagesSent;
    }

    public long bytesSent() {
        return bytesSent;
    }

    public Collection<Node> nodes() {
        return nodes.values();
    }

    public List<Node> aliveNodes() {
        return nodes.values().stream().filter(n -> n.alive).toList();
    }

    public Node node(EndpointId id) {
        return nodes.get(id);
    }

    /** Adds a peer with a random id; it does nothing until {@link #join}. */
    public Node addNode() {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        EntrySigner signer = EntrySigner.of(Identity.fromSecret(seed));
        EndpointId id = signer.id();
        Node n = new Node(signer, new TopicState(id, PeerData.of(new byte[] {1, 2, 3}), cfg, random.split()));
        nodes.put(id, n);
        return n;
    }

    /** Joins {@code n} through {@code bootstrap} after {@code delayMs}. */
    public void join(Node n, List<EndpointId> bootstrap, long delayMs) {
        at(now + delayMs, () -> {
            if (n.alive) {
                apply(n, n.state.join(bootstrap));
            }
        });
    }

    /** A crash: no goodbye; neighbours notice after the idle timeout. */
    public void kill(Node n) {
        n.alive = false;
        for (Node other : nodes.values()) {
            if (other.alive && other.state.activeView().contains(n.id)) {
                at(now + IDLE_TIMEOUT_MS, () -> {
                    if (other.alive) {
                        apply(other, other.state.onConnectionClosed(n.id, true));
                    }
                });
            }
        }
    }

    /** Brings a peer that was never started or was killed back (with fresh state kept from before). */
    public void setOnline(Node n, boolean online) {
        n.alive = online;
    }

    /** A clean leave: Disconnect to every neighbour, then the peer stops. */
    public void leave(Node n) {
        apply(n, n.state.quit());
        n.alive = false;
    }

    /** Runs until {@code done} holds (checked after every event) or {@code limitMs} of simulated time pass. */
    public boolean runUntil(BooleanSupplier done, long limitMs) {
        long deadline = now + limitMs;
        while (!done.getAsBoolean()) {
            Scheduled s = queue.peek();
            if (s == null || s.at > deadline) {
                now = deadline;
                return done.getAsBoolean();
            }
            queue.poll();
            now = s.at;
            s.task.run();
        }
        return true;
    }

    /** Runs {@code task} every {@code periodMs} for live nodes, starting after one period. */
    public void every(long periodMs, java.util.function.Consumer<Node> task) {
        at(now + periodMs, () -> {
            for (Node n : List.copyOf(nodes.values())) {
                if (n.alive) {
                    task.accept(n);
                }
            }
            every(periodMs, task);
        });
    }

    /** Runs for {@code ms} of simulated time. */
    public void runFor(long ms) {
        runUntil(() -> false, ms);
    }

    // ---- invariants -----------------------------------------------------------------------------

    /** Every live peer has a neighbour, views are symmetric, and the active-view graph is connected. */
    public boolean converged() {
        List<Node> alive = aliveNodes();
        if (alive.isEmpty()) {
            return true;
        }
        for (Node n : alive) {
            Set<EndpointId> active = n.state.activeView();
            if (active.isEmpty() && alive.size() > 1) {
                return false;
            }
            for (EndpointId p : active) {
                Node peer = nodes.get(p);
                if (peer == null || !peer.alive || !peer.state.activeView().contains(n.id)) {
                    return false;
                }
            }
        }
        Set<EndpointId> seen = new HashSet<>();
        ArrayDeque<EndpointId> todo = new ArrayDeque<>();
        todo.add(alive.getFirst().id);
        seen.add(alive.getFirst().id);
        while (!todo.isEmpty()) {
            for (EndpointId p : nodes.get(todo.poll()).state.activeView()) {
                if (seen.add(p)) {
                    todo.add(p);
                }
            }
        }
        return seen.size() == alive.size();
    }

    // ---- internals ------------------------------------------------------------------------------

    private void at(long time, Runnable r) {
        queue.add(new Scheduled(time, seq++, r));
    }

    private void apply(Node n, List<Action> actions) {
        for (Action a : actions) {
            switch (a) {
                case Action.Send s -> send(n, s.to(), s.message());
                case Action.Schedule s -> at(now + s.delayMs(), () -> {
                    if (n.alive) {
                        apply(n, n.state.onTimer(s.timer(), now));
                    }
                });
                case Action.Emit e -> {
                    if (e.event() instanceof GossipEvent.Received r) {
                        n.received.add(r.content());
                    }
                    n.app.accept(n, e.event());
                }
                case Action.Disconnect d -> { }
                case Action.PeerDataLearned p -> { }
            }
        }
    }

    private void send(Node from, EndpointId to, TopicMessage m) {
        byte[] frame = Frames.message(m, cfg.maxMessageSize());
        messagesSent++;
        bytesSent += frame.length;
        Node target = nodes.get(to);
        long latency = minLatencyMs + random.nextLong(maxLatencyMs - minLatencyMs + 1);
        if (target == null || !target.alive) {
            if (from.state.activeView().contains(to)) {
                return; // lost on an established link: only the idle timeout (see kill) notices
            }
            // a dial to a dead peer fails after a couple of round trips
            at(now + 4 * latency, () -> {
                if (from.alive) {
                    apply(from, from.state.onConnectionClosed(to, true));
                }
            });
            return;
        }
        List<EndpointId> link = List.of(from.id, to);
        long deliverAt = Math.max(now + latency, linkClock.getOrDefault(link, 0L));
        linkClock.put(link, deliverAt);
        at(deliverAt, () -> {
            if (target.alive) {
                TopicMessage decoded = TopicMessage.decode(java.util.Arrays.copyOfRange(frame, 4, frame.length));
                wireFrames++;
                apply(target, target.state.onMessage(from.id, decoded, now));
            }
        });
    }
}
