package dev.parley.rooms;

import dev.parley.net.actor.Actor;
import dev.parley.net.actor.ActorStoppedException;
import dev.parley.net.identity.EndpointId;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.transport.PathStats;
import dev.parley.rooms.chat.ChatDedup;
import dev.parley.rooms.relay.HybridRoute;
import dev.parley.rooms.ticket.RoomMode;
import dev.parley.rooms.ticket.RoomTicket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
import java.util.function.LongSupplier;

/**
 * A room in {@link RoomMode#HYBRID}: a gossip {@link Room} (direct links) and a {@link RelayRoom} on the
 * same identity, merged into one event stream. Every peer starts direct; {@link HybridRoute} (pure, with
 * hysteresis) moves it to the relay while its direct link does not work and back once it has worked for
 * a while. Only a relayed peer's broadcasts are subscribed through the relay, so the relay carries (and
 * publishers upload to it) only what a fallback needs. This peer publishes everything to both.
 *
 * <p>One merge actor owns the merged state: two pump threads hand it the two rooms' events; it
 * re-evaluates the routes on every event and every {@link #ROUTE_TICK}, and emits what the app sees: a peer's broadcasts from its
 * current route (copies of the consumers, so switching never closes the underlying subscription),
 * {@link RoomEvent.PeerRoute} on a switch, and the link state of the current route.
 */
public final class HybridRoom implements JoinedRoom, RoomHandle.Target {
    private static final Logger LOG = LoggerFactory.getLogger(HybridRoom.class);
    static final Duration ROUTE_TICK = Duration.ofMillis(250);
    private static final int MERGE_INBOX = 256;

    private final Room direct;
    private final RelayRoom relay;
    private final RoomEvents events;
    private final RoomHandle handle;
    private final HybridRoute.Policy policy;
    private final LongSupplier clockMs;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Actor<Merge> merger;
    private final List<Thread> pumps;
    private final CompletableFuture<Void> left = new CompletableFuture<>();
    private final Map<EndpointId, Boolean> routes = new java.util.concurrent.ConcurrentHashMap<>();

    // merge-actor state
    private final Map<EndpointId, Peer> peers = new HashMap<>();
    private final ChatDedup chatSeen = new ChatDedup();
    private LinkState directRoom = LinkState.CONNECTED;
    private LinkState relayRoom = LinkState.CONNECTED;
    private LinkState shownRoom = LinkState.CONNECTED;

    private static final class Peer {
        final EndpointId id;
        boolean directPresent;
        boolean relayPresent;
        LinkState directLink = LinkState.CONNECTING;
        LinkState shownLink;
        boolean joinedShown;
        HybridRoute route;
        RoomEvent.LeaveReason lastReason = RoomEvent.LeaveReason.LEFT;
        final Map<String, BroadcastConsumer> directSubs = new HashMap<>();
        final Map<String, BroadcastConsumer> relaySubs = new HashMap<>();
        /** What the app holds: our copies, by name. */
        final Map<String, BroadcastConsumer> shown = new HashMap<>();

        Peer(EndpointId id, long nowMs) {
            this.id = id;
            this.route = HybridRoute.start(nowMs);
        }
    }

    private HybridRoom(Room direct, RelayRoom relay, RoomOptions options, HybridRoute.Policy policy) {
        this.direct = direct;
        this.relay = relay;
        this.policy = policy;
        this.clockMs = () -> System.nanoTime() / 1_000_000;
        this.events = new RoomEvents(options.eventCapacity());
        this.handle = new RoomHandle(this);
        String tag = direct.me().shortHex();
        this.merger = Actor.start("hybrid-room-" + tag, MERGE_INBOX, new Actor.Handler<>() {
            @Override
            public void handle(Merge m) {
                HybridRoom.this.handle(m);
            }

            @Override
            public void onStop() {
                closeShown();
            }
        });
        merger.post(new Merge.Tick());
        this.pumps = List.of(pump("hybrid-direct-" + tag, direct.events(), Merge.FromDirect::new),
                pump("hybrid-relay-" + tag, relay.events(), Merge.FromRelay::new));
    }

    /** Joins the gossip room and the relay room of {@code ticket} ({@link RoomMode#HYBRID}) on {@code endpoint}. */
    public static HybridRoom join(Endpoint endpoint, RoomTicket ticket, RoomOptions options) {
        return join(endpoint, ticket, options, HybridRoute.Policy.DEFAULT);
    }

