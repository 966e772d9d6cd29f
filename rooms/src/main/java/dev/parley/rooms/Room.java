package dev.parley.rooms;

import dev.parley.net.actor.Actor;
import dev.parley.net.actor.ActorStoppedException;
import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.LiveRead;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.session.Moq;
import dev.parley.net.postcard.PostcardException;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.TransportException;
import dev.parley.rooms.chat.ChatMessage;
import dev.parley.rooms.chat.ChatReader;
import dev.parley.rooms.chat.RateLimiter;
import dev.parley.rooms.gossip.net.GossipNode;
import dev.parley.rooms.gossip.net.GossipTopic;
import dev.parley.rooms.gossip.proto.GossipEvent;
import dev.parley.rooms.kv.EntrySigner;
import dev.parley.rooms.kv.KvEvent;
import dev.parley.rooms.kv.SignedEntry;
import dev.parley.rooms.kv.SignedKv;
import dev.parley.rooms.presence.PeerState;
import dev.parley.rooms.ticket.RoomTicket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A multi-party room: gossip membership, signed peer state, automatic subscription to every
 * broadcast other peers announce, and chat. An actor: one thread ({@code room-actor-…}) owns all
 * state; {@link RoomHandle} sends it commands and {@link RoomEvents} carries its events.
 *
 * <p>Every peer publishes a moq broadcast named {@value #ROOM_BROADCAST} with tracks {@code chat}
 * (one group per message, one UTF-8 frame), {@code chat.history} (recent messages for late joiners)
 * and {@code heartbeat} (a tiny group every second, so the moq connection to a live peer never idles
 * out and a silent one is a crashed one; a leaving peer's last beat says so, straight over the link).
 * A peer is present from its first valid signed state until a leave marker, a leaving beat, its
 * links closing with the {@code LEFT_CLOSE_CODE}, a gossip goodbye, its state expiring, or its media
 * connection staying down for
 * {@link ReconnectPolicy#giveUpAfter()}.
 *
 * <p>Links: every present peer has a {@link LinkState}, reported as {@link RoomEvent.PeerConnection}.
 * When its moq session fails (idle timeout: the peer or our network vanished) the room reports
 * RECONNECTING, ends that peer's subscriptions ({@link RoomEvent.BroadcastEnded}), and re-dials with
 * jittered backoff; on success it reports CONNECTED and subscribes afresh (a new
 * {@link RoomEvent.BroadcastSubscribed} per broadcast, so consumers never see a consumer come back to
 * life). Chat resumes where it stopped. {@link RoomEvent.RoomConnection} says RECONNECTING while every
 * present peer is unreachable.
 *
 * <p>Structure: an {@link Actor} whose handler is a driver over pure pieces. Presence and links are
 * decided by {@link PeerLinks} (tested by simulation), peer state by the signed KV, chat reading by
 * {@link ChatReader}; the driver turns their actions into moq dials and subscriptions on virtual
 * threads, whose results come back as {@link Command}s tagged with the peer's generation.
 */
public final class Room implements JoinedRoom, RoomHandle.Target {
    public static final String ROOM_BROADCAST = "room";
    static final String HEARTBEAT_TRACK = RoomFeed.HEARTBEAT_TRACK;
    static final byte HEARTBEAT_LEAVING = RoomFeed.HEARTBEAT_LEAVING;
    /**
     * The moq session close code (in moq-lite's application range, >= 64) a leaving peer closes its
     * links with: the peer reads it as a leave even when the leave marker and the last beat, queued
     * a moment earlier, never made it onto the wire (a starved machine), instead of re-dialling and
     * reporting a lost connection.
     */
    static final long LEFT_CLOSE_CODE = 0x1eaf;
    private static final Logger LOG = LoggerFactory.getLogger(Room.class);
    private static final Duration TICK = Duration.ofSeconds(1);
    /** After the goodbyes are queued, how long the links get to send them before the sessions close. */
    private static final Duration LEAVE_FLUSH = Duration.ofMillis(50);
    private static final int INBOX = 1024;

    private final Endpoint endpoint;
    private final GossipNode gossip;
    private final boolean ownsGossip;
    private final RoomOptions options;
    private final RoomTicket joinedWith;
    private final GossipTopic topic;
    private final MoqLinks moq;
    private final SignedKv kv;
    private final Actor<Command> actor;
    private final RoomEvents events;
    private final RoomHandle handle;
    /** Set by {@link #leave()}: later commands fail at once (the actor still finishes leaving). */
    private final AtomicBoolean leaving = new AtomicBoolean();
    private final CompletableFuture<Void> left = new CompletableFuture<>();
    private final AtomicLong invalidChat = new AtomicLong();
    private final AtomicLong invalidState = new AtomicLong();
    private final AtomicLong redials = new AtomicLong();

    // actor-confined state
    private PeerState myState;
    private final PeerLinks links;
    private final Map<EndpointId, RemotePeer> peers = new HashMap<>();
    private final RoomFeed ownFeed = new RoomFeed();
    private final Map<String, BroadcastProducer> published = new HashMap<>();
    private final Set<EndpointId> neighbors = new HashSet<>();
    private boolean leavingStarted;

    /** What the room holds for one other peer besides its link ({@link PeerLinks}); actor thread only. */
    private static final class RemotePeer {
        final EndpointId id;
        PeerState state;
        /** The state before the one just accepted, to report only real changes. */
        PeerState before;
        final Map<String, BroadcastConsumer> subscribed = new HashMap<>();
        final Set<String> subscribing = new HashSet<>();
        final RateLimiter chatLimit = RateLimiter.forChat();
        BroadcastConsumer roomFeed;
        /** The next chat group to deliver, kept across reconnects; -1 before the first follow. */
        long chatNext = -1;

        RemotePeer(EndpointId id) {
            this.id = id;
        }
    }

    // ---- actor commands ---------------------------------------------------------------------

    /** What the actor does; each runs on the actor thread. Results of worker threads carry the peer's generation. */
    private sealed interface Command {
    }

    private record Start() implements Command {
    }

    private record Tick() implements Command {
    }

    private record Api(RoomRequest command) implements Command, Actor.Request<Void> {
        @Override
        public CompletableFuture<Void> reply() {
            return command.reply();
        }
    }

    private record Present(CompletableFuture<Set<EndpointId>> reply) implements Command, Actor.Request<Set<EndpointId>> {
    }

    private record Leave() implements Command {
    }

    /** {@link #LEAVE_FLUSH} after {@link Leave}: close the sessions and the gossip node, stop. */
    private record FinishLeave() implements Command {
    }

    private record Gossip(GossipEvent event) implements Command {
    }

    private record SessionClosed(EndpointId peer, CloseReason reason) implements Command {
    }

    private record PublishedClosed(String name, BroadcastProducer broadcast) implements Command {
    }

    private record FeedUp(EndpointId peer, long gen, BroadcastConsumer feed) implements Command {
    }

    private record FeedFailed(EndpointId peer, long gen) implements Command {
    }

    private record Subscribed(EndpointId peer, long gen, String name, BroadcastConsumer broadcast) implements Command {
    }

    private record SubscribeFailed(EndpointId peer, long gen, String name) implements Command {
    }

    private record SubscriptionEnded(EndpointId peer, String name, BroadcastConsumer broadcast) implements Command {
    }

    private record LeavingBeat(EndpointId peer, long gen) implements Command {
    }

    private record Chat(EndpointId peer, long gen, long seq, String text, Instant at, boolean fromHistory) implements Command {
    }

    /** A {@link PeerLinks} timer fired. */
    private record LinksTimer(PeerLinks.Event event) implements Command {
    }

    private Room(Endpoint endpoint, Moq moqManager, boolean ownsMoq, GossipNode gossip, boolean ownsGossip, RoomTicket ticket,
                 RoomOptions options) {
        this.endpoint = endpoint;
        this.gossip = gossip;
        this.ownsGossip = ownsGossip;
        this.options = options;
        this.joinedWith = ticket;
        this.events = new RoomEvents(options.eventCapacity());
        this.handle = new RoomHandle(this);
        this.links = new PeerLinks(options.reconnect(), new SplittableRandom());
        Identity identity = endpoint.identity();
        this.kv = new SignedKv(EntrySigner.of(identity.id(), identity::sign), options.kv());
        this.myState = new PeerState(List.of(), options.displayName());
        this.actor = Actor.start("room-actor-" + endpoint.id().shortHex(), INBOX, this::handle);
        this.moq = new MoqLinks(moqManager, ownsMoq, gossip, (peer, reason) -> actor.post(new SessionClosed(peer, reason)));
        moq.publish(ROOM_BROADCAST, ownFeed.broadcast());
        this.topic = gossip.join(ticket.topic(), ticket.bootstrap());
        Thread.ofVirtual().name("room-gossip-" + endpoint.id().shortHex()).start(this::pumpGossip);
        actor.post(new Start());
        actor.schedule(TICK, new Tick());
    }

    /**
     * Joins the room of {@code ticket} on {@code endpoint} (empty bootstrap: start a new room and wait).
     * The room runs gossip on the endpoint ({@code /iroh-gossip/1}) and serves moq ({@code moq-lite-03}).
     * For crash detection within seconds the endpoint's idle timeout should be short (3 s is good).
     */
    public static Room join(Endpoint endpoint, RoomTicket ticket, RoomOptions options) {
        Moq moq = Moq.attach(endpoint, Moq.Options.DEFAULT.withAutoAccept(true));
        return new Room(endpoint, moq, true, gossipNode(endpoint, options), true, ticket, options);
    }

    /**
     * Joins using the endpoint's existing moq manager (shared with calls and other rooms). The caller
     * keeps owning {@code moq} and must accept incoming sessions (or run it with auto-accept).
     */
    public static Room join(Endpoint endpoint, Moq moq, RoomTicket ticket, RoomOptions options) {
        return new Room(endpoint, moq, false, gossipNode(endpoint, options), true, ticket, options);
    }

    private static GossipNode gossipNode(Endpoint endpoint, RoomOptions options) {
        return new GossipNode(endpoint, options.gossip(), options.advertisedAddr().orElse(null));
    }

    public RoomHandle handle() {
        return handle;
    }

    public RoomEvents events() {
        return events;
    }

    public EndpointId me() {
        return endpoint.id();
    }

    /** A ticket that lists this peer first, then the peers this room was joined through. */
    public RoomTicket ticket() {
        List<EndpointAddr> peers = new ArrayList<>();
        peers.add(myAddr());
        peers.addAll(joinedWith.bootstrap());
        return joinedWith.withPeers(peers);
    }

    /** Invalid chat frames and peer states received (dropped). */
    public long invalidChat() {
        return invalidChat.get();
    }

    public long invalidStates() {
        return invalidState.get();
    }

    /** Re-dials started towards peers whose link went down (stops growing once they are gone). */
    public long redials() {
        return redials.get();
    }

    private EndpointAddr myAddr() {
        return options.advertisedAddr().orElseGet(endpoint::addr);
    }

    /**
     * The capacity estimate {@code peer} last sent on its PROBE stream for the path toward us (bits per
     * second, 0 = unknown), if its session is open: what an adaptive watcher of its media acts on.
     */
    public java.util.OptionalLong probeEstimate(EndpointId peer) {
        return moq.probeEstimate(peer);
    }

    /**
     * Follows the path statistics of the session {@code peer} is linked over now, each sample with the PROBE
     * estimate the peer last sent (what an adaptive watcher of its media acts on): the connection's own
     * samples, about every 200 ms on a transport thread, so {@code sample} must not block. Empty when no
     * session is open; ends with that session (a reconnect subscribes the peer's broadcasts again, and
     * the caller follows the new one) or when the returned handle is closed.
     */
    @Override
    public java.util.Optional<AutoCloseable> followPath(EndpointId peer,
                                                        java.util.function.BiConsumer<dev.parley.net.transport.PathStats, java.util.OptionalLong> sample) {
        return moq.followPath(peer, sample);
    }

    /**
     * Our sender's capacity estimate (bps, 0 = unknown) for each peer session that subscribes something
     * of ours: the publisher's congestion response reads them.
     */
    public List<Long> sendEstimates() {
        return moq.sendEstimates();
    }

    /** KV counters (forged, unsigned, stale, …). */
    public dev.parley.rooms.kv.KvStats kvStats() {
        return kv.stats();
    }

    /** Present peers right now (asks the actor). */
    public CompletableFuture<Set<EndpointId>> presentPeers() {
        CompletableFuture<Set<EndpointId>> f = new CompletableFuture<>();
        if (!actor.post(new Present(f))) {
            f.completeExceptionally(new ActorStoppedException("the room is closed"));
        }
        return f;
    }

    @Override
    public void close() {
        try {
            leave().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.debug("leave did not finish cleanly: {}", e.toString());
        }
    }

    // ---- commands -----------------------------------------------------------------------------

    @Override
    public void command(RoomRequest c) {
        if (leaving.get() || !actor.post(new Api(c))) {
            c.reply().completeExceptionally(new ActorStoppedException("the room has been left"));
        }
    }

    @Override
    public CompletableFuture<Void> leave() {
        if (leaving.compareAndSet(false, true) && !actor.post(new Leave())) {
            left.complete(null);
        }
        return left;
    }

    private void handle(Command c) {
        if (leavingStarted && !(c instanceof FinishLeave || c instanceof Present)) {
            discard(c); // the room is going: late results are dropped, their resources closed
            return;
        }
        switch (c) {
            case Start s -> start();
            case Tick t -> {
                tick();
                actor.schedule(TICK, t);
            }
            case Api a -> handleCommand(a.command());
            case Present p -> p.reply().complete(Set.copyOf(links.present()));
            case Leave l -> startLeaving();
            case FinishLeave f -> finishLeaving();
            case Gossip g -> onGossip(g.event());
            case SessionClosed sc -> {
                if (sc.reason() instanceof CloseReason.TransportError) {
                    LOG.debug("moq link to {} failed: {}", sc.peer().shortHex(), sc.reason());
                }
                PeerLinks.Close how = sc.reason() instanceof CloseReason.Remote r && r.code() == LEFT_CLOSE_CODE
                        ? PeerLinks.Close.LEFT
                        : sc.reason() instanceof CloseReason.TransportError ? PeerLinks.Close.FAILED : PeerLinks.Close.CLEAN;
                links(new PeerLinks.Event.SessionClosed(sc.peer(), how));
            }
            case PublishedClosed pc -> {
                if (published.remove(pc.name(), pc.broadcast())) {
                    writeState(myState.withoutBroadcast(pc.name()));
                }
            }
            case FeedUp f -> {
                RemotePeer p = peers.get(f.peer());
                if (p == null || !links.isCurrent(f.peer(), f.gen())) {
                    f.feed().close();
                    return;
                }
                p.roomFeed = f.feed();
                links(new PeerLinks.Event.FeedUp(f.peer(), f.gen()));
                long resumeAt = p.chatNext;
                Thread.ofVirtual().name("room-heartbeat-" + p.id.shortHex()).start(() -> followHeartbeat(p.id, f.gen(), f.feed()));
                Thread.ofVirtual().name("room-chat-" + p.id.shortHex()).start(() -> new ChatReader(p.id.shortHex(),
                        chatSink(p.id, f.gen())).read(f.feed(), resumeAt));
            }
            case FeedFailed f -> links(new PeerLinks.Event.FeedFailed(f.peer(), f.gen()));
            case Subscribed s -> onSubscribed(s);
            case SubscribeFailed f -> {
                RemotePeer p = peers.get(f.peer());
                if (p != null && links.isCurrent(f.peer(), f.gen())) {
                    p.subscribing.remove(f.name()); // tried again when the link is (back) up
                }
            }
            case SubscriptionEnded e -> {
                RemotePeer p = peers.get(e.peer());
                if (p != null && p.subscribed.remove(e.name(), e.broadcast())) {
                    events.emit(new RoomEvent.BroadcastEnded(p.id, e.name()));
                }
            }
            case LeavingBeat b -> links(new PeerLinks.Event.LeavingBeat(b.peer(), b.gen()));
            case Chat m -> onChat(m);
            case LinksTimer t -> links(t.event());
        }
    }

    private void discard(Command c) {
        switch (c) {
            case Api a -> a.reply().completeExceptionally(new ActorStoppedException("the room has been left"));
            case FeedUp f -> f.feed().close();
            case Subscribed s -> s.broadcast().close();
            default -> { }
        }
    }

    private void handleCommand(RoomRequest c) {
        try {
            apply(c);
            c.reply().complete(null);
        } catch (RuntimeException e) {
            c.reply().completeExceptionally(e);
        }
    }

    private void apply(RoomRequest c) {
        switch (c) {
            case RoomRequest.Publish p -> {
                if (p.name().equals(ROOM_BROADCAST)) {
                    throw new IllegalArgumentException("'" + ROOM_BROADCAST + "' is reserved for the room itself");
                }
                PeerState next = myState.withBroadcast(p.name());
                published.put(p.name(), p.broadcast());
                moq.publish(p.name(), p.broadcast());
                p.broadcast().closed().whenComplete((v, e) -> actor.post(new PublishedClosed(p.name(), p.broadcast())));
                writeState(next);
            }
            case RoomRequest.Unpublish u -> {
                published.remove(u.name());
                writeState(myState.withoutBroadcast(u.name()));
            }
            case RoomRequest.SendChat s -> ownFeed.sendChat(s.text());
            case RoomRequest.SetDisplayName n -> writeState(myState.withDisplayName(n.name()));
            case RoomRequest.Leave l -> {
                leaving.set(true);
                startLeaving();
            }
        }
    }

    private void writeState(PeerState next) {
        myState = next;
        applyKv(kv.put(PeerState.KEY, next.encode(), nowNs()));
    }

    private void start() {
        byte[] addr = myAddr().encode();
        if (addr.length <= options.kv().maxValueBytes()) {
            applyKv(kv.put(PeerState.ADDR_KEY, addr, nowNs()));
        }
        writeState(myState);
    }

    /** Queues the goodbyes (leave marker, gossip Disconnects, the leaving beat), then lets them go out. */
    private void startLeaving() {
        if (leavingStarted) {
            return;
        }
        leavingStarted = true;
        try {
            applyKv(kv.put(PeerState.LEAVE_KEY, new byte[0], nowNs()));
            topic.quit();
            ownFeed.leavingBeat(); // direct word to every linked peer
            for (RemotePeer p : peers.values()) {
                closeSubscriptions(p, false);
            }
            ownFeed.close();
        } catch (RuntimeException e) {
            LOG.warn("error while leaving the room", e);
        }
        actor.schedule(LEAVE_FLUSH, new FinishLeave());
    }

    private void finishLeaving() {
        CompletableFuture<Void> moqDone = CompletableFuture.completedFuture(null);
        CompletableFuture<Void> gossipDone = CompletableFuture.completedFuture(null);
        try {
            moqDone = moq.leave(LEFT_CLOSE_CODE, "left the room");
            if (ownsGossip) {
                gossipDone = gossip.closeAsync();
            }
        } catch (RuntimeException e) {
            LOG.warn("error while leaving the room", e);
        }
        actor.stop();
        CompletableFuture.allOf(moqDone, gossipDone).orTimeout(4, TimeUnit.SECONDS)
                .whenComplete((v, e) -> left.complete(null));
    }

    // ---- inputs -------------------------------------------------------------------------------

    private void pumpGossip() {
        try {
            while (!leaving.get()) {
                GossipEvent e = topic.nextEvent(Duration.ofMillis(500));
                if (e != null) {
                    actor.tell(new Gossip(e)); // waits while the room is busy: gossip's own queue absorbs bursts
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ActorStoppedException roomGone) {
            // left
        }
    }

    private void onGossip(GossipEvent e) {
        switch (e) {
            case GossipEvent.Received r -> applyKv(kv.onGossip(r.content(), nowNs()));
            case GossipEvent.NeighborUp u -> {
                if (neighbors.isEmpty()) {
                    applyKv(kv.refreshOwn(nowNs())); // what we wrote while alone reached nobody
                }
                neighbors.add(u.peer());
                applyKv(kv.onNeighborUp());
                links(new PeerLinks.Event.NeighborUp(u.peer()));
            }
            case GossipEvent.NeighborDown d -> {
                neighbors.remove(d.peer());
                if (d.reason() == GossipEvent.DownReason.LEFT) {
                    links(new PeerLinks.Event.NeighborLeft(d.peer()));
                }
                // a FAILED gossip link says nothing the moq link does not: that one drives reconnecting
            }
        }
    }

    private void tick() {
        applyKv(kv.tick(nowNs()));
        ownFeed.beat();
    }

    private void applyKv(List<SignedKv.Output> outputs) {
        for (SignedKv.Output o : outputs) {
            switch (o) {
                case SignedKv.Output.Broadcast b -> {
                    if (!topic.hasQuit()) {
                        if (b.swarm()) {
                            topic.broadcast(b.payload());
                        } else {
                            topic.broadcastNeighbors(b.payload());
                        }
                    }
                }
                case SignedKv.Output.Event(KvEvent.Updated u) -> onEntry(u.entry());
                case SignedKv.Output.Event(KvEvent.Expired x) -> {
                    if (Arrays.equals(x.key(), PeerState.KEY)) {
                        links(new PeerLinks.Event.Expired(x.scope()));
                    }
                }
            }
        }
    }

    private void onEntry(SignedEntry e) {
        if (e.scope().equals(me())) {
            return;
        }
        EndpointId id = e.scope();
        if (Arrays.equals(e.key(), PeerState.LEAVE_KEY)) {
            links(new PeerLinks.Event.LeaveSeen(id, e.timestampNs()));
            return;
        }
        if (Arrays.equals(e.key(), PeerState.ADDR_KEY)) {
            try {
                EndpointAddr addr = EndpointAddr.decode(e.value());
                if (addr.id().equals(id)) {
                    gossip.addAddress(addr);
                }
            } catch (RuntimeException bad) {
                invalidState.incrementAndGet();
            }
            return;
        }
        if (!Arrays.equals(e.key(), PeerState.KEY)) {
            return; // unknown keys are ignored, so newer peers can add some
        }
        PeerState state;
        try {
            state = PeerState.decode(e.value());
        } catch (PostcardException bad) {
            invalidState.incrementAndGet();
            LOG.debug("invalid peer state from {}: {}", id.shortHex(), bad.getMessage());
            return;
        }
        if (!links.accepts(id, e.timestampNs())) {
            return; // an older state still travelling after the peer left
        }
        RemotePeer p = peers.computeIfAbsent(id, RemotePeer::new);
        p.before = p.state;
        p.state = state;
        links(new PeerLinks.Event.StateSeen(id, e.timestampNs()));
    }

    // ---- links: PeerLinks decides, the driver does -------------------------------------------

    private void links(PeerLinks.Event event) {
        for (PeerLinks.Action a : links.on(event)) {
            RemotePeer p = a instanceof PeerLinks.Action.RoomLinkChanged || a instanceof PeerLinks.Action.Schedule
                    ? null : peers.computeIfAbsent(peerOf(a), RemotePeer::new);
            switch (a) {
                case PeerLinks.Action.Joined j -> {
                    p.chatNext = -1;
                    events.emit(new RoomEvent.PeerJoined(p.id, p.state.displayName()));
                }
                case PeerLinks.Action.Updated u -> {
                    if (!p.state.equals(p.before)) {
                        events.emit(new RoomEvent.PeerUpdated(p.id, p.state));
                    }
                }
                case PeerLinks.Action.Left l -> events.emit(new RoomEvent.PeerLeft(p.id, l.reason()));
                case PeerLinks.Action.LinkChanged l -> events.emit(new RoomEvent.PeerConnection(p.id, l.state()));
                case PeerLinks.Action.RoomLinkChanged r -> events.emit(new RoomEvent.RoomConnection(r.state()));
                case PeerLinks.Action.Dial d -> {
                    if (d.redial()) {
                        redials.incrementAndGet();
                    }
                    followRoomFeed(p.id, d.gen());
                }
                case PeerLinks.Action.DropSubscriptions d -> closeSubscriptions(p, true);
                case PeerLinks.Action.Subscribe s -> syncSubscriptions(p);
                case PeerLinks.Action.Schedule s -> actor.schedule(Duration.ofMillis(s.delayMs()), new LinksTimer(s.event()));
            }
        }
    }

    private static EndpointId peerOf(PeerLinks.Action a) {
        return switch (a) {
            case PeerLinks.Action.Joined j -> j.peer();
            case PeerLinks.Action.Updated u -> u.peer();
            case PeerLinks.Action.Left l -> l.peer();
            case PeerLinks.Action.LinkChanged l -> l.peer();
            case PeerLinks.Action.Dial d -> d.peer();
            case PeerLinks.Action.DropSubscriptions d -> d.peer();
            case PeerLinks.Action.Subscribe s -> s.peer();
            case PeerLinks.Action.RoomLinkChanged r -> throw new IllegalArgumentException("no peer");
            case PeerLinks.Action.Schedule s -> s.event().peer();
        };
    }

    private void closeSubscriptions(RemotePeer p, boolean emit) {
        for (Map.Entry<String, BroadcastConsumer> s : p.subscribed.entrySet()) {
            s.getValue().close();
            if (emit) {
                events.emit(new RoomEvent.BroadcastEnded(p.id, s.getKey()));
            }
        }
        p.subscribed.clear();
        p.subscribing.clear();
        if (p.roomFeed != null) {
            p.roomFeed.close();
            p.roomFeed = null;
        }
    }

    // ---- subscriptions ------------------------------------------------------------------------

    private void syncSubscriptions(RemotePeer p) {
        if (!links.isPresent(p.id) || links.link(p.id) == LinkState.RECONNECTING) {
            return; // subscribed afresh once the link is back
        }
        Set<String> wanted = new HashSet<>(p.state.broadcasts());
        for (String name : List.copyOf(p.subscribed.keySet())) {
            if (!wanted.contains(name)) {
                p.subscribed.remove(name).close();
                events.emit(new RoomEvent.BroadcastEnded(p.id, name));
            }
        }
        p.subscribing.retainAll(wanted);
        long gen = links.generation(p.id);
        EndpointId id = p.id;
        for (String name : wanted) {
            if (!p.subscribed.containsKey(name) && p.subscribing.add(name)) {
                Thread.ofVirtual().name("room-subscribe-" + id.shortHex() + "-" + name).start(() -> {
                    try {
                        BroadcastConsumer b = moq.session(id).subscribe(name, options.subscribeTimeout());
                        if (!actor.post(new Subscribed(id, gen, name, b))) {
                            b.close();
                        }
                    } catch (MoqException | IllegalStateException | TransportException e) {
                        LOG.debug("subscribing to {}/{} failed: {}", id.shortHex(), name, e.getMessage());
                        actor.post(new SubscribeFailed(id, gen, name));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        }
    }

    private void onSubscribed(Subscribed s) {
        RemotePeer p = peers.get(s.peer());
        BroadcastConsumer b = s.broadcast();
        if (p == null || !links.isCurrent(s.peer(), s.gen()) || !p.subscribing.remove(s.name())
                || !p.state.broadcasts().contains(s.name())) {
            b.close();
            return;
        }
        p.subscribed.put(s.name(), b);
        events.emit(new RoomEvent.BroadcastSubscribed(p.id, s.name(), b));
        b.closed().whenComplete((v, e) -> actor.post(new SubscriptionEnded(p.id, s.name(), b)));
    }

    /**
     * Dials the peer and subscribes its room broadcast (heartbeat, chat history, live chat) for
     * generation {@code gen}; the result comes back as {@link FeedUp} or {@link FeedFailed}.
     */
    private void followRoomFeed(EndpointId id, long gen) {
        Thread.ofVirtual().name("room-feed-" + id.shortHex()).start(() -> {
            try {
                BroadcastConsumer feed = moq.session(id).subscribe(ROOM_BROADCAST, options.subscribeTimeout());
                if (!actor.post(new FeedUp(id, gen, feed))) {
                    feed.close();
                }
            } catch (MoqException | IllegalStateException | TransportException e) {
                LOG.debug("no room feed from {}: {}", id.shortHex(), e.getMessage());
                actor.post(new FeedFailed(id, gen));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * Reads the peer's heartbeat. The beats only keep the connection warm, but a {@link #HEARTBEAT_LEAVING}
     * beat means the peer is leaving: it arrives over our direct link even when the gossip overlay has
     * no path left to carry the leave marker (say, our only gossip neighbours left a moment earlier).
     */
    private void followHeartbeat(EndpointId id, long gen, BroadcastConsumer feed) {
        try (TrackConsumer t = feed.subscribe(HEARTBEAT_TRACK, TrackInfo.PRIORITY_CHAT)) {
            // every wait bounded (LiveRead); a beat that stalls behind a newer one is skipped (one frame per group)
            for (LiveRead.Next n; !((n = LiveRead.nextGroup(t)) instanceof LiveRead.Next.Ended); ) {
                if (!(n instanceof LiveRead.Next.Group(GroupConsumer g))) {
                    continue;
                }
                try (g) {
                    LiveRead.Frame f;
                    do {
                        f = LiveRead.frame(g, Duration.ZERO);
                    } while (f instanceof LiveRead.Frame.Waiting);
                    if (f instanceof LiveRead.Frame.Data(byte[] beat) && beat.length == 1 && beat[0] == HEARTBEAT_LEAVING) {
                        actor.post(new LeavingBeat(id, gen));
                        return;
                    }
                } catch (MoqException aborted) {
                    // that beat's group only
                }
            }
        } catch (MoqException | IllegalStateException | TransportException e) {
            // feed ended
        }
    }

    /** Chat read for generation {@code gen} goes to the actor; the reader waits while the room is busy. */
    private ChatReader.Sink chatSink(EndpointId id, long gen) {
        return new ChatReader.Sink() {
            @Override
            public void deliver(long seq, String text, Instant at, boolean fromHistory) {
                actor.tell(new Chat(id, gen, seq, text, at, fromHistory));
            }

            @Override
            public void invalid() {
                invalidChat.incrementAndGet();
            }
        };
    }

    /**
     * Delivers chat group {@code seq}. The resume point ({@code chatNext}) moves only here, for the
     * current generation: a reader of a link that has since been replaced may still be reading, and
     * what it reads is dropped, so it must not move the point the next reader resumes from.
     */
    private void onChat(Chat m) {
        RemotePeer p = peers.get(m.peer());
        if (p == null || links.generation(m.peer()) != m.gen()) {
            return;
        }
        p.chatNext = m.seq() + 1;
        if (!m.fromHistory() && !p.chatLimit.tryAcquire(System.nanoTime())) {
            invalidChat.incrementAndGet();
            return;
        }
        events.emit(new RoomEvent.ChatReceived(new ChatMessage(p.id, m.text(), m.at()), m.seq(), m.fromHistory()));
    }

    private static long nowNs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
