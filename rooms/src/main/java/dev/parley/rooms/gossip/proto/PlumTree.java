package dev.parley.rooms.gossip.proto;

import dev.parley.net.identity.EndpointId;
import dev.parley.rooms.gossip.wire.MessageId;
import dev.parley.rooms.gossip.wire.TreeMessage;
import dev.parley.rooms.gossip.wire.TreeMessage.Announcement;
import dev.parley.rooms.gossip.wire.TreeMessage.Scope;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PlumTree broadcast for one topic (spec §1.5): full payloads travel a spanning tree of eager links,
 * ids travel the remaining lazy links as batched IHaves, and a missing id is grafted from its
 * announcer, which repairs the tree. Pure and single-threaded. One change from iroh: a
 * neighbours-only broadcast goes to eager and lazy neighbours alike, not to eager ones only.
 */
final class PlumTree {
    private record Cached(byte[] content, int round, long expiresAt) {}

    private record Announcer(EndpointId peer, int round) {}

    private final GossipConfig cfg;
    private final Out out;
    private final Set<EndpointId> eager = new LinkedHashSet<>();
    private final Set<EndpointId> lazy = new LinkedHashSet<>();
    private final Map<MessageId, Long> received = new LinkedHashMap<>();
    private final Map<MessageId, Cached> cache = new LinkedHashMap<>();
    private final Map<MessageId, Deque<Announcer>> missing = new LinkedHashMap<>();
    private final Map<EndpointId, List<Announcement>> lazyQueue = new LinkedHashMap<>();
    private boolean dispatchArmed;
    private final GossipStats stats;

    PlumTree(GossipConfig cfg, Out out, GossipStats stats) {
        this.cfg = cfg;
        this.out = out;
        this.stats = stats;
    }

    Set<EndpointId> eager() {
        return eager;
    }

    Set<EndpointId> lazy() {
        return lazy;
    }

    void neighborUp(EndpointId p) {
        lazy.remove(p);
        eager.add(p);
    }

    void neighborDown(EndpointId p) {
        eager.remove(p);
        lazy.remove(p);
        lazyQueue.remove(p);
        for (Deque<Announcer> q : missing.values()) {
            q.removeIf(a -> a.peer().equals(p));
        }
    }

    void broadcast(byte[] content, boolean swarm, long now) {
        if (content.length > cfg.maxPayload()) {
            throw new IllegalArgumentException("broadcast of " + content.length + " bytes exceeds the gossip payload limit of "
                    + cfg.maxPayload());
        }
        MessageId id = MessageId.hash(content);
        if (!swarm) {
            TreeMessage.Gossip g = new TreeMessage.Gossip(id, content, new Scope.Neighbors());
            eager.forEach(p -> out.send(p, g));
            lazy.forEach(p -> out.send(p, g));
            return;
        }
        received.put(id, now + cfg.messageIdRetentionMs());
        cache.put(id, new Cached(content, 0, now + cfg.messageCacheRetentionMs()));
        push(id, content, 0, null);
    }

    void onMessage(EndpointId from, TreeMessage m, long now) {
        switch (m) {
            case TreeMessage.Gossip g -> onGossip(from, g, now);
            case TreeMessage.Prune p -> {
                if (eager.remove(from)) {
                    lazy.add(from);
                }
            }
            case TreeMessage.IHave h -> onIHave(from, h.entries());
            case TreeMessage.Graft g -> onGraft(from, g);
        }
    }

    private void onGossip(EndpointId from, TreeMessage.Gossip g, long now) {
        stats.gossipReceived++;
        if (g.scope() instanceof Scope.Neighbors) {
            out.emit(new GossipEvent.Received(g.content(), from, g.scope()));
            return;
        }
        int round = ((Scope.Swarm) g.scope()).round();
        if (received.containsKey(g.id())) {
            stats.repeats++;
            if (eager.remove(from)) {
                lazy.add(from);
                out.send(from, new TreeMessage.Prune());
            }
            return;
        }
        int next = Math.min(round + 1, 0xFFFF);
        received.put(g.id(), now + cfg.messageIdRetentionMs());
        cache.put(g.id(), new Cached(g.content(), next, now + cfg.messageCacheRetentionMs()));
        Deque<Announcer> announcers = missing.remove(g.id());
        if (announcers != null && !announcers.isEmpty()) {
            // A shorter path exists through an announcer: graft it and prune the slow eager link.
            Announcer best = announcers.peekFirst();
            if (round - best.round() >= cfg.optimizationThreshold()) {
                makeEager(best.peer());
                out.send(best.peer(), new TreeMessage.Graft(null, best.round()));
                if (eager.remove(from)) {
                    lazy.add(from);
                }
                out.send(from, new TreeMessage.Prune());
            }
        }
        push(g.id(), g.content(), next, from);
        stats.delivered++;
        out.emit(new GossipEvent.Received(g.content(), from, g.scope()));
    }

