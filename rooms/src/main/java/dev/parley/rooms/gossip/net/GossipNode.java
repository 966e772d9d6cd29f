package dev.parley.rooms.gossip.net;

import dev.parley.net.actor.Actor;
import dev.parley.net.actor.ActorStoppedException;
import dev.parley.net.identity.EndpointId;
import dev.parley.net.postcard.PostcardException;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.Connection;
import dev.parley.net.transport.RecvStream;
import dev.parley.net.transport.TransportException;
import dev.parley.rooms.gossip.proto.Action;
import dev.parley.rooms.gossip.proto.GossipConfig;
import dev.parley.rooms.gossip.proto.TopicState;
import dev.parley.rooms.gossip.wire.AddrInfo;
import dev.parley.rooms.gossip.wire.Frames;
import dev.parley.rooms.gossip.wire.PeerData;
import dev.parley.rooms.gossip.wire.TopicId;
import dev.parley.rooms.gossip.wire.TopicMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs gossip topics over the QUIC {@link Endpoint} on ALPN {@value #ALPN}, with iroh-gossip's
 * framing: one connection per peer shared by all topics, one unidirectional stream per (direction,
 * topic) starting with the 32-byte topic header, then {@code u32}-length frames. Zero-length frames
 * are keepalives (a Parley addition: they keep QUIC's idle timer for live peers, so a silent peer is
 * a crashed one).
 *
 * <p>Threads: one actor thread owns every {@link TopicState} and runs their timers; one virtual
 * thread per peer link sends; one virtual thread per incoming stream reads. Readers hand decoded
 * messages to the actor through a bounded budget ({@link #INBOUND_BUDGET}), so a flooding peer is
 * slowed by QUIC flow control instead of growing memory. Malformed frames are dropped and counted;
 * broken framing stops only that stream.
 */
public final class GossipNode implements AutoCloseable {
    public static final String ALPN = "/iroh-gossip/1";
    static final int INBOUND_BUDGET = 1024;
    static final long DIAL_TIMEOUT_MS = 5_000;
    static final long LINGER_MS = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(GossipNode.class);
    private static final long START_NS = System.nanoTime();

    final Endpoint endpoint;
    private final EndpointAddr advertised;
    final GossipNetStats stats = new GossipNetStats();
    private final GossipConfig cfg;
    private final Actor<Command> actor;
    private final Map<TopicId, GossipTopic> topics = new ConcurrentHashMap<>();
    private final Map<EndpointId, PeerLink> links = new ConcurrentHashMap<>();
    private final AddressBook addresses = new AddressBook();
    private final SplittableRandom seeds = new SplittableRandom(new SecureRandom().nextLong());
    private volatile boolean closed;

    public GossipNode(Endpoint endpoint, GossipConfig cfg) {
        this(endpoint, cfg, null);
    }

    /**
     * As {@link #GossipNode(Endpoint, GossipConfig)}, telling peers {@code advertised} (a forwarded
     * port, a proxy) instead of the endpoint's own address; null for the endpoint's.
     */
    public GossipNode(Endpoint endpoint, GossipConfig cfg, EndpointAddr advertised) {
        this.endpoint = endpoint;
        this.cfg = cfg;
        this.advertised = advertised;
        this.actor = Actor.start("gossip-actor-" + endpoint.id().shortHex(), INBOUND_BUDGET, this::handle);
        endpoint.register(ALPN, this::accept);
    }

    public EndpointId id() {
        return endpoint.id();
    }

    public GossipNetStats stats() {
        return stats;
    }

    /**
     * Joins {@code topic} through {@code bootstrap} (their addresses are remembered for dialing).
     * With no bootstrap peers the node waits to be joined. Joining again adds bootstrap peers.
     */
    public GossipTopic join(TopicId topic, List<EndpointAddr> bootstrap) {
        if (closed) {
            throw new IllegalStateException("the gossip node is closed");
        }
        GossipTopic t = topics.computeIfAbsent(topic, id -> new GossipTopic(this, id,
                new TopicState(endpoint.id(), myData(), cfg, seeds.split())));
        join(t, bootstrap);
        return t;
    }

    void join(GossipTopic t, List<EndpointAddr> bootstrap) {
        List<EndpointId> ids = new ArrayList<>();
        for (EndpointAddr a : bootstrap) {
            if (!a.id().equals(endpoint.id())) {
                addresses.reported(a);
                ids.add(a.id());
            }
        }
        post(new Join(t, List.copyOf(ids)));
    }

    /**
     * Remembers where a peer says it can be reached (tickets, its room address entry). This replaces
     * what it said before but never the addresses it was seen at.
     */
    public void addAddress(EndpointAddr addr) {
        if (!addr.id().equals(endpoint.id())) {
            addresses.reported(addr);
        }
    }

    /**
     * Where {@code peer} can be dialed: the addresses its connections came from (or our dials reached it
     * at) merged with what tickets and membership data say; null if unknown.
     */
    public EndpointAddr addressOf(EndpointId peer) {
        return addresses.dialable(peer);
    }

    /** {@code peer} was reached at, or connected from, {@code address}. */
    void seenAt(EndpointId peer, java.net.SocketAddress address) {
        // a path-layer stand-in (relayed connection) is no address anyone could dial
        if (address instanceof InetSocketAddress isa && !isa.isUnresolved()
                && !dev.parley.net.path.MappedAddresses.isMapped(isa)) {
            addresses.seen(peer, isa);
        }
    }

    int maxMessageSize() {
        return cfg.maxMessageSize();
    }

    boolean isClosed() {
        return closed;
    }

    static long nowMs() {
        return (System.nanoTime() - START_NS) / 1_000_000;
    }

    private PeerData myData() {
        EndpointAddr me = advertised != null ? advertised : endpoint.addr();
        return new AddrInfo(me.relayUrls().stream().findFirst(), me.directAddresses()).toPeerData();
    }

    // ---- actor --------------------------------------------------------------------------------

    /** What the actor does; each runs on the actor thread. */
    sealed interface Command {
    }

    private record Join(GossipTopic topic, List<EndpointId> bootstrap) implements Command {
    }

    record Broadcast(GossipTopic topic, byte[] content, boolean swarm) implements Command {
    }

    /** A decoded message from a stream reader; readers wait while the inbox is full (the inbound budget). */
    private record Inbound(TopicId topic, EndpointId from, TopicMessage message) implements Command {
    }

    private record Tick(GossipTopic topic, dev.parley.rooms.gossip.proto.Timer timer) implements Command {
    }

    private record CloseIfUnused(EndpointId peer) implements Command {
    }

    private record LinkLost(EndpointId peer, boolean failed) implements Command {
    }

    private record Read<T>(Supplier<T> read, CompletableFuture<T> reply) implements Command, Actor.Request<T> {
    }

    private record Quit(GossipTopic topic, CompletableFuture<Void> reply) implements Command, Actor.Request<Void> {
    }

    /** Quits every topic, then {@link CloseLinks} after {@link #FLUSH_MS} lets the writers send the goodbyes. */
    private record Shutdown(CompletableFuture<Void> reply) implements Command, Actor.Request<Void> {
    }

    private record CloseLinks(CompletableFuture<Void> reply) implements Command {
    }

    /** How long the link writers get to send the goodbyes (Disconnects) before the links close. */
    static final long FLUSH_MS = 100;

    private void handle(Command c) {
        switch (c) {
            case Join j -> apply(j.topic(), j.topic().state.join(j.bootstrap()));
            case Broadcast b -> {
                if (!b.topic().state.hasQuit()) {
                    apply(b.topic(), b.topic().state.broadcast(b.content(), b.swarm(), nowMs()));
                }
            }
            case Inbound in -> {
                GossipTopic t = topics.get(in.topic());
                if (t != null && !t.state.hasQuit()) {
                    apply(t, t.state.onMessage(in.from(), in.message(), nowMs()));
                }
            }
            case Tick tm -> {
                if (!tm.topic().state.hasQuit()) {
                    apply(tm.topic(), tm.topic().state.onTimer(tm.timer(), nowMs()));
                }
            }
            case CloseIfUnused u -> closeIfUnused(u.peer());
            case LinkLost l -> {
                for (GossipTopic t : topics.values()) {
                    apply(t, t.state.onConnectionClosed(l.peer(), l.failed()));
                }
            }
            case Read<?> r -> answer(r);
            case Quit q -> {
                quitNow(q.topic());
                q.reply().complete(null);
            }
            case Shutdown s -> {
                List.copyOf(topics.values()).forEach(this::quitNow);
                actor.schedule(java.time.Duration.ofMillis(FLUSH_MS), new CloseLinks(s.reply()));
            }
            case CloseLinks cl -> {
                closed = true;
                endpoint.unregister(ALPN);
                for (PeerLink l : links.values()) {
                    Connection conn = l.conn;
                    if (conn != null) {
                        l.closingByUs = true;
                        conn.close(0, "gossip node closed");
                    }
                }
                actor.stop();
                cl.reply().complete(null);
            }
        }
    }

    private <T> void answer(Read<T> r) {
        r.reply().complete(r.read().get());
    }

    private void quitNow(GossipTopic t) {
        if (!t.state.hasQuit()) {
            apply(t, t.state.quit());
            topics.remove(t.id(), t);
        }
    }

    /** Queues {@code c} for the actor, waiting if its inbox is full; false if the node is closed. */
    boolean post(Command c) {
        try {
            actor.tell(c);
            return true;
        } catch (ActorStoppedException closedAlready) {
            LOG.debug("gossip node closed; dropping {}", c.getClass().getSimpleName());
            return false;
        }
    }

    <T> CompletableFuture<T> call(Supplier<T> s) {
        try {
            return actor.ask(reply -> new Read<>(s, reply));
        } catch (ActorStoppedException closedAlready) {
            return CompletableFuture.failedFuture(new ActorStoppedException("the gossip node is closed"));
        }
    }

    CompletableFuture<Void> quit(GossipTopic t) {
        try {
            return actor.ask(reply -> new Quit(t, reply));
        } catch (ActorStoppedException closedAlready) {
            return CompletableFuture.failedFuture(new ActorStoppedException("the gossip node is closed"));
        }
    }

    /** Carries out a state machine's actions; actor thread only. */
    void apply(GossipTopic t, List<Action> actions) {
        for (Action a : actions) {
            switch (a) {
                case Action.Send s -> {
                    byte[] frame;
                    try {
                        frame = Frames.message(s.message(), cfg.maxMessageSize());
                    } catch (IllegalArgumentException tooBig) {
                        stats.dropped.incrementAndGet();
                        continue;
                    }
                    link(s.to()).enqueue(new PeerLink.Item.Frame(t.id(), frame));
                }
                case Action.Disconnect d -> {
                    PeerLink l = links.get(d.peer());
                    if (l != null) {
                        l.enqueue(new PeerLink.Item.Release(t.id()));
                        actor.schedule(java.time.Duration.ofMillis(LINGER_MS), new CloseIfUnused(d.peer()));
                    }
                }
                case Action.Emit e -> t.deliver(e.event());
                case Action.Schedule s -> actor.schedule(java.time.Duration.ofMillis(s.delayMs()), new Tick(t, s.timer()));
                case Action.PeerDataLearned p -> learn(p.peer(), p.data());
            }
        }
    }

    private void closeIfUnused(EndpointId peer) {
        for (GossipTopic t : topics.values()) {
            if (t.state.wantsLink(peer)) {
                return;
            }
        }
        PeerLink l = links.get(peer);
        if (l != null) {
            l.closeByUs("gossip: no longer a neighbour");
        }
    }

    private void learn(EndpointId peer, PeerData data) {
        try {
            AddrInfo info = AddrInfo.fromPeerData(data);
            if (!info.directAddresses().isEmpty() || info.relayUrl().isPresent()) {
                addresses.reported(new EndpointAddr(peer, info.directAddresses(),
                        info.relayUrl().map(List::of).orElse(List.of())));
            }
        } catch (PostcardException | IllegalArgumentException e) {
            stats.malformed.incrementAndGet();
        }
    }

    private PeerLink link(EndpointId peer) {
        return links.computeIfAbsent(peer, p -> new PeerLink(p, this));
    }

    // ---- connections --------------------------------------------------------------------------

    private void accept(Connection c) {
        EndpointId peer = c.remoteId().orElse(null);
        if (peer == null) {
            c.close(1, "gossip needs an authenticated peer");
            return;
        }
        seenAt(peer, c.remoteAddress()); // behind a NAT this is the one address of it that works
        adopt(peer, c);
    }

    /** Makes {@code c} the connection used to send to {@code peer} and starts reading it. */
    void adopt(EndpointId peer, Connection c) {
        PeerLink l = link(peer);
        if (l.conn == c) {
            return;
        }
        l.conn = c; // the newest connection sends; older ones keep being read until they close
        l.closingByUs = false;
        Thread.ofVirtual().name("gossip-accept-" + peer.shortHex()).start(() -> acceptStreams(peer, c));
        c.closed().whenComplete((reason, e) -> connectionClosed(l, c, reason));
    }

    private void acceptStreams(EndpointId peer, Connection c) {
        try {
            while (true) {
                RecvStream s = c.acceptUni();
                Thread.ofVirtual().name("gossip-recv-" + peer.shortHex()).start(() -> readStream(peer, s));
            }
        } catch (TransportException closed) {
            // connection gone: its close watcher reports it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readStream(EndpointId peer, RecvStream s) {
        FrameReader reader = new FrameReader(s, cfg.maxMessageSize());
        try {
            byte[] header = reader.next();
            if (header == null) {
                return;
            }
            TopicId topic = Frames.decodeHeader(header);
            if (!topics.containsKey(topic)) {
                stats.unknownTopic.incrementAndGet();
                s.stop(2);
                return;
            }
            while (true) {
                byte[] body = reader.next();
                if (body == null) {
                    return; // the peer is done with this topic on this connection
                }
                if (body.length == 0) {
                    continue; // keepalive
                }
                TopicMessage m;
                try {
                    m = TopicMessage.decode(body);
                } catch (PostcardException bad) {
                    stats.malformed.incrementAndGet();
                    LOG.debug("malformed gossip frame from {}: {}", peer.shortHex(), bad.getMessage());
                    continue;
                }
                stats.framesIn.incrementAndGet();
                if (!post(new Inbound(topic, peer, m))) {
                    return;
                }
            }
        } catch (PostcardException | FrameReader.TruncatedException broken) {
            stats.badStreams.incrementAndGet();
            LOG.debug("stopping a broken gossip stream from {}: {}", peer.shortHex(), broken.getMessage());
            try {
                s.stop(1);
            } catch (TransportException ignored) {
                // already gone
            }
        } catch (TransportException gone) {
            // reset or connection closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void connectionClosed(PeerLink l, Connection c, CloseReason reason) {
        if (l.conn != c) {
            return; // an older connection; the current one still stands
        }
        l.conn = null;
        if (l.closingByUs || closed) {
            return;
        }
        boolean failed = reason instanceof CloseReason.TransportError;
        LOG.debug("gossip link to {} closed ({}): {}", l.peer.shortHex(), failed ? "failed" : "closed", reason);
        actor.post(new LinkLost(l.peer, failed)); // a close callback: never waits
    }

    void linkFailed(PeerLink l) {
        actor.post(new LinkLost(l.peer, true));
    }

    /**
     * Quits every topic (neighbours are told), gives the link writers {@link #FLUSH_MS} to send the
     * goodbyes, then closes the links and stops the actor. Never blocks; idempotent.
     */
    public CompletableFuture<Void> closeAsync() {
        try {
            return actor.ask(Shutdown::new);
        } catch (ActorStoppedException closedAlready) {
            return actor.terminated();
        }
    }

    /** {@link #closeAsync()}, waiting up to a second for it. */
    @Override
    public void close() {
        try {
            closeAsync().get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.debug("gossip close did not finish: {}", e.toString());
        }
    }
}
