package dev.parley.net.moq.relay;

import dev.parley.net.moq.model.MoqError;
import dev.parley.net.moq.model.OriginProducer;
import dev.parley.net.moq.model.Path;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.qmux.QmuxConfig;
import dev.parley.net.qmux.QmuxServer;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.relay.HttpRoute;
import dev.parley.net.transport.Connection;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Media-over-QUIC relay speaking moq-lite 03/04/05 (moq-relay as any moq-lite client sees it): clients
 * publish and subscribe through one shared origin, each inside the scope its connection path names and
 * with the permission its {@link ScopeResolver} grants. Serves raw QUIC on an {@link Endpoint} (the
 * endpoint's Ed25519 identity; the scope comes from the lite-05 SETUP Path, else {@code /}) and QMux over
 * WebSocket ({@code ws://}, or {@code wss://} with a configured certificate; the URL path is the scope).
 *
 * <p>Fan-out is the model's: a track that several clients watch is one remote track of the publishing
 * session with one upstream subscription, read by one bounded cursor per subscriber; a stalled subscriber's
 * group streams are reset once superseded and stale, so it neither holds memory nor delays the others.
 *
 * <p>Thread-safe. {@link #drain} refuses new sessions, sends GOAWAY where the version has it and waits
 * for the existing sessions to end; {@link #close} then closes what is left.
 */
public final class MoqRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MoqRelay.class);

    private final ScopeResolver resolver;
    private final RelayConfig config;
    private final Clock clock;
    /** Announces with this many hops or more are not relayed (moq-relay rejects more than 32, and we add one). */
    public static final int MAX_HOPS = 32;

    private final OriginProducer origin = new OriginProducer();
    /** What the origin holds now, for the shortest-path check of {@link RelaySession}'s up mirror. */
    private final dev.parley.net.moq.model.OriginConsumer lookup = origin.consume();
    /** The relay's origin (hop) id: nonzero, below 2^53 (old JS clients decode hop ids as doubles). */
    private final long originId = 1 + java.util.concurrent.ThreadLocalRandom.current().nextLong((1L << 53) - 1);
    private final AtomicLong loopsIgnored = new AtomicLong();
    private final AtomicLong upstreamLinks = new AtomicLong();
    private final AtomicLong backups = new AtomicLong();
    private final AtomicLong takeovers = new AtomicLong();
    /** Relayed broadcasts offered through a stable front ({@link RoutedBroadcast}), by full path; guarded by {@link #admitLock}. */
    private final java.util.Map<Path, RoutedBroadcast> routed = new java.util.HashMap<>();
    private final Object admitLock = new Object();
    private final Set<RelaySession> sessions = ConcurrentHashMap.newKeySet();
    private final List<AutoCloseable> listeners = new CopyOnWriteArrayList<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private final AtomicLong accepted = new AtomicLong();
    private volatile TicketPuller puller;
    /** Raw QUIC through the attached endpoint, for an upstream named by its key ({@code moql://<id>@…}); null until attached. */
    private volatile java.util.function.Function<dev.parley.net.ticket.EndpointAddr, java.util.concurrent.CompletableFuture<Connection>> keyedDial;
    private volatile boolean draining;
    private volatile boolean closed;

    public MoqRelay(ScopeResolver resolver, RelayConfig config, Clock clock) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public MoqRelay(ScopeResolver resolver) {
        this(resolver, RelayConfig.DEFAULT, Clock.systemUTC());
    }

    /**
     * Serves the relay's moq-lite ALPNs on {@code endpoint}, and dials publishers through it for pulls by
     * ticket. The endpoint stays the caller's; {@link #close} only unregisters the ALPNs.
     */
    public MoqRelay attach(Endpoint endpoint) {
        List<String> alpns = config.alpns();
        alpns.forEach(alpn -> endpoint.register(alpn, this::accept));
        listeners.add(() -> alpns.forEach(endpoint::unregister));
        keyedDial = peer -> endpoint.connect(peer, alpns);
        puller = new TicketPuller(origin, this::front, (peer, fresh) -> (fresh ? endpoint.connectNew(peer, alpns)
                : endpoint.connect(peer, alpns)).thenApply(c -> MoqSession.start(c, config.session())),
                config.pullTimeout(), config.pullGrace());
        return this;
    }

    /** Listens for QMux over WebSocket on {@code bind}: {@code wss://} with {@code tls}, else {@code ws://}. */
    public InetSocketAddress listenWebSocket(InetSocketAddress bind, Optional<SslContext> tls) {
        return listenWebSocket(bind, tls, null);
    }

    /**
     * {@link #listenWebSocket(InetSocketAddress, Optional)}, and plain HTTP requests on that port go to
     * {@code page} (e.g. a {@link WebPage}); null answers them 426 Upgrade Required.
     */
    public InetSocketAddress listenWebSocket(InetSocketAddress bind, Optional<SslContext> tls, HttpRoute page) {
        QmuxServer server = QmuxServer.start(bind, tls, QmuxConfig.defaults().withProtocols(config.alpns()), this::accept, page);
        listeners.add(server);
        return server.localAddress();
    }

    /** Takes a connection of any binding (a WebSocket server of the caller's own can hand them here too). */
    public void accept(Connection connection) {
        if (draining || closed) {
            connection.close(MoqError.CLOSED.wireCode(), "relay is shutting down");
            return;
        }
        RelaySession s;
        try {
            s = RelaySession.start(this, connection);
        } catch (RuntimeException e) {
            LOG.debug("no relay session with {}: {}", connection.remoteAddress(), e.getMessage());
            return;
        }
        accepted.incrementAndGet();
        sessions.add(s);
        s.session().closed().whenComplete((r, e) -> sessions.remove(s));
    }

    /**
     * Links this relay to another moq-lite relay at {@code url} (raw QUIC, WebSocket or both raced, as the
     * URL says): one session at the URL's path that carries the whole origin both ways, re-dialed with
     * backoff (0.5 s doubling to 10 s) whenever it ends, until the link or the relay is closed. Two relays
     * may link to each other (each with an upstream to the other); hop lists keep broadcasts from looping.
     */
    public AutoCloseable connectUpstream(dev.parley.net.moq.session.MoqRelayUrl url) {
        java.util.Map<String, dev.parley.net.transport.UrlDialer> dialers = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<RelaySession> current = new java.util.concurrent.atomic.AtomicReference<>();
        Thread keeper = Thread.ofVirtual().name("relay-upstream").start(() -> {
            long backoff = 500;
            while (!stopped.get() && !closed) {
                try {
                    Connection c = dev.parley.net.moq.session.RelayDial.race(url, scheme -> {
                        if (url.relayId().isPresent()) { // moql://<id>@…: through our endpoint, checking its key
                            var dial = keyedDial;
                            return dial == null
                                    ? java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException(
                                            "a relay named by its key is dialed from a QUIC endpoint; this relay has none"))
                                    : java.util.concurrent.CompletableFuture.completedFuture(dev.parley.net.moq.session.RelayDial
                                            .byKey(url.relayId().get(), dial, Duration.ofSeconds(7)));
                        }
                        try {
                            return java.util.concurrent.CompletableFuture.completedFuture(dialers.computeIfAbsent(scheme,
                                    sc -> dev.parley.net.transport.UrlDialer.open(sc, config.alpns(), Duration.ofSeconds(7))));
                        } catch (RuntimeException e) {
                            return java.util.concurrent.CompletableFuture.failedFuture(e);
                        }
                    }).get(10, TimeUnit.SECONDS);
                    if (stopped.get() || closed) {
                        c.close(0, "link closed");
                        return;
                    }
                    RelaySession s = RelaySession.startUpstream(this, c,
                            dev.parley.net.moq.session.RelayDial.hooks(url, c, dev.parley.net.moq.session.SessionHooks.NONE));
                    sessions.add(s);
                    current.set(s);
                    LOG.info("upstream relay {}: linked over {} ({})", url.redacted(), c.binding(), c.protocol());
                    upstreamLinks.incrementAndGet();
                    backoff = 500;
                    try {
                        s.session().closed().get();
                    } finally {
                        sessions.remove(s);
                    }
                    LOG.info("upstream relay {}: link ended", url.redacted());
                } catch (InterruptedException e) {
                    return;
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
                    Throwable why = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
                    LOG.warn("upstream relay {}: {}", url.redacted(), why.getMessage() != null ? why.getMessage() : why.toString());
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    return;
                }
                backoff = Math.min(backoff * 2, 10_000);
            }
        });
        AutoCloseable link = () -> {
            stopped.set(true);
            keeper.interrupt();
            RelaySession s = current.get();
            if (s != null) {
                s.session().close(0, "upstream link closed"); // before its I/O threads go
            }
            dialers.values().forEach(dev.parley.net.transport.UrlDialer::close);
        };
        listeners.add(link);
        return link;
    }

    /** Upstream sessions established so far ({@link #connectUpstream}), re-dials included. */
    public long upstreamLinks() {
        return upstreamLinks.get();
    }

    /** Starts (or joins) the pull of {@code ticket} into {@code scope}; close the lease when no longer wanted. */
    public AutoCloseable pull(ScopePath scope, String ticket) {
        TicketPuller p = puller;
        if (p == null) {
            throw new IllegalStateException("pull by ticket needs a QUIC endpoint (attach one)");
        }
        return p.acquire(scope, ticket);
    }

    /** Upstream sessions opened for pulls by ticket so far. */
    public long pullDials() {
        TicketPuller p = puller;
        return p == null ? 0 : p.dials();
    }

    /** Pulls currently held (pending, live, or in their grace). */
    public int activePulls() {
        TicketPuller p = puller;
        return p == null ? 0 : p.active();
    }

    /** Paths in the relay's origin, scope included. */
    public List<Path> broadcasts() {
        return origin.paths();
    }

    /** The origin id this relay appends to the hop list of what it forwards (lite-04+). */
    public long originId() {
        return originId;
    }

    /**
     * Announces not relayed ({@link Route#DROP}): their hop list holds this relay's id, has {@value #MAX_HOPS}
     * hops or more, or is a longer path without hop ids (lite-03).
     */
    public long loopsIgnored() {
        return loopsIgnored.get();
    }

    /** Live sessions. */
    public int sessionCount() {
        return sessions.size();
    }

    /** Live sessions, for inspection. */
    public List<MoqSession> sessions() {
        List<MoqSession> out = new ArrayList<>();
        sessions.forEach(s -> out.add(s.session()));
        return out;
    }

    /** Sessions accepted since start. */
    public long acceptedSessions() {
        return accepted.get();
    }

    /** True once {@link #drain} or {@link #close} began: new sessions are refused. */
    public boolean isDraining() {
        return draining;
    }

    /** Reasons of announces refused so far (most recent last). */
    public List<String> refusals() {
        return List.copyOf(refusals);
    }

    /**
     * Graceful shutdown: new sessions are refused from now on, every session of lite-04+ gets a GOAWAY,
     * and this waits up to {@code timeout} for the sessions to end by themselves. Returns how many were
     * still open (they are closed by {@link #close}).
     */
    public int drain(Duration timeout) {
        return drain(timeout, "");
    }

    /**
     * {@link #drain(Duration)} whose GOAWAYs name {@code newSessionUri} (where the sessions should go, e.g.
     * another relay); empty for none.
     */
    public int drain(Duration timeout, String newSessionUri) {
        java.util.Objects.requireNonNull(newSessionUri, "newSessionUri");
        draining = true;
        sessions.forEach(s -> Thread.ofVirtual().name("relay-goaway").start(() -> s.session().goaway(newSessionUri)));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!sessions.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = sessions.size();
        LOG.info("relay drained; {} session(s) still open", left);
        return left;
    }

    /** Stops listening, closes every session and the origin. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        draining = true;
        for (AutoCloseable l : listeners) {
            try {
                l.close();
            } catch (Exception e) {
                LOG.debug("closing a listener failed: {}", e.toString());
            }
        }
        sessions.forEach(s -> s.session().close(0, "relay shut down"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!sessions.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        lookup.close();
        origin.close();
    }

    // ---- for RelaySession ----

    ScopeResolver resolver() {
        return resolver;
    }

    RelayConfig config() {
        return config;
    }

    Clock clock() {
        return clock;
    }

    OriginProducer origin() {
        return origin;
    }

    /** What the up mirror does with an announce ({@link #route}). */
    enum Route {
        /** Into the origin, replacing what was active at the path. */
        TAKE,
        /** Into the origin behind what is active: a second route, used when the first ends. */
        BACKUP,
        /** Not relayed: a loop, too many hops, or a longer path whose hops carry no ids (lite-03). */
        DROP
    }

    /**
     * What to do with {@code broadcast}, announced at {@code path} (scope included) with its hop list: drop
     * it when its hop list holds this relay's id or has {@value #MAX_HOPS} hops or more; keep it as a backup
     * when the path is already active with fewer hops or the same hop list (the same broadcast by another
     * link; the shortest path wins); else take it. A client re-publishing a path (an empty hop list) still
     * replaces what was there. A longer path whose hop ids are unknown (lite-03 sends only a count) is
     * dropped, not kept: it may be this relay's own echo, which as a backup could outlive the original.
     */
    Route route(Path path, dev.parley.net.moq.model.BroadcastConsumer broadcast) {
        java.util.List<Long> hops = broadcast.hops();
        Route r = Route.TAKE;
        if (hops.contains(originId) || hops.size() >= MAX_HOPS) {
            r = Route.DROP;
        } else {
            var existing = lookup.consume(path).orElse(null); // an uncounted view: nothing to close
            if (existing != null && !existing.sameBroadcast(broadcast)
                    && (existing.hops().size() < hops.size() || (!hops.isEmpty() && existing.hops().equals(hops)))) {
                r = hops.contains(0L) ? Route.DROP : Route.BACKUP;
            }
        }
        switch (r) {
            case DROP -> loopsIgnored.incrementAndGet();
            case BACKUP -> backups.incrementAndGet();
            case TAKE -> { }
        }
        return r;
    }

    /**
     * Puts {@code broadcast}, announced by a session at {@code full} (scope included), into the origin as
     * {@link #route} says, and returns that route. A broadcast that came through another relay
     * ({@code relayed}: its hop list names one, lite-04+) goes in through a {@link RoutedBroadcast} front, and a backup with the front's hop list (the same broadcast
     * over another link) becomes one of its routes: it takes over without downstream noticing. Any other
     * backup waits behind in the origin and is re-announced when it takes over (its hop list differs). A
     * client's own broadcast goes in as it is, so watchers read its remote track directly.
     *
     * @throws MoqException {@link MoqError#CLOSED} if the origin is closed
     */
    Route admit(Path full, dev.parley.net.moq.model.BroadcastConsumer broadcast, boolean relayed) {
        synchronized (admitLock) { // the route decision and the origin change as one step per path
            Route r = route(full, broadcast);
            switch (r) {
                case DROP -> { }
                case BACKUP -> {
                    RoutedBroadcast front = routed.get(full);
                    if (front == null || !front.sameHops(broadcast) || !front.addRoute(broadcast)) {
                        origin.publishBackup(full, broadcast);
                    }
                }
                case TAKE -> {
                    if (!relayed || broadcast.hops().contains(0L)) { // a client's own (read in place), or lite-03
                        origin.publish(full, broadcast);
                        break;
                    }
                    RoutedBroadcast front = front(broadcast);
                    routed.put(full, front);
                    front.closed().whenComplete((v, e) -> {
                        synchronized (admitLock) {
                            routed.remove(full, front);
                        }
                    });
                    origin.publish(full, front.consume());
                }
            }
            return r;
        }
    }

    /** A stable front for {@code first}, its tracks limited as a session's remote ones. */
    private RoutedBroadcast front(dev.parley.net.moq.model.BroadcastConsumer first) {
        return new RoutedBroadcast(first,
                dev.parley.net.moq.model.TrackLimits.DEFAULT.withMaxGroups(config.session().maxGroupsPerTrack()),
                config.session().servedMaxLatency(), takeovers);
    }

    /** True if {@code shown} is the front at {@code full} and {@code route} one of its routes (an echo to that route's session). */
    boolean routedThrough(Path full, dev.parley.net.moq.model.BroadcastConsumer shown, dev.parley.net.moq.model.BroadcastConsumer route) {
        RoutedBroadcast front;
        synchronized (admitLock) {
            front = routed.get(full);
        }
        return front != null && front.isFront(shown) && front.hasRoute(route);
    }

    /** Relayed tracks moved to another route of their broadcast because the one they used ended, so far. */
    public long takeovers() {
        return takeovers.get();
    }

    /** Announces kept as a second route behind an active broadcast ({@link Route#BACKUP}) so far. */
    public long backups() {
        return backups.get();
    }

    void refused(String reason) {
        refusals.add(reason);
        while (refusals.size() > 100) {
            refusals.removeFirst();
        }
    }
}