    private void onIHave(EndpointId from, List<Announcement> entries) {
        for (Announcement a : entries) {
            if (received.containsKey(a.id())) {
                continue;
            }
            Deque<Announcer> q = missing.get(a.id());
            if (q == null) {
                q = new ArrayDeque<>();
                missing.put(a.id(), q);
                out.schedule(cfg.graftTimeout1Ms(), new Timer.SendGraft(a.id()));
            }
            if (q.size() < 16) {
                q.addLast(new Announcer(from, a.round()));
            }
        }
    }

    private void onGraft(EndpointId from, TreeMessage.Graft g) {
        makeEager(from);
        if (g.id() != null) {
            Cached c = cache.get(g.id());
            if (c != null) {
                out.send(from, new TreeMessage.Gossip(g.id(), c.content(), new Scope.Swarm(c.round())));
            }
        }
    }

    void onTimer(Timer t, long now) {
        switch (t) {
            case Timer.SendGraft s -> {
                Deque<Announcer> q = missing.get(s.id());
                if (q == null) {
                    return;
                }
                if (received.containsKey(s.id()) || q.isEmpty()) {
                    missing.remove(s.id());
                    return;
                }
                Announcer a = q.pollFirst();
                makeEager(a.peer());
                stats.grafts++;
                out.send(a.peer(), new TreeMessage.Graft(s.id(), a.round()));
                out.schedule(cfg.graftTimeout2Ms(), new Timer.SendGraft(s.id()));
            }
            case Timer.DispatchLazy d -> {
                dispatchArmed = false;
                int perMessage = (cfg.maxPayload() - 3) / Announcement.MAX_SIZE;
                for (Map.Entry<EndpointId, List<Announcement>> e : lazyQueue.entrySet()) {
                    List<Announcement> all = e.getValue();
                    for (int i = 0; i < all.size(); i += perMessage) {
                        out.send(e.getKey(), new TreeMessage.IHave(all.subList(i, Math.min(all.size(), i + perMessage))));
                    }
                }
                lazyQueue.clear();
            }
            case Timer.EvictCaches e -> {
                evict(received.entrySet().iterator(), now);
                cache.values().removeIf(c -> c.expiresAt() <= now);
                out.schedule(cfg.cacheEvictIntervalMs(), new Timer.EvictCaches());
            }
            default -> throw new IllegalArgumentException("not a broadcast timer: " + t);
        }
    }

    private static void evict(Iterator<Map.Entry<MessageId, Long>> it, long now) {
        while (it.hasNext()) {
            if (it.next().getValue() <= now) {
                it.remove();
            }
        }
    }

    private void push(MessageId id, byte[] content, int round, EndpointId except) {
        TreeMessage.Gossip g = new TreeMessage.Gossip(id, content, new Scope.Swarm(round));
        for (EndpointId p : eager) {
            if (!p.equals(except)) {
                out.send(p, g);
            }
        }
        for (EndpointId p : lazy) {
            if (!p.equals(except)) {
                lazyQueue.computeIfAbsent(p, k -> new ArrayList<>()).add(new Announcement(id, round));
            }
        }
        if (!lazyQueue.isEmpty() && !dispatchArmed) {
            dispatchArmed = true;
            out.schedule(cfg.dispatchTimeoutMs(), new Timer.DispatchLazy());
        }
    }

    private void makeEager(EndpointId p) {
        if (lazy.remove(p)) {
            eager.add(p);
        }
    }

    int cachedMessages() {
        return cache.size();
    }

    int knownIds() {
        return received.size();
    }
}
