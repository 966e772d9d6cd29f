package dev.parley.rooms.gossip.proto;

import dev.parley.net.identity.EndpointId;
import dev.parley.rooms.gossip.wire.PeerData;
import dev.parley.rooms.gossip.wire.PeerInfo;
import dev.parley.rooms.gossip.wire.SwarmMessage;
import dev.parley.rooms.gossip.wire.SwarmMessage.Priority;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * HyParView membership for one topic: a small symmetric active view of connected neighbours and a
 * larger passive view used to replace them. Pure and single-threaded; see spec §1.4. Departures from
 * iroh: bootstrap joins are retried with backoff until a first neighbour is up, a refused Neighbor
 * request is retried after a delay instead of immediately (which could spin when the passive view
 * holds one full peer), and a Neighbor from a peer that is already active is never answered (no
 * ping-pong).
 */
final class HyParView {
    interface Listener {
        void neighborUp(EndpointId peer);

        void neighborDown(EndpointId peer, GossipEvent.DownReason reason);
    }

    private final EndpointId me;
    private final GossipConfig cfg;
    private final RandomGenerator random;
    private final Out out;
    private final Listener listener;
    private PeerData myData;

    private final LinkedHashSet<EndpointId> active = new LinkedHashSet<>();
    private final LinkedHashSet<EndpointId> passive = new LinkedHashSet<>();
    private final Map<EndpointId, Long> pendingNeighbor = new LinkedHashMap<>();
    private final Set<EndpointId> pendingJoin = new LinkedHashSet<>();
    private final Map<EndpointId, PeerData> peerData = new HashMap<>();
    private List<EndpointId> bootstrap = List.of();
    private long joinBackoffMs;
    private boolean joinTimerArmed;
    private boolean refillTimerArmed;
    private long seq;

    HyParView(EndpointId me, PeerData myData, GossipConfig cfg, RandomGenerator random, Out out, Listener listener) {
        this.me = me;
        this.myData = myData;
        this.cfg = cfg;
        this.random = random;
        this.out = out;
        this.listener = listener;
        this.joinBackoffMs = cfg.joinRetryInitialMs();
    }

    Set<EndpointId> active() {
        return active;
    }

    Set<EndpointId> passive() {
        return passive;
    }

    boolean isActive(EndpointId p) {
        return active.contains(p);
    }

    boolean isPending(EndpointId p) {
        return pendingNeighbor.containsKey(p) || pendingJoin.contains(p);
    }

    void setMyData(PeerData data) {
        this.myData = data;
    }

    // ---- commands -------------------------------------------------------------------------------

    void join(Collection<EndpointId> peers) {
        List<EndpointId> list = new ArrayList<>();
        for (EndpointId p : peers) {
            if (!p.equals(me) && !list.contains(p)) {
                list.add(p);
            }
        }
        bootstrap = List.copyOf(list);
        sendJoins();
        armJoinRetry();
    }

    void quit() {
        for (EndpointId p : List.copyOf(active)) {
            out.send(p, new SwarmMessage.ShuffleReply(sample(p, cfg.shuffleActiveCount() + cfg.shufflePassiveCount())));
            out.send(p, new SwarmMessage.Disconnect(false));
            out.add(new Action.Disconnect(p));
            active.remove(p);
            listener.neighborDown(p, GossipEvent.DownReason.DEMOTED);
        }
        passive.clear();
        pendingNeighbor.clear();
        pendingJoin.clear();
        bootstrap = List.of();
    }

    // ---- messages -------------------------------------------------------------------------------