    static HybridRoom join(Endpoint endpoint, RoomTicket ticket, RoomOptions options, HybridRoute.Policy policy) {
        if (ticket.mode() != RoomMode.HYBRID) {
            throw new IllegalArgumentException("not a hybrid room ticket");
        }
        RelayRoom relay = RelayRoom.join(endpoint, ticket, options, true);
        try {
            return new HybridRoom(Room.join(endpoint, ticket, options), relay, options, policy);
        } catch (RuntimeException e) {
            relay.close();
            throw e;
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
        return direct.me();
    }

    @Override
    public RoomTicket ticket() {
        return direct.ticket();
    }

    /** True while {@code peer}'s media comes through the relay. */
    public boolean viaRelay(EndpointId peer) {
        return routes.getOrDefault(peer, false);
    }

    @Override
    public OptionalLong probeEstimate(EndpointId peer) {
        return viaRelay(peer) ? relay.probeEstimate(peer) : direct.probeEstimate(peer);
    }

    @Override
    public Optional<AutoCloseable> followPath(EndpointId peer, BiConsumer<PathStats, OptionalLong> sample) {
        return viaRelay(peer) ? relay.followPath(peer, sample) : direct.followPath(peer, sample);
    }

    @Override
    public List<Long> sendEstimates() {
        List<Long> all = new ArrayList<>(direct.sendEstimates());
        all.addAll(relay.sendEstimates());
        return all;
    }

    @Override
    public CompletableFuture<Set<EndpointId>> presentPeers() {
        return direct.presentPeers().thenCombine(relay.presentPeers(), (a, b) -> {
            Set<EndpointId> all = new HashSet<>(a);
            all.addAll(b);
            return Set.copyOf(all);
        });
    }

    /** Every request goes to both rooms; it is done when both are. */
    @Override
    public void command(RoomRequest request) {
        CompletableFuture<Void> a = new CompletableFuture<>();
        CompletableFuture<Void> b = new CompletableFuture<>();
        direct.command(with(request, a));
        relay.command(with(request, b));
        CompletableFuture.allOf(a, b).whenComplete((v, e) -> {
            if (e != null) {
                request.reply().completeExceptionally(e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e);
            } else {
                request.reply().complete(null);
            }
        });
    }

    private static RoomRequest with(RoomRequest r, CompletableFuture<Void> reply) {
        return switch (r) {
            case RoomRequest.Publish p -> new RoomRequest.Publish(p.name(), p.broadcast(), reply);
            case RoomRequest.Unpublish u -> new RoomRequest.Unpublish(u.name(), reply);
            case RoomRequest.SendChat s -> new RoomRequest.SendChat(s.text(), reply);
            case RoomRequest.SetDisplayName n -> new RoomRequest.SetDisplayName(n.name(), reply);
            case RoomRequest.Leave l -> new RoomRequest.Leave(reply);
        };
    }

    @Override
    public CompletableFuture<Void> leave() {
        if (stopping.compareAndSet(false, true)) {
            CompletableFuture.allOf(direct.leave(), relay.leave()).orTimeout(5, TimeUnit.SECONDS)
                    .whenComplete((v, e) -> {
                        pumps.forEach(Thread::interrupt);
                        merger.stop().whenComplete((x, y) -> left.complete(null));
                    });
        }
        return left;
    }

    @Override
    public void close() {
        try {
            leave().get(6, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("leave did not finish cleanly: {}", e.toString());
        }
    }

    // ---- the merge actor -------------------------------------------------------------------

    /** What the merge actor does: take one room's event, or re-evaluate the routes on the tick. */
    private sealed interface Merge {
        record FromDirect(RoomEvent event) implements Merge {}

        record FromRelay(RoomEvent event) implements Merge {}

        record Tick() implements Merge {}
    }

    private void handle(Merge m) {
        switch (m) {
            case Merge.FromDirect d -> onDirect(d.event());
            case Merge.FromRelay r -> onRelay(r.event());
            case Merge.Tick t -> merger.schedule(ROUTE_TICK, t);
        }
        reroute(clockMs.getAsLong());
    }

    private void closeShown() {
        for (Peer p : peers.values()) {
            p.shown.values().forEach(BroadcastConsumer::close);
        }
    }

    /** Moves one room's events into the actor; {@code tell} waits while the actor is behind. */
    private Thread pump(String name, RoomEvents from, java.util.function.Function<RoomEvent, Merge> wrap) {
        return Thread.ofVirtual().name(name).start(() -> {
            try {
                while (!stopping.get()) {
                    RoomEvent e = from.next(ROUTE_TICK);
                    if (e != null) {
                        merger.tell(wrap.apply(e));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ActorStoppedException e) {
                LOG.trace("{} ends with the merge actor", name);
            }
        });
    }

    private Peer peer(EndpointId id) {
        return peers.computeIfAbsent(id, k -> new Peer(k, clockMs.getAsLong()));
    }

    private void onDirect(RoomEvent e) {
        switch (e) {
            case RoomEvent.PeerJoined j -> {
                Peer p = peer(j.peer());
                p.directPresent = true;
                showJoined(p, j.displayName());
            }
            case RoomEvent.PeerLeft l -> {
                Peer p = peer(l.peer());
                p.directPresent = false;
                p.directLink = LinkState.CONNECTING;
                p.lastReason = l.reason();
            }
            case RoomEvent.PeerUpdated u -> events.emit(u);
            case RoomEvent.PeerConnection c -> peer(c.peer()).directLink = c.state();
            case RoomEvent.RoomConnection r -> directRoom = r.state();
            case RoomEvent.BroadcastSubscribed s -> peer(s.peer()).directSubs.put(s.name(), s.broadcast());
            case RoomEvent.BroadcastEnded b -> peer(b.peer()).directSubs.remove(b.name());
            case RoomEvent.ChatReceived c -> chat(c);
            case RoomEvent.PeerRoute r -> { }
        }
    }

    private void onRelay(RoomEvent e) {
        switch (e) {
            case RoomEvent.PeerJoined j -> {
                Peer p = peer(j.peer());
                p.relayPresent = true;
                showJoined(p, j.displayName());
            }
            case RoomEvent.PeerLeft l -> {
                Peer p = peer(l.peer());
                p.relayPresent = false;
                p.lastReason = l.reason();
            }
            case RoomEvent.PeerUpdated u -> {
                if (!peer(u.peer()).directPresent) {
                    events.emit(u); // a browser, or a peer we only see through the relay
                }
            }
            case RoomEvent.PeerConnection c -> { } // a relay participant is reachable while present: nothing to add
            case RoomEvent.RoomConnection r -> relayRoom = r.state();
            case RoomEvent.BroadcastSubscribed s -> peer(s.peer()).relaySubs.put(s.name(), s.broadcast());
            case RoomEvent.BroadcastEnded b -> peer(b.peer()).relaySubs.remove(b.name());
            case RoomEvent.ChatReceived c -> chat(c);
            case RoomEvent.PeerRoute r -> { }
        }
    }

    /**
     * Chat from either route, whichever delivers a message first: the route a peer is shown on may not have
     * had it yet (or at all, while a failing direct link is waiting to fall back), and a route's reader
     * replays the sender's history when it starts, which the other route had delivered already.
     */
    private void chat(RoomEvent.ChatReceived c) {
        if (chatSeen.firstTime(c.message().from(), c.seq(), c.message().text())) {
            events.emit(c);
        }
    }

    private void showJoined(Peer p, Optional<String> name) {
        if (!p.joinedShown) {
            p.joinedShown = true;
            events.emit(new RoomEvent.PeerJoined(p.id, name));
        }
    }

    /** Re-evaluates every peer's route and brings what the app sees in line with it. */
    private void reroute(long now) {
        for (Peer p : List.copyOf(peers.values())) {
            boolean wasRelay = p.route.viaRelay();
            p.route = p.route.next(policy, p.directPresent && p.directLink == LinkState.CONNECTED, p.relayPresent, now);
            boolean viaRelay = p.route.viaRelay();
            if (viaRelay != wasRelay) {
                routes.put(p.id, viaRelay);
                relay.setRelayed(p.id, viaRelay);
                events.emit(new RoomEvent.PeerRoute(p.id, viaRelay));
            }
            if (!p.directPresent && !p.relayPresent) {
                if (p.joinedShown) {
                    show(p, Map.of());
                    events.emit(new RoomEvent.PeerLeft(p.id, p.lastReason));
                }
                if (viaRelay) {
                    relay.setRelayed(p.id, false);
                }
                routes.remove(p.id);
                peers.remove(p.id);
                chatSeen.forget(p.id);
                continue;
            }
            show(p, viaRelay ? p.relaySubs : p.directSubs);
            LinkState link = viaRelay ? LinkState.CONNECTED : p.directLink;
            if (p.joinedShown && link != p.shownLink) {
                p.shownLink = link;
                events.emit(new RoomEvent.PeerConnection(p.id, link));
            }
        }
        LinkState room = directRoom == LinkState.RECONNECTING && relayRoom == LinkState.RECONNECTING
                ? LinkState.RECONNECTING : LinkState.CONNECTED;
        if (room != shownRoom) {
            shownRoom = room;
            events.emit(new RoomEvent.RoomConnection(room));
        }
    }

    /** Makes the app's view of {@code p}'s broadcasts equal {@code source} (copies; a replaced one ends first). */
    private void show(Peer p, Map<String, BroadcastConsumer> source) {
        for (String name : List.copyOf(p.shown.keySet())) {
            BroadcastConsumer want = source.get(name);
            BroadcastConsumer have = p.shown.get(name);
            if (want == null || !want.sameBroadcast(have)) {
                p.shown.remove(name).close();
                events.emit(new RoomEvent.BroadcastEnded(p.id, name));
            }
        }
        for (Map.Entry<String, BroadcastConsumer> s : source.entrySet()) {
            if (!p.shown.containsKey(s.getKey()) && !s.getValue().isEnded()) {
                BroadcastConsumer copy = s.getValue().copy();
                p.shown.put(s.getKey(), copy);
                events.emit(new RoomEvent.BroadcastSubscribed(p.id, s.getKey(), copy));
            }
        }
    }

    /** Exposed for tests: the route of each known peer. */
    Map<EndpointId, Boolean> routes() {
        return Map.copyOf(routes);
    }
}
