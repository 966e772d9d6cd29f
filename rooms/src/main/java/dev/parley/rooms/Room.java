package dev.parley.rooms;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.session.Moq;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.TransportException;
import dev.parley.rooms.chat.ChatCodec;
import dev.parley.rooms.chat.ChatException;
import dev.parley.rooms.chat.ChatHistory;
import dev.parley.rooms.chat.ChatMessage;
import dev.parley.rooms.chat.RateLimiter;
import dev.parley.rooms.gossip.net.GossipNode;
import dev.parley.rooms.gossip.net.GossipTopic;
import dev.parley.rooms.gossip.proto.GossipEvent;
import dev.parley.rooms.gossip.wire.DecodeException;
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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
 */
public final class Room implements AutoCloseable {
    public static final String ROOM_BROADCAST = "room";
    static final String HEARTBEAT_TRACK = "heartbeat";
    /** How long a chat gap waits for the history group that repairs it. */
    private static final Duration CHAT_REPAIR_WAIT = Duration.ofSeconds(5);
    /** Heartbeat payloads: alive, and the last beat a leaving peer sends. */
    static final byte HEARTBEAT_ALIVE = 1, HEARTBEAT_LEAVING = 0;
    /**
     * The moq session close code (in moq-lite's application range, >= 64) a leaving peer closes its
     * links with: the peer reads it as a leave even when the leave marker and the last beat, queued
     * a moment earlier, never made it onto the wire (a starved machine), instead of re-dialling and
     * reporting a lost connection.
     */
    static final long LEFT_CLOSE_CODE = 0x1eaf;
    private static final Logger LOG = LoggerFactory.getLogger(Room.class);
    private static final long TICK_MS = 1_000;

    private final Endpoint endpoint;
    private final GossipNode gossip;
    private final boolean ownsGossip;
    private final RoomOptions options;
    private final RoomTicket joinedWith;
    private final GossipTopic topic;
    private final MoqLinks moq;
    private final SignedKv kv;
    private final ScheduledThreadPoolExecutor actor;
    private final RoomEvents events;
    private final RoomHandle handle;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CompletableFuture<Void> left = new CompletableFuture<>();
    private final AtomicLong invalidChat = new AtomicLong();
    private final AtomicLong invalidState = new AtomicLong();
    private final AtomicLong redials = new AtomicLong();

    // actor-confined state
    private PeerState myState;
    private final Map<EndpointId, RemotePeer> peers = new HashMap<>();
    private final BroadcastProducer roomBroadcast = new BroadcastProducer();
    private final TrackProducer chatTrack;
    private final TrackProducer historyTrack;
    private final TrackProducer heartbeatTrack;
    private final ChatHistory history = new ChatHistory();
    private long chatSequence;
    private final RateLimiter sendLimiter = RateLimiter.forChat();
    private final Map<String, BroadcastProducer> published = new HashMap<>();
    private final Set<EndpointId> neighbors = new HashSet<>();
    private final SplittableRandom random = new SplittableRandom();
    private LinkState roomLink = LinkState.CONNECTED;

    /** What the room knows about one other peer; actor thread only. */
    private static final class RemotePeer {
        final EndpointId id;
        PeerState state;
        long stateTs;
        boolean present;
        /** A state must be newer than this to make the peer present again. */
        long goneUpTo;
        final Map<String, BroadcastConsumer> subscribed = new HashMap<>();
        final Set<String> subscribing = new HashSet<>();
        final RateLimiter chatLimit = RateLimiter.forChat();
        BroadcastConsumer roomFeed;
        long generation;
        /** Null while not present. */
        LinkState link;
        /** A dial (session and room feed) is running for the current generation. */
        boolean dialing;
        /** Re-dials since the link went down. */
        int attempt;
        ScheduledFuture<?> redial;
        /** The next chat group to deliver, kept across reconnects; -1 before the first follow. */
        final AtomicLong chatNext = new AtomicLong(-1);

