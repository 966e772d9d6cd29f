package dev.parley.net.moq.session;

import dev.parley.net.actor.Actor;
import dev.parley.net.actor.ActorStoppedException;
import dev.parley.net.identity.EndpointId;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.wire.Version;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.net.transport.AlpnTransport;
import dev.parley.net.transport.Connection;
import dev.parley.net.transport.UrlDialer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The moq-lite sessions of one endpoint (the iroh-moq {@code Moq} of seed 000). Broadcasts given to
 * {@link #publish} go to every current and future session; {@link #connect} returns the live session
 * with that peer or joins a dial in flight; sessions peers open arrive on {@link #nextIncoming} to be
 * accepted or rejected.
 *
 * <p>An actor: one virtual thread owns all state and runs the {@link Command}s that public methods post
 * to a bounded queue; replies come back through futures. After {@link #shutdown()} every call fails with
 * {@link ActorStoppedException}. Binding-agnostic: {@link #attach(AlpnTransport)} serves raw QUIC through the
 * endpoint's {@link AlpnTransport} side, any other binding (QMux over WebSocket) hands its connections to
 * {@link #handleConnection}, and {@link #connect(String)} dials URLs through the {@link UrlDialer} a
 * binding provides; no binding is imported here.
 */
public final class Moq implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Moq.class);

    /** Opens a connection to a peer offering the ALPNs of {@link Options#versions()}. */
    @FunctionalInterface
    public interface Dialer {
        CompletableFuture<Connection> dial(EndpointAddr peer);
    }

    /**
     * @param session       limits and timings for every session
     * @param autoAccept    accept incoming sessions without waiting for {@link #nextIncoming}
     * @param incomingQueue incoming sessions held for the application; beyond that they are rejected
     * @param versions      the moq-lite versions offered and accepted, preferred (newest) first
     */
    public record Options(SessionConfig session, boolean autoAccept, int incomingQueue, List<Version> versions) {
        public static final Options DEFAULT = new Options(SessionConfig.DEFAULT, false, 64, Version.NEWEST_FIRST);

        public Options {
            Objects.requireNonNull(session, "session");
            if (incomingQueue < 1) {
                throw new IllegalArgumentException("incomingQueue must be positive");
            }
            versions = List.copyOf(versions);
            if (versions.isEmpty()) {
                throw new IllegalArgumentException("no moq-lite version");
            }
        }

        public Options withAutoAccept(boolean on) {
            return new Options(session, on, incomingQueue, versions);
        }

        public Options withSession(SessionConfig s) {
            return new Options(s, autoAccept, incomingQueue, versions);
        }

        /** Speaks only {@code preferred} (e.g. a peer limited to lite-03), in that order. */
        public Options withVersions(List<Version> preferred) {
            return new Options(session, autoAccept, incomingQueue, preferred);
        }

        /** The ALPNs (and WebSocket app protocols) of {@link #versions}, in order. */
        public List<String> alpns() {
            return Version.alpns(versions);
        }
    }

    /** What the actor does; each runs on the actor thread. */
    private sealed interface Command {
    }

    private record Publish(String name, BroadcastConsumer broadcast) implements Command {
    }

    private record Unpublish(String name, BroadcastConsumer broadcast) implements Command {
    }

    private record Connect(EndpointAddr peer, CompletableFuture<MoqSession> reply)
            implements Command, Actor.Request<MoqSession> {
    }

    private record Dialed(EndpointAddr peer, MoqSession session, Throwable error) implements Command {
    }

    private record Register(MoqSession session) implements Command {
    }

    private record SessionClosed(MoqSession session) implements Command {
    }

    private record Query<T>(Function<Moq, T> read, CompletableFuture<T> reply) implements Command, Actor.Request<T> {
    }

    /** The URL dialer for a scheme, made on its first dial and closed when the manager stops. */
    private record UrlDialerFor(String scheme, CompletableFuture<UrlDialer> reply) implements Command, Actor.Request<UrlDialer> {
    }

    /**
     * How long one URL dial (a QUIC handshake, a WebSocket upgrade) may take: under the 10 s its callers
     * wait, so a relay that answers on neither transport is reported with each one's reason.
     */
    static final Duration URL_DIAL_TIMEOUT = Duration.ofSeconds(7);

    private final Dialer dialer;
    private final Options options;
    private final Runnable onShutdown;
    private final Actor<Command> actor;
    private final BlockingQueue<IncomingSession> incoming;

    // Actor-owned state.
    /** How long a shutting-down manager waits after its GOAWAYs for peers to leave before closing. */
    static final Duration LEAVE_GRACE = Duration.ofMillis(500);

    private final Map<EndpointId, MoqSession> sessions = new HashMap<>();
    /** Completed by the actor's stop with the sessions' graceful leave. */
    private final CompletableFuture<CompletableFuture<Void>> left = new CompletableFuture<>();
    private final List<MoqSession> anonymous = new ArrayList<>();
    private final Map<EndpointId, CompletableFuture<MoqSession>> dialing = new HashMap<>();
    private final Map<String, BroadcastConsumer> publishing = new LinkedHashMap<>();
    private final Map<String, UrlDialer> urlDialers = new HashMap<>();

    /** A manager that dials with {@code dialer}; feed it incoming connections with {@link #handleConnection}. */
    public Moq(Dialer dialer, Options options) {
        this(dialer, options, () -> { });
    }

    private Moq(Dialer dialer, Options options, Runnable onShutdown) {
        this.dialer = Objects.requireNonNull(dialer, "dialer");
        this.options = Objects.requireNonNull(options, "options");
        this.onShutdown = onShutdown;
        this.incoming = new ArrayBlockingQueue<>(options.incomingQueue());
        this.actor = Actor.start("moq-manager", 256, new Actor.Handler<>() {
            @Override
            public void handle(Command c) {
                Moq.this.handle(c);
            }

            @Override
            public void onStop() {
                stop();
            }
        });
    }

    /**
     * Serves the ALPNs of {@code options.versions()} on {@code endpoint} and dials through it offering them
     * all; the server's preference (newest first) picks the session's version.
     */
    public static Moq attach(AlpnTransport endpoint, Options options) {
        List<String> alpns = options.alpns();
        Moq moq = new Moq(peer -> endpoint.connect(peer, alpns), options, () -> alpns.forEach(endpoint::unregister));
        alpns.forEach(alpn -> endpoint.register(alpn, moq::handleConnection));
        return moq;
    }

    /** True if {@code protocol} (a connection's ALPN) is a moq-lite version this project speaks. */
    public static boolean isMoqLite(String protocol) {
        return Version.ofAlpn(protocol).isPresent();
    }

    public static Moq attach(AlpnTransport endpoint) {
        return attach(endpoint, Options.DEFAULT);
    }

    /** Publishes {@code broadcast} as {@code name} to every session, now and later; the manager owns the handle. */
    public void publish(String name, BroadcastConsumer broadcast) {
        post(new Publish(Objects.requireNonNull(name, "name"), Objects.requireNonNull(broadcast, "broadcast")));
    }

    /** The live session with {@code peer}, the dial already in flight to it, or a new dial. */
    public CompletableFuture<MoqSession> connect(EndpointAddr peer) {
        CompletableFuture<MoqSession> reply = new CompletableFuture<>();
        post(new Connect(Objects.requireNonNull(peer, "peer"), reply));
        return reply;
    }

    /**
     * Dials a moq-lite server over WebSocket ({@code ws://host:port/path}, or {@code wss://}), QMux framing
     * offering {@code qmux-00.<version>} for each version: a moq relay, a browser-facing server or another Parley.
     * The session is registered like any other: it gets every published broadcast and ends with
     * {@link #shutdown()}. The URL path is the session's root on the server.
     */
    public CompletableFuture<MoqSession> connect(String url) {
        java.net.URI uri = java.net.URI.create(Objects.requireNonNull(url, "url"));
        CompletableFuture<UrlDialer> client = actor.ask(reply -> new UrlDialerFor(uri.getScheme(), reply));
        CompletableFuture<MoqSession> reply = new CompletableFuture<>();
        Thread.ofVirtual().name("moq-ws-dial").start(() -> {
            try {
                Connection connection = client.join().connect(uri);
                MoqSession session = MoqSession.start(connection, options.session());
                post(new Register(session));
                reply.complete(session);
            } catch (CompletionException e) {
                reply.completeExceptionally(e.getCause() != null ? e.getCause() : e);
            } catch (RuntimeException e) {
                reply.completeExceptionally(e);
            }
        });
        return reply;
    }

    /**
     * Dials a moq-lite relay the way its URL says ({@link RelayDial#race}: raw QUIC, WebSocket, or both
     * raced; {@code moql://<endpoint-id>@…} through this manager's endpoint, checking the relay's key) and
     * registers the session like any other; over raw QUIC the URL's path and query go in the lite-05 SETUP.
     */
    public CompletableFuture<MoqSession> connect(MoqRelayUrl url) {
        java.util.function.Function<String, CompletableFuture<UrlDialer>> dialers = url.relayId()
                .<java.util.function.Function<String, CompletableFuture<UrlDialer>>>map(id -> {
                    UrlDialer byKey = RelayDial.byKey(id, dialer::dial, URL_DIAL_TIMEOUT);
                    return scheme -> CompletableFuture.completedFuture(byKey);
                })
                .orElse(scheme -> actor.ask(r -> new UrlDialerFor(scheme, r)));
        return RelayDial.race(url, dialers).thenApply(connection -> {
            try {
                MoqSession session = MoqSession.start(connection, options.session(),
                        RelayDial.hooks(url, connection, SessionHooks.NONE));
                LOG.info("moq relay {}: connected over {} ({})", url.redacted(), connection.binding(), connection.protocol());
                post(new Register(session));
                return session;
            } catch (RuntimeException e) {
                connection.close(0, "no session");
                throw e;
            }
        });
    }

    /** Starts a session on a connection a binding accepted and queues it as an {@link IncomingSession}. */
    public void handleConnection(Connection connection) {
        if (actor.isStopped()) {
            connection.close(IncomingSession.REJECTED, "shutting down");
            return;
        }
        MoqSession session;
        try {
            session = MoqSession.start(connection, options.session());
        } catch (dev.parley.net.moq.model.MoqException e) {
            LOG.debug("no session with {}: {}", connection.remoteAddress(), e.getMessage()); // closed with the reason
            return;
        }
        IncomingSession in = new IncomingSession(session, s -> {
            post(new Register(s));
            return s;
        });
        if (options.autoAccept()) {
            in.accept();
        } else if (!incoming.offer(in)) {
            LOG.warn("incoming session queue full; rejecting {}", session);
            in.reject();
        }
    }

    /** The next incoming session, waiting up to {@code timeout}. */
    public Optional<IncomingSession> nextIncoming(Duration timeout) throws InterruptedException {
        if (actor.isStopped()) {
            throw new ActorStoppedException("the moq manager was shut down");
        }
        return Optional.ofNullable(incoming.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** Names of the broadcasts published through this manager. */
    public List<String> publishedBroadcasts() {
        return query(m -> List.copyOf(m.publishing.keySet()));
    }

    /** The live sessions this manager holds. */
    public List<MoqSession> sessions() {
        return query(m -> {
            List<MoqSession> all = new ArrayList<>(m.sessions.values());
            all.addAll(m.anonymous);
            return all;
        });
    }

    /** Closes every session and pending dial and stops the actor; idempotent. */
    public void shutdown() {
        try {
            shutdownAsync().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("moq manager did not stop cleanly: {}", e.toString());
        }
    }

    /** {@link #shutdown()} without waiting: completes when the manager has stopped. For callers that are actors. */
    public CompletableFuture<Void> shutdownAsync() {
        return actor.stop().thenCompose(v -> left.getNow(CompletableFuture.completedFuture(null)));
    }

    @Override
    public void close() {
        shutdown();
    }

    // ---- actor ----

    private void post(Command c) {
        try {
            actor.tell(c);
        } catch (ActorStoppedException e) {
            throw new ActorStoppedException("the moq manager was shut down");
        }
    }

    private <T> T query(Function<Moq, T> read) {
        CompletableFuture<T> reply = new CompletableFuture<>();
        post(new Query<>(read, reply));
        try {
            return reply.join();
        } catch (CompletionException e) {
            throw new ActorStoppedException("the moq manager was shut down");
        }
    }

    private void handle(Command c) {
        switch (c) {
            case Publish p -> {
                BroadcastConsumer old = publishing.put(p.name(), p.broadcast());
                if (old != null && old != p.broadcast()) {
                    old.close();
                }
                forEachSession(s -> s.publish(p.name(), p.broadcast().copy()));
                p.broadcast().closed().whenComplete((v, e) -> offer(new Unpublish(p.name(), p.broadcast())));
            }
            case Unpublish u -> {
                if (publishing.remove(u.name(), u.broadcast())) {
                    u.broadcast().close();
                }
            }
            case Connect k -> {
                MoqSession live = sessions.get(k.peer().id());
                if (live != null && !live.isClosed() && !live.goingAway()) { // after its GOAWAY: a new session
                    k.reply().complete(live);
                    return;
                }
                CompletableFuture<MoqSession> inFlight = dialing.get(k.peer().id());
                if (inFlight == null) {
                    inFlight = new CompletableFuture<>();
                    dialing.put(k.peer().id(), inFlight);
                    dialer.dial(k.peer()).whenComplete((conn, err) -> {
                        MoqSession started = null;
                        if (conn != null) {
                            started = MoqSession.start(conn, options.session());
                        }
                        if (!offer(new Dialed(k.peer(), started, err)) && started != null) {
                            started.close();
                        }
                    });
                }
                inFlight.whenComplete((s, e) -> {
                    if (e != null) {
                        k.reply().completeExceptionally(e);
                    } else {
                        k.reply().complete(s);
                    }
                });
            }
            case Dialed d -> {
                CompletableFuture<MoqSession> waiting = dialing.remove(d.peer().id());
                if (d.session() != null) {
                    register(d.session());
                    if (waiting != null) {
                        waiting.complete(d.session());
                    }
                } else if (waiting != null) {
                    waiting.completeExceptionally(d.error() instanceof CompletionException ce && ce.getCause() != null
                            ? ce.getCause() : d.error());
                }
            }
            case Register r -> register(r.session());
            case SessionClosed sc -> {
                sc.session().remoteId().ifPresentOrElse(id -> sessions.remove(id, sc.session()),
                        () -> anonymous.remove(sc.session()));
            }
            case Query<?> q -> answer(q);
            case UrlDialerFor u -> {
                try {
                    u.reply().complete(urlDialers.computeIfAbsent(u.scheme(),
                            scheme -> UrlDialer.open(scheme, options.alpns(), URL_DIAL_TIMEOUT)));
                } catch (IllegalArgumentException noBinding) {
                    u.reply().completeExceptionally(noBinding);
                }
            }
        }
    }

    private <T> void answer(Query<T> q) {
        q.reply().complete(q.read().apply(this));
    }

    private void register(MoqSession s) {
        if (s.isClosed()) {
            return;
        }
        s.remoteId().ifPresentOrElse(id -> {
            MoqSession before = sessions.put(id, s);
            if (before != null && before != s) {
                LOG.debug("second session with {}; the newer one serves connect()", id.shortHex());
            }
        }, () -> anonymous.add(s));
        publishing.forEach((name, b) -> s.publish(name, b.copy()));
        s.closed().whenComplete((r, e) -> offer(new SessionClosed(s)));
    }

    /**
     * Posts from callbacks, which may run on the actor thread itself or on a transport thread: never
     * blocks the caller. False once stopped.
     */
    private boolean offer(Command c) {
        return actor.post(c);
    }

    private void forEachSession(java.util.function.Consumer<MoqSession> action) {
        sessions.values().forEach(action);
        anonymous.forEach(action);
    }

    /** The actor's last step: every accepted command has run, and no more are accepted. */
    private void stop() {
        onShutdown.run();
        // GOAWAY first (lite-04+), the close once the peer left or after LEAVE_GRACE; shutdownAsync waits for it
        List<CompletableFuture<Void>> leaving = new ArrayList<>();
        forEachSession(s -> leaving.add(s.leave(LEAVE_GRACE, 0, "shutdown")));
        // the URL dialers own the I/O threads those sessions leave on: closed once they have left
        List<UrlDialer> dialers = List.copyOf(urlDialers.values());
        urlDialers.clear();
        left.complete(CompletableFuture.allOf(leaving.toArray(CompletableFuture[]::new))
                .handle((v, e) -> {
                    dialers.forEach(UrlDialer::close);
                    return null;
                }));
        sessions.clear();
        anonymous.clear();
        dialing.values().forEach(f -> f.completeExceptionally(new ActorStoppedException("the moq manager was shut down")));
        dialing.clear();
        publishing.values().forEach(BroadcastConsumer::close);
        publishing.clear();
        for (IncomingSession in; (in = incoming.poll()) != null; ) {
            in.reject();
        }
        LOG.info("moq manager stopped");
    }
}
