package dev.parley.rooms;

import dev.parley.net.actor.Actor;
import dev.parley.net.actor.ActorStoppedException;
import dev.parley.net.identity.EndpointId;
import dev.parley.net.moq.model.Announce;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.OriginConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.session.Moq;
import dev.parley.net.moq.session.MoqRelayUrl;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.PathStats;
import dev.parley.net.transport.TransportException;
import dev.parley.rooms.chat.ChatMessage;
import dev.parley.rooms.chat.ChatReader;
import dev.parley.rooms.chat.RateLimiter;
import dev.parley.rooms.presence.PeerState;
import dev.parley.rooms.relay.RelayPaths;
import dev.parley.rooms.ticket.RoomMode;
import dev.parley.rooms.ticket.RoomTicket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * A room carried by a moq-lite relay ({@link RoomMode#RELAY}): one session to the relay in the room's
 * scope ({@link RelayPaths#roomScope}), where this peer publishes each broadcast once as
 * {@code <endpoint-id>/<name>} plus its {@value Room#ROOM_BROADCAST} feed (chat, history, heartbeat, and a
 * {@value #STATE_TRACK} track with its {@link PeerState} for the display name), and subscribes what the
 * others announce. Browsers publishing only a {@code camera} are participants like any other.
 *
 * <p>An actor like {@link Room}: the pure {@link RelayMembership} decides presence and subscriptions from
 * the relay's announces; this driver turns its actions into subscriptions on virtual threads, whose
 * results come back as commands tagged with the relay session's generation. A failed relay session is
 * re-dialed with the room's reconnect backoff. A GOAWAY naming another relay (a draining relay's
 * {@code --goaway-uri}) moves the room there: the session is closed and re-dialed at the named relay,
 * with the room's scope and token when the URI names no path ({@link MoqRelayUrl#redirect}).
 */
public final class RelayRoom implements JoinedRoom, RoomHandle.Target {
    /** The track of the room feed that carries the publisher's {@link PeerState} (latest group wins). */
    static final String STATE_TRACK = ParticipantNames.STATE_TRACK;
    private static final Logger LOG = LoggerFactory.getLogger(RelayRoom.class);
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LEAVE_FLUSH = Duration.ofMillis(50);
    private static final long RESYNC_MS = 3_000;
    /** How long an announce's end waits before it counts: longer than a closing session takes to say so. */
    private static final Duration END_CONFIRM = Duration.ofMillis(300);
    /** How long a join waits for the relay to refuse our announces (a few round trips on any real path). */
    private static final Duration REFUSAL_WAIT = Duration.ofMillis(750);

    private final EndpointId me;
    private final RoomTicket ticket;
    /** Where the room's session goes; moved by a GOAWAY that names another relay (actor-written). */
    private volatile MoqRelayUrl url;
    private final RoomOptions options;
    private final Moq moq;
    private final Actor<Command> actor;
    private final RoomEvents events;
    private final RoomHandle handle;
    private final AtomicBoolean leaving = new AtomicBoolean();
    private final CompletableFuture<Void> left = new CompletableFuture<>();
    private final CompletableFuture<Void> firstSession = new CompletableFuture<>();
    /** Hybrid: media and feeds of a participant are subscribed only while it is in {@link #relayed}. */
    private final boolean onDemand;
    private volatile MoqSession current;
    /** The first relay session, for the join's checks (it may have closed already). */
    private volatile MoqSession first;

    // actor-confined
    private final RelayMembership membership;
    private final RoomFeed ownFeed = new RoomFeed();
    private final TrackProducer stateTrack;
    private PeerState myState;
    private final Map<String, BroadcastProducer> published = new LinkedHashMap<>();
    private final Map<String, BroadcastConsumer> publishedHandles = new HashMap<>();
    private final Map<RelayPaths.Participant, Remote> remotes = new HashMap<>();
    private final Set<RelayPaths.Participant> relayed = new HashSet<>();
    /** Ended paths waiting for {@link #END_CONFIRM}, with the sequence of their end. */
    private final Map<String, Long> pendingEnds = new HashMap<>();
    private long endSeq;
    private MoqSession session;
    private long gen;
    private long backoffMs;
    private boolean leavingStarted;

    private static final class Remote {
        final RelayPaths.Participant who;
        final EndpointId id;
        final Map<String, BroadcastConsumer> subscribed = new HashMap<>();
        final Set<String> subscribing = new HashSet<>();
        final RateLimiter chatLimit = RateLimiter.forChat();
        BroadcastConsumer roomFeed;
        PeerState state = PeerState.empty();
        long chatNext = -1;

        Remote(RelayPaths.Participant who) {
            this.who = who;
            this.id = who.endpointId();
        }
    }

    private sealed interface Command {
    }

    private record Dial() implements Command {
    }

    private record SessionUp(MoqSession session) implements Command {
    }

    private record SessionFailed(String why) implements Command {
    }

    private record SessionDown(long gen, CloseReason reason) implements Command {
    }

    /** The relay of session {@code gen} is going away and names {@code uri} to move to. */
    private record Redirect(long gen, String uri) implements Command {
    }

    private record Announced(long gen, String path, boolean active) implements Command {
    }

    private record ConfirmEnd(long gen, String path, long seq) implements Command {
    }

    private record Subscribed(long gen, RelayPaths.Participant who, String name, BroadcastConsumer broadcast) implements Command {
    }

    private record SubscribeFailed(long gen, RelayPaths.Participant who, String name) implements Command {
    }

    private record SubscriptionEnded(RelayPaths.Participant who, String name, BroadcastConsumer broadcast) implements Command {
    }

    private record StateSeen(long gen, RelayPaths.Participant who, PeerState state) implements Command {
    }

    private record Chat(long gen, RelayPaths.Participant who, long seq, String text, Instant at, boolean fromHistory) implements Command {
    }

    private record Timer(RelayMembership.Event.Timer timer) implements Command {
    }

    private record Tick() implements Command {
    }

    private record SetRelayed(EndpointId peer, boolean on) implements Command {
    }

    private record Api(RoomRequest request) implements Command, Actor.Request<Void> {
        @Override
        public CompletableFuture<Void> reply() {
            return request.reply();
        }
    }

    private record Present(CompletableFuture<Set<EndpointId>> reply) implements Command, Actor.Request<Set<EndpointId>> {
    }

    private record Leave() implements Command {
    }

    private record FinishLeave() implements Command {
    }

    private RelayRoom(Endpoint endpoint, RoomTicket ticket, RoomOptions options, boolean onDemand) {
        EndpointId me = endpoint.id();
        if (ticket.mode() == RoomMode.GOSSIP || ticket.moqRelay().isEmpty()) {
            throw new IllegalArgumentException("a relay room needs a ticket naming a moq relay");
        }
        this.me = me;
        this.onDemand = onDemand;
        this.ticket = ticket;
        this.options = options;
        this.url = MoqRelayUrl.parse(ticket.moqRelay().get()).under(RelayPaths.roomScope(ticket.topic()));
        this.events = new RoomEvents(options.eventCapacity());
        this.handle = new RoomHandle(this);
        this.membership = new RelayMembership(RESYNC_MS, options.reconnect().giveUpAfter().toMillis());
        this.myState = new PeerState(List.of(), options.displayName());
        this.stateTrack = ownFeed.broadcast().createTrack(new TrackInfo(STATE_TRACK, TrackInfo.PRIORITY_CHAT));
        stateTrack.appendGroupWithFrame(myState.encode());
        // Dials only the relay; through our endpoint when its URL names the relay's key (moql://<id>@…). No
        // ALPN is registered: in a hybrid room the gossip room serves moq-lite on this endpoint.
        this.moq = new Moq(peer -> endpoint.connect(peer, Moq.Options.DEFAULT.alpns()), Moq.Options.DEFAULT);
        this.backoffMs = options.reconnect().firstDelay().toMillis();
        this.actor = Actor.start("relay-room-" + me.shortHex(), 1024, this::handle);
        actor.post(new Dial());
        actor.schedule(TICK, new Tick());
    }

    /**
     * Joins the room of {@code ticket} (mode {@link RoomMode#RELAY}) through its relay with {@code endpoint}'s
     * identity. Waits for the first relay session and for the relay to take this peer's room feed: a
     * relay that refuses the scope or the token, or only lets this peer read, is an
     * {@link IllegalStateException} saying so (everything is closed again).
     */
    public static RelayRoom join(Endpoint endpoint, RoomTicket ticket, RoomOptions options) {
        return join(endpoint, ticket, options, false);
    }

    /** {@code onDemand}: subscribe a participant's broadcasts only after {@link #setRelayed} (hybrid rooms). */
    static RelayRoom join(Endpoint endpoint, RoomTicket ticket, RoomOptions options, boolean onDemand) {
        RelayRoom room = new RelayRoom(endpoint, ticket, options, onDemand);
        try {
            room.firstSession.get(DIAL_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            room.checkPublishing();
            return room;
        } catch (ExecutionException e) {
            room.close();
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            room.close();
            throw new IllegalStateException("the moq relay " + room.url.redacted() + " did not answer in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            room.close();
            throw new IllegalStateException("interrupted while joining the room");
        } catch (RuntimeException e) {
            room.close();
            throw e;
        }
    }

    /**
     * A relay that may not let us publish resets our announce stream (moq-lite has no positive answer to
     * a client's announce, and a relay does not show a client its own broadcasts), which comes back
     * within a round trip of the session's start: wait that long for a refusal.
     */
    private void checkPublishing() throws InterruptedException {
        MoqSession s = first;
        if (s == null) {
            throw new IllegalStateException("the moq relay session closed while joining");
        }
        try {
            long code = s.announceRefused().get(REFUSAL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            throw new IllegalStateException("the moq relay " + url.redacted() + " does not let this peer publish in "
                    + url.scope() + " (announce refused with code " + code + "); it needs a read-write token or a"
                    + " --public prefix covering /" + RelayPaths.ROOMS_PREFIX);
        } catch (TimeoutException | ExecutionException accepted) {
            CloseReason closed = s.closed().getNow(null);
            if (closed != null) {
                throw new IllegalStateException("the moq relay " + url.redacted() + " closed the session: " + closed);
            }
        }
    }

    @Override
    public RoomHandle handle() {
        return handle;
    }

    @Override
    public RoomEvents events() {
        return events;
    }

    @Override
    public EndpointId me() {
        return me;
    }

    @Override
    public RoomTicket ticket() {
        return ticket;
    }

    /** The room's scope URL on the relay (with the credentials of the ticket's URL). */
    public MoqRelayUrl scopeUrl() {
        return url;
    }

    @Override
    public OptionalLong probeEstimate(EndpointId peer) {
        MoqSession s = current;
        return s == null || s.isClosed() ? OptionalLong.empty() : s.probeEstimate(); // the relay sends everyone's media
    }

    @Override
    public Optional<AutoCloseable> followPath(EndpointId peer, BiConsumer<PathStats, OptionalLong> sample) {
        MoqSession s = current; // every peer's media comes over the one relay session
        return s == null || s.isClosed() ? Optional.empty()
                : Optional.of(s.connection().onPathStats(p -> sample.accept(p, s.probeEstimate())));
    }

    @Override
    public List<Long> sendEstimates() {
        MoqSession s = current;
        return s == null || s.isClosed() || s.servedSubscriptions() == 0 ? List.of() : List.of(s.sendEstimate());
    }

    /** The open relay session, if any (for stats). */
    public Optional<MoqSession> relaySession() {
        MoqSession s = current;
        return s == null || s.isClosed() ? Optional.empty() : Optional.of(s);
    }

    /** Hybrid: start ({@code on}) or stop receiving {@code peer} through the relay. */
    void setRelayed(EndpointId peer, boolean on) {
        actor.post(new SetRelayed(peer, on));
    }

    @Override
    public CompletableFuture<Set<EndpointId>> presentPeers() {
        CompletableFuture<Set<EndpointId>> f = new CompletableFuture<>();
        if (!actor.post(new Present(f))) {
            f.completeExceptionally(new ActorStoppedException("the room is closed"));
        }
        return f;
    }

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

    @Override
    public void close() {
        try {
            leave().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("leave did not finish cleanly: {}", e.toString());
        }
    }

    // ---- the actor -------------------------------------------------------------------------

    private void handle(Command c) {
        if (leavingStarted && !(c instanceof FinishLeave || c instanceof Present)) {
            switch (c) {
                case Api a -> a.reply().completeExceptionally(new ActorStoppedException("the room has been left"));
                case Subscribed s -> s.broadcast().close();
                case SessionUp u -> u.session().close();
                default -> { }
            }
            return;
        }
        switch (c) {
            case Dial d -> dial();
            case SessionUp u -> sessionUp(u.session());
            case SessionFailed f -> {
                if (!firstSession.isDone()) {
                    firstSession.completeExceptionally(new IllegalStateException(f.why()));
                    return;
                }
                LOG.debug("relay room: dial failed: {}", f.why());
                redialLater();
            }
            case Redirect r -> {
                if (r.gen() != gen || session == null) {
                    return;
                }
                try {
                    url = url.redirect(r.uri());
                } catch (IllegalArgumentException e) {
                    LOG.warn("the moq relay sent GOAWAY to '{}', which is no relay URL ({}); re-dialing {}", r.uri(),
                            e.getMessage(), url.redacted());
                    return;
                }
                LOG.info("the moq relay is going away; the room moves to {}", url.redacted());
                session.close(); // SessionDown follows: the room re-dials, now at the named relay
            }
            case SessionDown d -> {
                if (d.gen() != gen || session == null) {
                    return;
                }
                LOG.debug("relay room: relay session ended: {}", d.reason());
                session = null;
                current = null;
                publishedHandles.clear();
                pendingEnds.clear();
                apply(membership.on(new RelayMembership.Event.RelayDown()));
                redialLater();
            }
            case Announced a -> {
                if (a.gen() != gen || session == null || session.isClosed()) {
                    return; // SessionDown follows
                }
                if (a.active()) {
                    pendingEnds.remove(a.path());
                    announced(a.path(), true);
                } else {
                    // an end is confirmed a moment later: a session that is going down ends every path
                    // first, which says nothing about the participants
                    long seq = ++endSeq;
                    pendingEnds.put(a.path(), seq);
                    actor.schedule(END_CONFIRM, new ConfirmEnd(gen, a.path(), seq));
                }
            }
            case ConfirmEnd e -> {
                if (e.gen() == gen && session != null && !session.isClosed() && pendingEnds.remove(e.path(), e.seq())) {
                    announced(e.path(), false);
                }
            }
            case Subscribed s -> onSubscribed(s);
            case SubscribeFailed f -> {
                Remote r = remotes.get(f.who());
                if (r != null && f.gen() == gen) {
                    r.subscribing.remove(f.name());
                }
            }
            case SubscriptionEnded e -> {
                Remote r = remotes.get(e.who());
                if (r != null && r.subscribed.remove(e.name(), e.broadcast())) {
                    events.emit(new RoomEvent.BroadcastEnded(r.id, e.name()));
                }
            }
            case StateSeen s -> {
                Remote r = remotes.get(s.who());
                if (r != null && s.gen() == gen && !s.state().equals(r.state)) {
                    r.state = s.state();
                    events.emit(new RoomEvent.PeerUpdated(r.id, s.state()));
                }
            }
            case Chat m -> onChat(m);
            case Timer t -> apply(membership.on(t.timer()));
            case SetRelayed r -> {
                RelayPaths.Participant p = participantOf(r.peer());
                if (p == null || (r.on() ? !relayed.add(p) : !relayed.remove(p))) {
                    return;
                }
                Remote remote = remotes.get(p);
                if (remote != null && r.on()) {
                    membership.announced(p).forEach(name -> subscribe(p, name));
                } else if (remote != null) {
                    drop(remote);
                }
            }
            case Tick t -> {
                ownFeed.beat();
                actor.schedule(TICK, t);
            }
            case Api a -> {
                try {
                    apply(a.request());
                    a.reply().complete(null);
                } catch (RuntimeException e) {
                    a.reply().completeExceptionally(e);
                }
            }
            case Present p -> p.reply().complete(Set.copyOf(membership.present().stream().map(RelayPaths.Participant::endpointId).toList()));
            case Leave l -> startLeaving();
            case FinishLeave f -> finishLeaving();
        }
    }

    private void announced(String path, boolean active) {
        RelayPaths.parse(path).filter(n -> !n.participant().id().equals(me.hex())).ifPresent(n ->
                apply(membership.on(new RelayMembership.Event.Announced(n.participant(), n.name(), active))));
    }

    private void dial() {
        Thread.ofVirtual().name("relay-room-dial").start(() -> {
            try {
                MoqSession s = moq.connect(url).get(DIAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (!actor.post(new SessionUp(s))) {
                    s.close();
                }
            } catch (ExecutionException e) {
                actor.post(new SessionFailed("cannot reach the moq relay " + url.redacted() + ": " + e.getCause().getMessage()));
            } catch (TimeoutException e) {
                actor.post(new SessionFailed("the moq relay " + url.redacted() + " did not answer within " + DIAL_TIMEOUT.toSeconds() + " s"));
            } catch (RuntimeException e) {
                actor.post(new SessionFailed("cannot reach the moq relay " + url.redacted() + ": " + e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void redialLater() {
        actor.schedule(Duration.ofMillis(backoffMs), new Dial());
        backoffMs = Math.min(backoffMs * 2, options.reconnect().maxDelay().toMillis());
    }

    private void sessionUp(MoqSession s) {
        if (s.isClosed()) {
            CloseReason r = s.closed().getNow(null);
            actor.post(new SessionFailed("the moq relay " + url.redacted() + " closed the session: " + r));
            return;
        }
        gen++;
        long g = gen;
        session = s;
        current = s;
        if (first == null) {
            first = s;
        }
        backoffMs = options.reconnect().firstDelay().toMillis();
        s.closed().whenComplete((r, e) -> actor.post(new SessionDown(g, r != null ? r : new CloseReason.TransportError(String.valueOf(e)))));
        s.goawayReceived().thenAccept(uri -> {
            if (!uri.isEmpty()) {
                actor.post(new Redirect(g, uri));
            }
        });
        s.announceRefused().thenAccept(code -> LOG.warn("the moq relay {} refused this peer's broadcasts (code {}): others cannot see us",
                url.redacted(), code));
        s.publish(RelayPaths.broadcastPath(me, Room.ROOM_BROADCAST), ownFeed.broadcast().consume());
        for (Map.Entry<String, BroadcastProducer> p : published.entrySet()) {
            publishOnSession(p.getKey(), p.getValue());
        }
        OriginConsumer announces = s.announced("");
        s.closed().whenComplete((r, e) -> announces.close());
        Thread.ofVirtual().name("relay-room-announces").start(() -> {
            try {
                for (Announce a = announces.nextAnnounce(); a != null; a = announces.nextAnnounce()) {
                    if (s.isClosed()) {
                        return; // a closing session ends every path: that says nothing about the participants
                    }
                    actor.tell(new Announced(g, a.path().value(), a.isActive()));
                }
            } catch (MoqException | ActorStoppedException e) {
                // the session or the room ended
            }
        });
        apply(membership.on(new RelayMembership.Event.RelayUp()));
        firstSession.complete(null);
    }

    private void publishOnSession(String name, BroadcastProducer b) {
        if (session == null) {
            return;
        }
        BroadcastConsumer h = b.consume();
        publishedHandles.put(name, h);
        session.publish(RelayPaths.broadcastPath(me, name), h);
    }

    private void apply(RoomRequest c) {
        switch (c) {
            case RoomRequest.Publish p -> {
                if (p.name().equals(Room.ROOM_BROADCAST) || RelayPaths.parse(me.hex() + "/" + p.name()).isEmpty()) {
                    throw new IllegalArgumentException("'" + p.name() + "' cannot be published in a relay room");
                }
                unpublish(p.name());
                published.put(p.name(), p.broadcast());
                publishOnSession(p.name(), p.broadcast());
                writeState(myState.withBroadcast(p.name()));
            }
            case RoomRequest.Unpublish u -> {
                unpublish(u.name());
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

    private void unpublish(String name) {
        published.remove(name);
        BroadcastConsumer h = publishedHandles.remove(name);
        if (h != null) {
            if (session != null) {
                session.unpublish(RelayPaths.broadcastPath(me, name), h);
            }
            h.close();
        }
    }

    private void writeState(PeerState next) {
        myState = next;
        stateTrack.appendGroupWithFrame(next.encode());
    }

    // ---- membership: RelayMembership decides, the driver does ------------------------------

    private void apply(List<RelayMembership.Action> actions) {
        for (RelayMembership.Action a : actions) {
            switch (a) {
                case RelayMembership.Action.Joined j -> {
                    Remote r = new Remote(j.participant());
                    remotes.put(j.participant(), r);
                    Optional<String> name = j.participant().isParley() ? Optional.empty()
                            : Optional.of("Browser " + j.participant().id().substring(0, 6));
                    events.emit(new RoomEvent.PeerJoined(r.id, name));
                    events.emit(new RoomEvent.PeerRoute(r.id, true));
                }
                case RelayMembership.Action.Left l -> {
                    Remote r = remotes.remove(l.participant());
                    if (r != null) {
                        drop(r);
                        events.emit(new RoomEvent.PeerLeft(r.id, l.reason()));
                    }
                }
                case RelayMembership.Action.Link l -> {
                    Remote r = remotes.get(l.participant());
                    if (r != null) {
                        if (l.state() == LinkState.RECONNECTING) {
                            drop(r);
                        }
                        events.emit(new RoomEvent.PeerConnection(r.id, l.state()));
                    }
                }
                case RelayMembership.Action.RoomLink r -> events.emit(new RoomEvent.RoomConnection(r.state()));
                case RelayMembership.Action.Subscribe s -> subscribe(s.participant(), s.name());
                case RelayMembership.Action.Unsubscribe u -> {
                    Remote r = remotes.get(u.participant());
                    if (r != null) {
                        unsubscribe(r, u.name());
                    }
                }
                case RelayMembership.Action.Schedule s -> actor.schedule(Duration.ofMillis(s.delayMs()), new Timer(s.timer()));
            }
        }
    }

    private void drop(Remote r) {
        for (String name : List.copyOf(r.subscribed.keySet())) {
            unsubscribe(r, name);
        }
        r.subscribing.clear();
        if (r.roomFeed != null) {
            r.roomFeed.close();
            r.roomFeed = null;
        }
    }

    private void unsubscribe(Remote r, String name) {
        r.subscribing.remove(name);
        if (name.equals(Room.ROOM_BROADCAST)) {
            if (r.roomFeed != null) {
                r.roomFeed.close();
                r.roomFeed = null;
            }
            return;
        }
        BroadcastConsumer b = r.subscribed.remove(name);
        if (b != null) {
            b.close();
            events.emit(new RoomEvent.BroadcastEnded(r.id, name));
        }
    }

    private RelayPaths.Participant participantOf(EndpointId id) {
        for (RelayPaths.Participant p : remotes.keySet()) {
            if (p.endpointId().equals(id)) {
                return p;
            }
        }
        return new RelayPaths.Participant(id.hex());
    }

    private void subscribe(RelayPaths.Participant who, String name) {
        Remote r = remotes.get(who);
        MoqSession s = session;
        if ((onDemand && !relayed.contains(who)) || r == null || s == null || r.subscribed.containsKey(name) || !r.subscribing.add(name)) {
            return;
        }
        long g = gen;
        String path = who.id() + "/" + name;
        Thread.ofVirtual().name("relay-room-subscribe-" + path).start(() -> {
            try {
                BroadcastConsumer b = s.subscribe(path, options.subscribeTimeout());
                if (!actor.post(new Subscribed(g, who, name, b))) {
                    b.close();
                }
            } catch (MoqException | IllegalStateException | TransportException e) {
                LOG.debug("subscribing to {} through the relay failed: {}", path, e.getMessage());
                actor.post(new SubscribeFailed(g, who, name));
            }
        });
    }

    private void onSubscribed(Subscribed s) {
        Remote r = remotes.get(s.who());
        BroadcastConsumer b = s.broadcast();
        if (r == null || s.gen() != gen || !r.subscribing.remove(s.name()) || !membership.announced(s.who()).contains(s.name())) {
            b.close();
            return;
        }
        if (s.name().equals(Room.ROOM_BROADCAST)) {
            r.roomFeed = b;
            long resumeAt = r.chatNext;
            RelayPaths.Participant who = r.who;
            Thread.ofVirtual().name("relay-room-chat-" + who.id()).start(() ->
                    new ChatReader(who.id(), chatSink(who, s.gen())).read(b, resumeAt));
            Thread.ofVirtual().name("relay-room-state-" + who.id()).start(() -> ParticipantNames.followState(b,
                    state -> actor.tell(new StateSeen(s.gen(), who, state))));
            return;
        }
        r.subscribed.put(s.name(), b);
        events.emit(new RoomEvent.BroadcastSubscribed(r.id, s.name(), b));
        if (s.name().equals(RelayMembership.CAMERA) && !r.who.isParley()) {
            RelayPaths.Participant who = r.who;
            Thread.ofVirtual().name("relay-room-catalog-" + who.id()).start(() -> ParticipantNames.followCatalog(b,
                    state -> actor.tell(new StateSeen(s.gen(), who, state))));
        }
        b.closed().whenComplete((v, e) -> actor.post(new SubscriptionEnded(r.who, s.name(), b)));
    }

    private ChatReader.Sink chatSink(RelayPaths.Participant who, long g) {
        return new ChatReader.Sink() {
            @Override
            public void deliver(long seq, String text, Instant at, boolean fromHistory) {
                try {
                    actor.tell(new Chat(g, who, seq, text, at, fromHistory));
                } catch (ActorStoppedException e) {
                    // left
                }
            }

            @Override
            public void invalid() {
                LOG.debug("invalid chat frame from {}", who.id());
            }
        };
    }

    private void onChat(Chat m) {
        Remote r = remotes.get(m.who());
        if (r == null || m.gen() != gen) {
            return;
        }
        r.chatNext = m.seq() + 1;
        if (!m.fromHistory() && !r.chatLimit.tryAcquire(System.nanoTime())) {
            return;
        }
        events.emit(new RoomEvent.ChatReceived(new ChatMessage(r.id, m.text(), m.at()), m.seq(), m.fromHistory()));
    }

    // ---- leaving ---------------------------------------------------------------------------

    private void startLeaving() {
        if (leavingStarted) {
            return;
        }
        leavingStarted = true;
        try {
            ownFeed.leavingBeat();
            for (String name : new ArrayList<>(publishedHandles.keySet())) {
                unpublish(name);
            }
            for (Remote r : remotes.values()) {
                drop(r);
            }
            ownFeed.close();
        } catch (RuntimeException e) {
            LOG.warn("error while leaving the room", e);
        }
        actor.schedule(LEAVE_FLUSH, new FinishLeave());
    }

    private void finishLeaving() {
        MoqSession s = session;
        session = null;
        current = null;
        if (s != null) {
            s.close(Room.LEFT_CLOSE_CODE, "left the room");
        }
        firstSession.completeExceptionally(new IllegalStateException("left the room"));
        actor.stop();
        moq.shutdownAsync().orTimeout(4, TimeUnit.SECONDS).whenComplete((v, e) -> left.complete(null));
    }
}