    void onMessage(EndpointId from, SwarmMessage m) {
        if (from.equals(me)) {
            return;
        }
        switch (m) {
            case SwarmMessage.Join j -> onJoin(from, j.data());
            case SwarmMessage.ForwardJoin f -> onForwardJoin(from, f.peer(), f.ttl());
            case SwarmMessage.Neighbor n -> onNeighbor(from, n.priority(), n.data());
            case SwarmMessage.Shuffle s -> onShuffle(from, s);
            case SwarmMessage.ShuffleReply r -> onShuffleReply(r.nodes());
            case SwarmMessage.Disconnect d -> onDisconnect(from, d.alive());
        }
        // Hygiene: links to peers outside the active view are short-lived (shuffle, forward traffic).
        if (!(m instanceof SwarmMessage.Disconnect) && !active.contains(from) && !isPending(from)) {
            out.add(new Action.Disconnect(from));
        }
    }

    private void onJoin(EndpointId joiner, PeerData data) {
        learn(joiner, data);
        boolean wasActive = active.contains(joiner);
        addActive(joiner, Priority.HIGH);
        out.send(joiner, new SwarmMessage.Neighbor(Priority.HIGH, myData));
        if (!wasActive) {
            for (EndpointId p : active) {
                if (!p.equals(joiner)) {
                    out.send(p, new SwarmMessage.ForwardJoin(new PeerInfo(joiner, data), cfg.activeRandomWalkLength()));
                }
            }
        }
    }

    private void onForwardJoin(EndpointId from, PeerInfo peer, int ttl) {
        learn(peer.id(), peer.data());
        EndpointId p = peer.id();
        if (p.equals(me) || active.contains(p)) {
            return;
        }
        if (ttl == 0 || active.size() <= 1) {
            // Unlike the paper, add only when the peer answers: an unreachable joiner never gets in.
            if (!pendingNeighbor.containsKey(p)) {
                requestNeighbor(p, Priority.HIGH);
            }
            return;
        }
        if (ttl == cfg.passiveRandomWalkLength()) {
            addPassive(p);
        }
        EndpointId next = randomOf(active, from, p);
        if (next == null) {
            requestNeighbor(p, Priority.HIGH);
        } else {
            out.send(next, new SwarmMessage.ForwardJoin(peer, ttl - 1));
        }
    }

    private void onNeighbor(EndpointId from, Priority priority, PeerData data) {
        learn(from, data);
        boolean answer = pendingNeighbor.remove(from) != null | pendingJoin.remove(from);
        if (answer) {
            addActive(from, Priority.HIGH);
            return;
        }
        if (active.contains(from)) {
            return;
        }
        if (addActive(from, priority)) {
            out.send(from, new SwarmMessage.Neighbor(Priority.HIGH, myData));
        } else {
            refuse(from);
        }
    }

    private void onShuffle(EndpointId from, SwarmMessage.Shuffle s) {
        if (s.origin().equals(me)) {
            return;
        }
        EndpointId next = s.ttl() == 0 || active.size() <= 1 ? null : randomOf(active, s.origin(), from);
        if (next != null) {
            out.send(next, new SwarmMessage.Shuffle(s.origin(), s.nodes(), s.ttl() - 1));
            return;
        }
        out.send(s.origin(), new SwarmMessage.ShuffleReply(sampleForReply(s.origin(), s.nodes().size())));
        for (PeerInfo n : s.nodes()) {
            learn(n.id(), n.data());
            addPassive(n.id());
        }
    }

    private void onShuffleReply(List<PeerInfo> nodes) {
        for (PeerInfo n : nodes) {
            learn(n.id(), n.data());
            addPassive(n.id());
        }
        refill();
    }

    private void onDisconnect(EndpointId from, boolean alive) {
        boolean wasPending = pendingNeighbor.remove(from) != null;
        pendingJoin.remove(from);
        if (active.remove(from)) {
            listener.neighborDown(from, alive ? GossipEvent.DownReason.DEMOTED : GossipEvent.DownReason.LEFT);
        }
        if (alive) {
            addPassive(from);
        } else {
            passive.remove(from);
        }
        out.add(new Action.Disconnect(from));
        if (wasPending) {
            armRefill(); // refused: try again later, not in a tight loop
        } else {
            refill();
        }
        armJoinRetryIfAlone();
    }

    // ---- transport and timers -------------------------------------------------------------------