        RemotePeer(EndpointId id) {
            this.id = id;
        }
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
        Identity identity = endpoint.identity();
        this.kv = new SignedKv(EntrySigner.of(identity.id(), identity::sign), options.kv());
        this.myState = new PeerState(List.of(), options.displayName());
        this.chatTrack = roomBroadcast.createTrack(new TrackInfo(ChatCodec.TRACK, TrackInfo.PRIORITY_CHAT));
        this.historyTrack = roomBroadcast.createTrack(new TrackInfo(ChatHistory.TRACK, TrackInfo.PRIORITY_CHAT));
        this.heartbeatTrack = roomBroadcast.createTrack(new TrackInfo(HEARTBEAT_TRACK, TrackInfo.PRIORITY_CHAT));
        historyTrack.appendGroupWithFrame(historyFrame());
        this.actor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "room-actor-" + endpoint.id().shortHex());
            t.setDaemon(true);
            return t;
        });
        actor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // pending re-dials die with the room
        actor.setRemoveOnCancelPolicy(true);
        this.moq = new MoqLinks(moqManager, ownsMoq, gossip, (peer, reason) -> post(() -> onSessionClosed(peer, reason)));
        moq.publish(ROOM_BROADCAST, roomBroadcast);
        this.topic = gossip.join(ticket.topic(), ticket.bootstrap());
        Thread.ofVirtual().name("room-gossip-" + endpoint.id().shortHex()).start(this::pumpGossip);
        post(this::start);
        actor.scheduleAtFixedRate(() -> guard(this::tick), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
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
        return RoomTicket.of(joinedWith.topic(), peers);
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
        if (!post(() -> {
            Set<EndpointId> out = new HashSet<>();
            peers.values().stream().filter(p -> p.present).forEach(p -> out.add(p.id));
            f.complete(out);
        })) {
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

    void command(RoomCommand c) {
        if (stopped.get() || !post(() -> handleCommand(c))) {
            c.reply().completeExceptionally(new ActorStoppedException("the room has been left"));
        }
    }

    CompletableFuture<Void> leave() {
        if (stopped.compareAndSet(false, true)) {
            post(this::doLeave);
        }
        return left;
    }

    private void handleCommand(RoomCommand c) {
        try {
            switch (c) {
                case RoomCommand.Publish p -> {
                    if (p.name().equals(ROOM_BROADCAST)) {
                        throw new IllegalArgumentException("'" + ROOM_BROADCAST + "' is reserved for the room itself");
                    }
                    PeerState next = myState.withBroadcast(p.name());
                    published.put(p.name(), p.broadcast());
                    moq.publish(p.name(), p.broadcast());
                    p.broadcast().closed().whenComplete((v, e) -> post(() -> {
                        if (published.remove(p.name(), p.broadcast())) {
                            writeState(myState.withoutBroadcast(p.name()));
                        }
                    }));
                    writeState(next);
                }
                case RoomCommand.Unpublish u -> {
                    published.remove(u.name());
                    writeState(myState.withoutBroadcast(u.name()));
                }
                case RoomCommand.SendChat s -> sendChat(s.text());
                case RoomCommand.SetDisplayName n -> writeState(myState.withDisplayName(n.name()));
                case RoomCommand.Leave l -> doLeave();
            }
            c.reply().complete(null);
        } catch (RuntimeException e) {
            c.reply().completeExceptionally(e);
        }
    }

    private void sendChat(String text) {
        byte[] frame = ChatCodec.encode(text);
        if (!sendLimiter.tryAcquire(System.nanoTime())) {
            throw new ChatException("chat rate limit: at most 5 messages per second (bursts of 10)");
        }
        chatTrack.appendGroupWithFrame(frame);
        chatSequence++;
        history.add(System.currentTimeMillis(), text);
        historyTrack.appendGroupWithFrame(historyFrame());
    }

    /** History frame: chat group sequence of the first entry, then the history encoding. */
    private byte[] historyFrame() {
        byte[] body = history.encode();
        long first = chatSequence - history.entries().size();
        byte[] seq = new dev.parley.rooms.gossip.wire.PostcardWriter().varint(first).toByteArray();
        byte[] out = Arrays.copyOf(seq, seq.length + body.length);
        System.arraycopy(body, 0, out, seq.length, body.length);
        return out;
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

    private void doLeave() {
        try {
            applyKv(kv.put(PeerState.LEAVE_KEY, new byte[0], nowNs()));
            topic.quit();
            heartbeatTrack.appendGroupWithFrame(new byte[] {HEARTBEAT_LEAVING}); // direct word to every linked peer
            for (RemotePeer p : peers.values()) {
                closeSubscriptions(p, false);
            }
            roomBroadcast.close();
            Thread.sleep(50); // the leave marker and goodbyes are queued; give the links a moment
            moq.leave(LEFT_CLOSE_CODE, "left the room");
            if (ownsGossip) {
                gossip.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("error while leaving the room", e);
        } finally {
            left.complete(null);
            actor.shutdown();
        }
    }

    // ---- inputs -------------------------------------------------------------------------------

    private void pumpGossip() {
        try {
            while (!stopped.get()) {
                GossipEvent e = topic.nextEvent(Duration.ofMillis(500));
                if (e != null) {
                    post(() -> onGossip(e));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
                RemotePeer p = peers.get(u.peer());
                if (p != null && p.present && p.link == LinkState.RECONNECTING && !p.dialing) {
                    redialNow(p); // the path to it works again: no need to wait for the backoff
                }
            }
            case GossipEvent.NeighborDown d -> {
                neighbors.remove(d.peer());
                RemotePeer p = peers.get(d.peer());
                if (p != null && d.reason() == GossipEvent.DownReason.LEFT) {
                    markGone(p, RoomEvent.LeaveReason.LEFT);
                }
                // a FAILED gossip link says nothing the moq link does not: that one drives reconnecting
            }
        }
    }

    private void tick() {
        applyKv(kv.tick(nowNs()));
        heartbeatTrack.appendGroupWithFrame(new byte[] {HEARTBEAT_ALIVE});
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
                    RemotePeer p = peers.get(x.scope());
                    if (p != null && Arrays.equals(x.key(), PeerState.KEY)) {
                        markGone(p, RoomEvent.LeaveReason.EXPIRED);
                    }
                }
            }
        }
    }

    private void onEntry(SignedEntry e) {
        if (e.scope().equals(me())) {
            return;
        }
        RemotePeer p = peers.computeIfAbsent(e.scope(), RemotePeer::new);
        if (Arrays.equals(e.key(), PeerState.LEAVE_KEY)) {
            if (e.timestampNs() > p.stateTs) {
                markGone(p, RoomEvent.LeaveReason.LEFT);
                p.goneUpTo = Math.max(p.goneUpTo, e.timestampNs());
            }
            return;
        }
        if (Arrays.equals(e.key(), PeerState.ADDR_KEY)) {
            try {
                EndpointAddr addr = EndpointAddr.decode(e.value());
                if (addr.id().equals(p.id)) {
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
        } catch (DecodeException bad) {
            invalidState.incrementAndGet();
            LOG.debug("invalid peer state from {}: {}", p.id.shortHex(), bad.getMessage());
            return;
        }
        if (e.timestampNs() <= p.goneUpTo) {
            return; // an older state still travelling after the peer left
        }
        PeerState before = p.state;
        p.state = state;
        p.stateTs = e.timestampNs();
        if (!p.present) {
            p.present = true;
            p.generation++;
            p.chatNext.set(-1);
            events.emit(new RoomEvent.PeerJoined(p.id, state.displayName()));
            setLink(p, LinkState.CONNECTING);
            followRoomFeed(p, true);
        } else if (!state.equals(before)) {
            events.emit(new RoomEvent.PeerUpdated(p.id, state));
        }
        syncSubscriptions(p);
    }

    private void onSessionClosed(EndpointId peer, CloseReason reason) {
        RemotePeer p = peers.get(peer);
        if (p == null || !p.present) {
            return;
        }
        if (reason instanceof CloseReason.Remote r && r.code() == LEFT_CLOSE_CODE) {
            markGone(p, RoomEvent.LeaveReason.LEFT);
        } else if (reason instanceof CloseReason.TransportError) {
            LOG.debug("moq link to {} failed: {}", peer.shortHex(), reason);
            linkDown(p);
        } else if (p.link != LinkState.RECONNECTING) {
            // a clean close without a leave (e.g. a duplicate session replaced): fetch everything again
            closeSubscriptions(p, true);
            p.generation++;
            followRoomFeed(p, false); // one dial: if it fails, the link goes RECONNECTING
            syncSubscriptions(p);
        }
    }

    /** The link to a present peer failed (session error or a failed dial): reconnect with backoff. */
    private void linkDown(RemotePeer p) {
        if (p.link != LinkState.RECONNECTING) {
            p.generation++; // stale dials and subscriptions of the old link are ignored
            p.dialing = false;
            p.attempt = 0;
            setLink(p, LinkState.RECONNECTING);
            closeSubscriptions(p, true);
            long gen = p.generation;
            schedule(() -> {
                if (p.present && p.generation == gen && p.link == LinkState.RECONNECTING) {
                    LOG.debug("{} unreachable for {}; giving up", p.id.shortHex(), options.reconnect().giveUpAfter());
                    markGone(p, RoomEvent.LeaveReason.FAILED);
                }
            }, options.reconnect().giveUpAfter().toMillis());
        }
        long delay = options.reconnect().delayMs(p.attempt++, random);
        long gen = p.generation;
        p.redial = schedule(() -> {
            if (p.present && p.generation == gen && p.link == LinkState.RECONNECTING && !p.dialing) {
                redialNow(p);
            }
        }, delay);
    }

    private void redialNow(RemotePeer p) {
        if (p.redial != null) {
            p.redial.cancel(false);
            p.redial = null;
        }
        redials.incrementAndGet();
        followRoomFeed(p, false);
    }

    /** The room feed of the current generation is up: the link works. */
    private void linkUp(RemotePeer p) {
        p.attempt = 0;
        setLink(p, LinkState.CONNECTED);
        syncSubscriptions(p);
    }

    private void setLink(RemotePeer p, LinkState state) {
        if (p.link == state) {
            return;
        }
        p.link = state;
        if (state != null) {
            events.emit(new RoomEvent.PeerConnection(p.id, state));
        }
        updateRoomLink();
    }

    /** RECONNECTING while there are present peers and every one of them is unreachable. */
    private void updateRoomLink() {
        boolean anyPresent = false;
        boolean allDown = true;
        for (RemotePeer p : peers.values()) {
            if (p.present) {
                anyPresent = true;
                allDown &= p.link == LinkState.RECONNECTING;
            }
        }
        LinkState now = anyPresent && allDown ? LinkState.RECONNECTING : LinkState.CONNECTED;
        if (now != roomLink) {
            roomLink = now;
            events.emit(new RoomEvent.RoomConnection(now));
        }
    }

    private ScheduledFuture<?> schedule(Runnable r, long delayMs) {
        try {
            return actor.schedule(() -> guard(r), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException leaving) {
            return null;
        }
    }

    private void markGone(RemotePeer p, RoomEvent.LeaveReason reason) {
        p.goneUpTo = Math.max(p.goneUpTo, p.stateTs);
        if (!p.present) {
            return;
        }
        p.present = false;
        p.generation++;
        p.dialing = false;
        if (p.redial != null) {
            p.redial.cancel(false);
            p.redial = null;
        }
        closeSubscriptions(p, true);
        p.link = null;
        events.emit(new RoomEvent.PeerLeft(p.id, reason));
        updateRoomLink();
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
        if (p.link == LinkState.RECONNECTING) {
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
        for (String name : wanted) {
            if (!p.subscribed.containsKey(name) && p.subscribing.add(name)) {
                long gen = p.generation;
                Thread.ofVirtual().name("room-subscribe-" + p.id.shortHex() + "-" + name).start(() -> {
                    try {
                        BroadcastConsumer b = sessionWithRetry(p, gen).subscribe(name, options.subscribeTimeout());
                        post(() -> onSubscribed(p, gen, name, b));
                    } catch (MoqException | IllegalStateException | TransportException e) {
                        LOG.debug("subscribing to {}/{} failed: {}", p.id.shortHex(), name, e.getMessage());
                        post(() -> p.subscribing.remove(name));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        }
    }

    private void onSubscribed(RemotePeer p, long gen, String name, BroadcastConsumer b) {
        if (!p.present || p.generation != gen || !p.subscribing.remove(name) || !p.state.broadcasts().contains(name)) {
            b.close();
            return;
        }
        p.subscribed.put(name, b);
        events.emit(new RoomEvent.BroadcastSubscribed(p.id, name, b));
        b.closed().whenComplete((v, e) -> post(() -> {
            if (p.subscribed.remove(name, b)) {
                events.emit(new RoomEvent.BroadcastEnded(p.id, name));
            }
        }));
    }

    /**
     * Subscribes to the peer's room broadcast: heartbeat, chat history, then live chat. Its arrival
     * marks the link CONNECTED; a failure marks it down. The first dial of a presence retries for a
     * while (the peer's address can arrive after its state); a re-dial tries once.
     */
    private void followRoomFeed(RemotePeer p, boolean firstDial) {
        long gen = p.generation;
        EndpointId id = p.id;
        p.dialing = true;
        Thread.ofVirtual().name("room-feed-" + id.shortHex()).start(() -> {
            BroadcastConsumer feed;
            try {
                MoqSession s = firstDial ? sessionWithRetry(p, gen) : moq.session(p.id);
                feed = s.subscribe(ROOM_BROADCAST, options.subscribeTimeout());
            } catch (MoqException | IllegalStateException | TransportException e) {
                LOG.debug("no room feed from {}: {}", id.shortHex(), e.getMessage());
                post(() -> {
                    if (p.generation == gen && p.present) {
                        p.dialing = false;
                        linkDown(p);
                    }
                });
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            post(() -> {
                if (p.generation == gen && p.present) {
                    p.dialing = false;
                    p.roomFeed = feed;
                    linkUp(p);
                } else {
                    feed.close();
                }
            });
            Thread.ofVirtual().name("room-heartbeat-" + id.shortHex()).start(() -> followHeartbeat(p, gen, feed));
            readChat(p, gen, feed);
        });
    }

    /**
     * The moq session with a present peer, retrying for a while: its state can arrive (relayed by
     * others) before its address does.
     */
    private MoqSession sessionWithRetry(RemotePeer p, long gen) throws InterruptedException {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 20 && !stopped.get() && p.generation == gen; attempt++) {
            try {
                return moq.session(p.id);
            } catch (IllegalStateException e) {
                last = e;
                Thread.sleep(250);
            }
        }
        throw last != null ? last : new IllegalStateException("peer " + p.id.shortHex() + " went away");
    }

    /**
     * Reads the peer's heartbeat. The beats only keep the connection warm, but a {@link #HEARTBEAT_LEAVING}
     * beat means the peer is leaving: it arrives over our direct link even when the gossip overlay has
     * no path left to carry the leave marker (say, our only gossip neighbours left a moment earlier).
     */
    private void followHeartbeat(RemotePeer p, long gen, BroadcastConsumer feed) {
        try (TrackConsumer t = feed.subscribe(HEARTBEAT_TRACK, TrackInfo.PRIORITY_CHAT)) {
            GroupConsumer g;
            while ((g = t.nextGroup()) != null) {
                byte[] beat = g.readFrame(); // one frame per group, written with the group
                if (beat != null && beat.length == 1 && beat[0] == HEARTBEAT_LEAVING) {
                    post(() -> {
                        if (p.generation == gen && p.present) {
                            markGone(p, RoomEvent.LeaveReason.LEFT);
                        }
                    });
                    return;
                }
            }
        } catch (MoqException | IllegalStateException | TransportException e) {
            // feed ended
        }
    }

    /** A decoded history frame: the chat group sequence of its first entry, and the entries. */
    private record HistorySnapshot(long first, List<ChatHistory.Entry> entries) {
        long end() {
            return first + entries.size();
        }
    }

    /** The newest history group that arrives within {@code timeout}; null if none. */
    private HistorySnapshot nextHistory(TrackConsumer h, Duration timeout) {
        try {
            GroupConsumer g = h.nextGroup(timeout);
            byte[] frame = g == null ? null : g.readFrame(timeout);
            if (frame == null) {
                return null;
            }
            var r = new dev.parley.rooms.gossip.wire.PostcardReader(frame);
            long first = r.varint();
            return new HistorySnapshot(first, ChatHistory.decode(Arrays.copyOfRange(frame, frame.length - r.remaining(), frame.length)));
        } catch (DecodeException bad) {
            invalidChat.incrementAndGet();
            return null;
        } catch (MoqException timeoutOrEnd) {
            return null;
        }
    }

    /**
     * Reads a peer's chat: first its history (late joiners), then the live track, one group per
     * message. Groups can overtake each other on the wire (newest first) and the model never goes
     * backwards, so a gap in sequence numbers is filled from the history track, which every sender
     * rewrites after each message.
     */
    private void readChat(RemotePeer p, long gen, BroadcastConsumer feed) {
        try (TrackConsumer h = feed.subscribe(ChatHistory.TRACK, TrackInfo.PRIORITY_CHAT);
             TrackConsumer chat = feed.subscribe(ChatCodec.TRACK, TrackInfo.PRIORITY_CHAT)) {
            chat.maxLatency(Duration.ofSeconds(30));
            long resumeAt = p.chatNext.get(); // >= 0 after a reconnect: deliver only what was missed
            long next = Math.max(0, resumeAt);
            HistorySnapshot snap = nextHistory(h, Duration.ofSeconds(3));
            if (snap != null) {
                boolean resuming = resumeAt >= 0 && resumeAt <= snap.end(); // else new, or the sender restarted
                for (long seq = resuming ? Math.max(resumeAt, snap.first()) : snap.first(); seq < snap.end(); seq++) {
                    ChatHistory.Entry e = snap.entries().get((int) (seq - snap.first()));
                    deliverChat(p, gen, seq, e.text(), Instant.ofEpochMilli(e.unixMs()), !resuming);
                }
                next = snap.end();
                LOG.debug("chat history from {}: {} messages (resuming: {})", p.id.shortHex(), snap.entries().size(), resuming);
            }
            GroupConsumer g;
            while ((g = chat.nextGroup()) != null) {
                long seq = g.sequence();
                if (seq < next) {
                    continue; // already delivered (history or repair)
                }
                if (seq > next) {
                    next = repairGap(p, gen, h, next, seq);
                }
                next = seq + 1;
                byte[] frame = g.readFrame(Duration.ofSeconds(5));
                if (frame == null) {
                    continue;
                }
                String text;
                try {
                    text = ChatCodec.decode(frame);
                } catch (ChatException bad) {
                    invalidChat.incrementAndGet();
                    continue;
                }
                deliverChat(p, gen, seq, text, Instant.now(), false);
            }
        } catch (MoqException | IllegalStateException | TransportException e) {
            LOG.debug("chat from {} ended: {}", p.id.shortHex(), e.getMessage());
        }
    }

    /**
     * Delivers messages {@code [from, to)} from the sender's history; returns where delivery stopped.
     * The history group that covers the gap was written right after the message that overtook it, but on
     * a busy machine it can trail by more than a second; waiting a few seconds keeps a burst complete
     * (chat behind the gap waits too, so order holds).
     */
    private long repairGap(RemotePeer p, long gen, TrackConsumer h, long from, long to) {
        long deadline = System.nanoTime() + CHAT_REPAIR_WAIT.toNanos();
        HistorySnapshot snap = null;
        while ((snap == null || snap.end() < to) && System.nanoTime() < deadline) {
            HistorySnapshot s = nextHistory(h, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (s != null) {
                snap = s;
            }
        }
        long next = from;
        LOG.debug("chat from {}: repairing gap [{}, {}) from history", p.id.shortHex(), from, to);
        if (snap != null) {
            for (long seq = Math.max(from, snap.first()); seq < Math.min(to, snap.end()); seq++) {
                ChatHistory.Entry e = snap.entries().get((int) (seq - snap.first()));
                deliverChat(p, gen, seq, e.text(), Instant.ofEpochMilli(e.unixMs()), false);
                next = seq + 1;
            }
        }
        if (next < to) {
            LOG.debug("chat from {}: {} messages lost in a gap", p.id.shortHex(), to - next);
        }
        return to;
    }

    /**
     * Hands chat group {@code seq} to the actor. The resume point ({@code chatNext}) moves only here, for
     * the current generation: a reader of a link that has since been replaced may still be reading, and
     * what it reads is dropped, so it must not move the point the next reader resumes from.
     */
    private void deliverChat(RemotePeer p, long gen, long seq, String text, Instant at, boolean fromHistory) {
        ChatMessage m = new ChatMessage(p.id, text, at);
        post(() -> {
            if (p.generation != gen) {
                return;
            }
            p.chatNext.set(seq + 1);
            if (!fromHistory && !p.chatLimit.tryAcquire(System.nanoTime())) {
                invalidChat.incrementAndGet();
                return;
            }
            events.emit(new RoomEvent.ChatReceived(m, fromHistory));
        });
    }

    // ---- plumbing -----------------------------------------------------------------------------

    private boolean post(Runnable r) {
        try {
            actor.execute(() -> guard(r));
            return true;
        } catch (RejectedExecutionException stoppedAlready) {
            return false;
        }
    }

    private static void guard(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("room actor task failed", e);
        }
    }

    private static long nowNs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
