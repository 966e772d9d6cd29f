package dev.parley.rooms.gossip.proto;

import dev.parley.net.identity.EndpointId;
import dev.parley.rooms.gossip.wire.PeerData;
import dev.parley.rooms.gossip.wire.SwarmMessage;
import dev.parley.rooms.gossip.wire.TopicMessage;
import dev.parley.rooms.gossip.wire.TreeMessage;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One gossip topic as a deterministic state machine: HyParView membership plus PlumTree broadcast.
 * Inputs are commands ({@link #join}, {@link #broadcast}, {@link #quit}), a message from a peer, a
 * timer firing, and a link closing; each returns the {@link Action}s to carry out. There is no I/O,
 * no clock (callers pass {@code nowMs}) and no hidden randomness (the generator is injected), so the
 * same inputs always give the same outputs. Not thread-safe: one owner thread drives it.
 */
public final class TopicState {
    private final EndpointId me;
    private final GossipConfig cfg;
    private final Out out = new Out();
    private final GossipStats stats = new GossipStats();
    private final PlumTree tree;
    private final HyParView view;
    private boolean joined;
    private boolean quit;

    public TopicState(EndpointId me, PeerData myData, GossipConfig cfg, RandomGenerator random) {
        this.me = me;
        this.cfg = cfg;
        this.tree = new PlumTree(cfg, out, stats);
        this.view = new HyParView(me, myData, cfg, random, out, new HyParView.Listener() {
            @Override
            public void neighborUp(EndpointId peer) {
                tree.neighborUp(peer);
                out.emit(new GossipEvent.NeighborUp(peer));
            }

            @Override
            public void neighborDown(EndpointId peer, GossipEvent.DownReason reason) {
                tree.neighborDown(peer);
                out.emit(new GossipEvent.NeighborDown(peer, reason));
            }
        });
    }

    public EndpointId me() {
        return me;
    }

    public GossipConfig config() {
        return cfg;
    }

    /** Starts the topic's timers and sends Join to {@code bootstrap}; may be called again to add peers. */
    public List<Action> join(Collection<EndpointId> bootstrap) {
        if (quit) {
            return List.of();
        }
        if (!joined) {
            joined = true;
            out.schedule(cfg.shuffleIntervalMs(), new Timer.Shuffle());
            out.schedule(cfg.cacheEvictIntervalMs(), new Timer.EvictCaches());
        }
        view.join(bootstrap);
        return out.drain();
    }

    /**
     * Broadcasts {@code content} to the whole topic ({@code swarm}) or to direct neighbours only.
     * Throws {@link IllegalArgumentException} when it exceeds {@link GossipConfig#maxPayload()}.
     */
    public List<Action> broadcast(byte[] content, boolean swarm, long nowMs) {
        if (quit) {
            return List.of();
        }
        tree.broadcast(content, swarm, nowMs);
        return out.drain();
    }

    /** Leaves: tells every neighbour (Disconnect, not alive) and ignores all later input. */
    public List<Action> quit() {
        if (!quit) {
            quit = true;
            view.quit();
        }
        return out.drain();
    }

    public List<Action> onMessage(EndpointId from, TopicMessage message, long nowMs) {
        if (quit || from.equals(me)) {
            return List.of();
        }
        switch (message) {
            case SwarmMessage m -> view.onMessage(from, m);
            case TreeMessage.Gossip g when !g.valid() -> stats.forged++;
            case TreeMessage m -> tree.onMessage(from, m, nowMs);
        }
        return out.drain();
    }

    public List<Action> onTimer(Timer timer, long nowMs) {
        if (quit) {
            return List.of();
        }
        switch (timer) {
            case Timer.SendGraft t -> tree.onTimer(t, nowMs);
            case Timer.DispatchLazy t -> tree.onTimer(t, nowMs);
            case Timer.EvictCaches t -> tree.onTimer(t, nowMs);
            default -> view.onTimer(timer);
        }
        return out.drain();
    }

    /** The link to {@code peer} closed without a Disconnect message; {@code failed} for errors and timeouts. */
    public List<Action> onConnectionClosed(EndpointId peer, boolean failed) {
        if (quit) {
            return List.of();
        }
        view.onConnectionClosed(peer, failed);
        return out.drain();
    }

    /** Changes the data (addresses) sent with later membership messages. */
    public void setMyData(PeerData data) {
        view.setMyData(data);
    }

    public Set<EndpointId> activeView() {
        return Set.copyOf(view.active());
    }

    public Set<EndpointId> passiveView() {
        return Set.copyOf(view.passive());
    }

    public Set<EndpointId> eagerPeers() {
        return Set.copyOf(tree.eager());
    }

    public Set<EndpointId> lazyPeers() {
        return Set.copyOf(tree.lazy());
    }

    /** True while this topic still wants a link to {@code peer} (active or a pending request). */
    public boolean wantsLink(EndpointId peer) {
        return view.isActive(peer) || view.isPending(peer);
    }

    public boolean hasQuit() {
        return quit;
    }

    public GossipStats stats() {
        return stats;
    }
}