    /**
     * The link to {@code peer} closed without a Disconnect. {@code failed} is true for errors (idle
     * timeout, dial failure): the peer is then forgotten rather than kept in the passive view.
     */
    void onConnectionClosed(EndpointId peer, boolean failed) {
        pendingJoin.remove(peer);
        boolean wasPending = pendingNeighbor.remove(peer) != null;
        boolean wasActive = active.remove(peer);
        if (wasActive) {
            listener.neighborDown(peer, failed ? GossipEvent.DownReason.FAILED : GossipEvent.DownReason.DEMOTED);
        }
        if (failed) {
            passive.remove(peer);
        } else if (wasActive) {
            addPassive(peer);
        }
        if (wasActive || wasPending) {
            refill();
        }
        armJoinRetryIfAlone();
    }

    void onTimer(Timer t) {
        switch (t) {
            case Timer.JoinRetry r -> {
                joinTimerArmed = false;
                if (!active.isEmpty()) {
                    joinBackoffMs = cfg.joinRetryInitialMs();
                    return;
                }
                sendJoins();
                refill();
                joinBackoffMs = Math.min(joinBackoffMs * 2, cfg.joinRetryMaxMs());
                armJoinRetry();
            }
            case Timer.NeighborRequestTimeout n -> {
                Long pending = pendingNeighbor.get(n.peer());
                if (pending != null && pending == n.seq()) {
                    pendingNeighbor.remove(n.peer());
                    passive.remove(n.peer());
                    refill();
                }
            }
            case Timer.Refill r -> {
                refillTimerArmed = false;
                refill();
            }
            case Timer.Shuffle s -> {
                shuffle();
                out.schedule(cfg.shuffleIntervalMs(), new Timer.Shuffle());
            }
            default -> throw new IllegalArgumentException("not a membership timer: " + t);
        }
    }

    // ---- internals ------------------------------------------------------------------------------

    private void sendJoins() {
        for (EndpointId b : bootstrap) {
            if (!active.contains(b)) {
                pendingJoin.add(b);
                out.send(b, new SwarmMessage.Join(myData));
            }
        }
    }

    private void armJoinRetry() {
        if (!joinTimerArmed && !bootstrap.isEmpty() && active.isEmpty()) {
            joinTimerArmed = true;
            out.schedule(joinBackoffMs, new Timer.JoinRetry());
        }
    }

    private void armJoinRetryIfAlone() {
        if (active.isEmpty()) {
            joinBackoffMs = cfg.joinRetryInitialMs();
            armJoinRetry();
        }
    }

    private void armRefill() {
        if (!refillTimerArmed) {
            refillTimerArmed = true;
            out.schedule(cfg.neighborRequestTimeoutMs(), new Timer.Refill());
        }
    }

    private boolean addActive(EndpointId p, Priority priority) {
        if (p.equals(me)) {
            return false;
        }
        if (active.contains(p)) {
            return true;
        }
        if (active.size() >= cfg.activeCapacity()) {
            if (priority == Priority.LOW) {
                return false;
            }
            EndpointId evict = randomOf(active, p, null);
            out.send(evict, new SwarmMessage.ShuffleReply(sample(evict, cfg.shuffleActiveCount() + cfg.shufflePassiveCount())));
            out.send(evict, new SwarmMessage.Disconnect(true));
            out.add(new Action.Disconnect(evict));
            active.remove(evict);
            listener.neighborDown(evict, GossipEvent.DownReason.DEMOTED);
            addPassive(evict);
        }
        passive.remove(p);
        pendingNeighbor.remove(p);
        pendingJoin.remove(p);
        active.add(p);
        listener.neighborUp(p);
        return true;
    }

    private void refuse(EndpointId p) {
        out.send(p, new SwarmMessage.ShuffleReply(sample(p, cfg.shuffleActiveCount() + cfg.shufflePassiveCount())));
        out.send(p, new SwarmMessage.Disconnect(true));
        out.add(new Action.Disconnect(p));
        addPassive(p);
    }

    private void requestNeighbor(EndpointId p, Priority priority) {
        long s = ++seq;
        pendingNeighbor.put(p, s);
        out.send(p, new SwarmMessage.Neighbor(priority, myData));
        out.schedule(cfg.neighborRequestTimeoutMs(), new Timer.NeighborRequestTimeout(p, s));
    }

    private void refill() {
        while (active.size() + pendingNeighbor.size() < cfg.activeCapacity()) {
            List<EndpointId> candidates = new ArrayList<>();
            for (EndpointId p : passive) {
                if (!pendingNeighbor.containsKey(p) && !active.contains(p)) {
                    candidates.add(p);
                }
            }
            if (candidates.isEmpty()) {
                return;
            }
            EndpointId p = candidates.get(random.nextInt(candidates.size()));
            requestNeighbor(p, active.isEmpty() ? Priority.HIGH : Priority.LOW);
        }
    }

    private void shuffle() {
        EndpointId target = randomOf(active, null, null);
        if (target == null) {
            return;
        }
        List<PeerInfo> nodes = new ArrayList<>();
        for (EndpointId p : pick(active, cfg.shuffleActiveCount(), target)) {
            nodes.add(info(p));
        }
        for (EndpointId p : pick(passive, cfg.shufflePassiveCount(), target)) {
            nodes.add(info(p));
        }
        nodes.add(new PeerInfo(me, myData));
        out.send(target, new SwarmMessage.Shuffle(me, nodes, cfg.shuffleRandomWalkLength()));
    }

    private void addPassive(EndpointId p) {
        if (p.equals(me) || active.contains(p) || passive.contains(p)) {
            return;
        }
        while (passive.size() >= cfg.passiveCapacity()) {
            EndpointId victim = randomOf(passive, null, null);
            passive.remove(victim);
            pendingNeighbor.remove(victim);
        }
        passive.add(p);
    }

    private void learn(EndpointId p, PeerData data) {
        if (data != null && !p.equals(me) && !data.equals(peerData.get(p))) {
            peerData.put(p, data);
            out.add(new Action.PeerDataLearned(p, data));
        }
    }

    private PeerInfo info(EndpointId p) {
        return new PeerInfo(p, peerData.get(p));
    }

    /** Up to {@code n} peers from active and passive, excluding {@code except}, for refusals and evictions. */
    private List<PeerInfo> sample(EndpointId except, int n) {
        List<PeerInfo> out = new ArrayList<>();
        for (EndpointId p : pick(active, cfg.shuffleActiveCount(), except)) {
            out.add(info(p));
        }
        for (EndpointId p : pick(passive, n - out.size(), except)) {
            out.add(info(p));
        }
        return out;
    }

    /** A ShuffleReply: {@code n} peers from the passive view, topped up from the active view. */
    private List<PeerInfo> sampleForReply(EndpointId origin, int n) {
        List<PeerInfo> out = new ArrayList<>();
        for (EndpointId p : pick(passive, n, origin)) {
            out.add(info(p));
        }
        for (EndpointId p : pick(active, n - out.size(), origin)) {
            out.add(info(p));
        }
        return out;
    }

    private List<EndpointId> pick(Collection<EndpointId> from, int n, EndpointId except) {
        List<EndpointId> pool = new ArrayList<>(from);
        pool.remove(except);
        List<EndpointId> chosen = new ArrayList<>();
        while (chosen.size() < n && !pool.isEmpty()) {
            chosen.add(pool.remove(random.nextInt(pool.size())));
        }
        return chosen;
    }

    private EndpointId randomOf(Collection<EndpointId> from, EndpointId except1, EndpointId except2) {
        List<EndpointId> pool = new ArrayList<>(from.size());
        for (EndpointId p : from) {
            if (!p.equals(except1) && !p.equals(except2)) {
                pool.add(p);
            }
        }
        return pool.isEmpty() ? null : pool.get(random.nextInt(pool.size()));
    }
}
