package dev.parley.net.moq.session;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.MoqError;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.OriginConsumer;
import dev.parley.net.moq.model.OriginProducer;
import dev.parley.net.moq.model.Path;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.wire.DecodeException;
import dev.parley.net.moq.wire.Goaway;
import dev.parley.net.moq.wire.Grammars;
import dev.parley.net.moq.wire.Setup;
import dev.parley.net.moq.wire.StreamType;
import dev.parley.net.moq.wire.Version;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.Connection;
import dev.parley.net.transport.ConnectionClosedException;
import dev.parley.net.transport.PathStats;
import dev.parley.net.transport.RecvStream;
import dev.parley.net.transport.SendStream;
import dev.parley.net.transport.StreamResetException;
import dev.parley.net.transport.TransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One moq-lite session with a peer, in both roles at once, in the {@link Version} the connection
 * negotiated (its ALPN or WebSocket app protocol); only the wire codec and the few places that ask
 * {@link #version()} differ between versions. It starts working as soon as it is created
 * ({@link #start}): it serves the peer's announce, subscribe and probe streams from the broadcasts given
 * to {@link #publish}, and it follows the peer's announces so {@link #subscribe} can hand out remote
 * broadcasts whose tracks are fetched on demand.
 *
 * <p>Threads: one virtual thread accepts bidi streams, one accepts uni streams, and every stream task
 * (served subscription, group in flight, announce follower, probe) gets its own virtual thread. All of
 * them end when the connection closes. Public methods are thread-safe.
 */
public final class MoqSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MoqSession.class);

    private final Connection connection;
    private final SessionConfig config;
    private final Version version;
    private final CompletableFuture<Setup> peerSetup = new CompletableFuture<>();
    private final OriginProducer localOrigin = new OriginProducer();
    private final OriginProducer remoteOrigin = new OriginProducer();
    private final Publisher publisher;
    private final Subscriber subscriber;
    private final AtomicInteger inboundStreams = new AtomicInteger();
    private final Set<AutoCloseable> onShutdown = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean goawaySent = new AtomicBoolean();
    private final CompletableFuture<String> peerGoaway = new CompletableFuture<>();
    private final CompletableFuture<CloseReason> closedFuture = new CompletableFuture<>();
    private final CompletableFuture<Long> announceRefused = new CompletableFuture<>();
    private final String name;
    private final SessionHooks hooks;

    private MoqSession(Connection connection, SessionConfig config, Version version, SessionHooks hooks) {
        this.connection = connection;
        this.config = config;
        this.version = version;
        this.hooks = hooks;
        this.publisher = new Publisher(this, localOrigin);
        this.subscriber = new Subscriber(this, remoteOrigin);
        this.name = (connection.isClient() ? "moq-c-" : "moq-s-") + connection.remoteAddress();
    }

    /**
     * Starts a session on an established connection whose protocol is a {@link Version} ALPN. A connection
     * without an app protocol (a bare {@code qmux-00} WebSocket) settles the version in-band first: this
     * blocks until the client's legacy SETUP arrives (at most {@link LegacySetup#TIMEOUT}), and a client
     * offering nothing Parley speaks has its connection closed with the moq {@code Version} code and a reason.
     *
     * @throws MoqException {@code VERSION} when no version could be agreed (the connection is closed)
     */
    public static MoqSession start(Connection connection, SessionConfig config) {
        return start(connection, config, SessionHooks.NONE);
    }

    /** Like {@link #start(Connection, SessionConfig)} with a relay's {@link SessionHooks}. */
    public static MoqSession start(Connection connection, SessionConfig config, SessionHooks hooks) {
        java.util.Objects.requireNonNull(hooks, "hooks");
        MoqSession s;
        if (connection.protocol() == null || connection.protocol().isEmpty()) {
            LegacySetup legacy = LegacySetup.accept(connection, config);
            s = new MoqSession(connection, config, legacy.version(), hooks);
            s.spawn("legacy-session", () -> legacy.drain(s.name));
        } else {
            Version v = Version.ofAlpn(connection.protocol()).orElseThrow(() -> new IllegalArgumentException(
                    "not a moq-lite version Parley speaks: " + connection.protocol()));
            s = new MoqSession(connection, config, v, hooks);
        }
        s.run();
        return s;
    }

    public static MoqSession start(Connection connection) {
        return start(connection, SessionConfig.DEFAULT);
    }

    private void run() {
        connection.closed().whenComplete((reason, err) -> shutdown(reason != null ? reason
                : new CloseReason.TransportError(String.valueOf(err))));
        if (version.setup()) {
            // at once (a Rust server reads the client's SETUP before serving anything), but off the caller's
            // thread: start() may run on a transport event loop, where opening a stream would block it
            spawn("setup", this::sendSetup);
        } else {
            peerSetup.complete(null);
        }
        spawn("accept-bidi", this::acceptBidi);
        spawn("accept-uni", this::acceptUni);
        spawn("announces", () -> guard(subscriber::runAnnounces));
        spawn("probe", () -> guard(subscriber::runProbe));
    }

    /** Makes {@code broadcast} available to the peer as {@code name} until the broadcast ends. */
    public void publish(String name, BroadcastConsumer broadcast) {
        localOrigin.publish(Path.of(name), broadcast);
    }

    /**
     * Completes with the error code when the peer resets a stream on which this side announces its
     * broadcasts (a relay refusing a read-only client's announce answers with {@code Unauthorized}, 6):
     * the peer will not see what this session publishes. Never completes otherwise.
     */
    public CompletableFuture<Long> announceRefused() {
        return announceRefused;
    }

    void noteAnnounceRefused(long code) {
        announceRefused.complete(code);
    }

    /** Stops offering exactly this handle (as given to {@link #publish}) as {@code name}; false if it was not published there. */
    public boolean unpublish(String name, BroadcastConsumer broadcast) {
        return localOrigin.unpublish(Path.of(name), broadcast);
    }

    /**
     * lite-04+: tells the peer this side is going away (a GOAWAY stream, {@code newSessionUri} empty for "come
     * back to the same place"); the session stays up until either side closes it. A session sends at most
     * one: false on a second call, on versions without GOAWAY, or once closed.
     */
    public boolean goaway(String newSessionUri) {
        return sendGoaway(newSessionUri) != null;
    }

    private BidiStream sendGoaway(String newSessionUri) {
        if (!version.goaway() || isClosed() || !goawaySent.compareAndSet(false, true)) {
            return null;
        }
        try {
            BidiStream s = connection.openBidi();
            writer(s.send()).writeType(StreamType.GOAWAY, new Goaway(newSessionUri));
            Streams.finishQuietly(s.send());
            return s;
        } catch (ConnectionClosedException | StreamResetException e) {
            return null;
        }
    }

    /**
     * Leaving gracefully (an endpoint or relay shutting down): on lite-04+ a GOAWAY first, then the close once
     * the peer has finished its half of the GOAWAY stream (Parley does as soon as it read ours, one round
     * trip) or after {@code grace}, so the GOAWAY is not lost to the close right behind it (QUIC drops
     * stream data still in flight when the connection closes). Never blocks the caller.
     */
    public CompletableFuture<Void> leave(Duration grace, long code, String reason) {
        if (!version.goaway() || isClosed()) {
            close(code, reason);
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> left = new CompletableFuture<>();
        Thread.ofVirtual().name("moq-leave").start(() -> {
            try {
                BidiStream s = sendGoaway("");
                if (s != null) {
                    // the read's deadline: stopping the stream ends a read that is still waiting
                    CompletableFuture.runAsync(() -> s.recv().stop(MoqError.CANCEL.wireCode()),
                            CompletableFuture.delayedExecutor(grace.toNanos(), TimeUnit.NANOSECONDS));
                    byte[] buf = new byte[64];
                    while (s.recv().read(buf, 0, buf.length) >= 0) {
                        // the peer sends nothing on it; its FIN is the acknowledgement
                    }
                }
            } catch (StreamResetException | ConnectionClosedException e) {
                LOG.debug("{}: GOAWAY stream ended without the peer's FIN: {}", name, e.toString());
            } catch (TransportException e) {
                LOG.debug("{}: GOAWAY stream failed: {}", name, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                close(code, reason);
                left.complete(null);
            }
        });
        return left;
    }

    /**
     * The peer's GOAWAY: completes with its new-session URI (empty: reconnect to the same place) when the
     * peer announces it is leaving, exceptionally when the session ends without one. Existing subscriptions keep running until the peer closes; new work
     * belongs on a new session ({@link Moq#connect} dials one instead of reusing this session).
     */
    public CompletableFuture<String> goawayReceived() {
        return peerGoaway;
    }

    /** True once the peer sent GOAWAY. */
    public boolean goingAway() {
        return peerGoaway.isDone() && !peerGoaway.isCompletedExceptionally();
    }

    /**
     * The peer's broadcast {@code name}, waiting up to the configured timeout for it to be announced.
     * Tracks are subscribed on the wire when a reader asks for them.
     *
     * @throws MoqException {@code NOT_FOUND} if it was not announced in time, {@code TRANSPORT} if the session closed
     */
    public BroadcastConsumer subscribe(String name) {
        return subscribe(name, config.subscribeTimeout());
    }

    public BroadcastConsumer subscribe(String name, Duration timeout) {
        try {
            BroadcastConsumer b = subscriber.awaitBroadcast(name, timeout);
            if (b != null) {
                return b;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MoqException(MoqError.CANCEL, "interrupted while waiting for " + name);
        }
        if (isClosed()) {
            throw new MoqException(MoqError.TRANSPORT, "session closed before " + name + " was announced");
        }
        throw new MoqException(MoqError.NOT_FOUND, name + " was not announced within " + timeout);
    }

    /**
     * Shortcut for one track of a peer's broadcast: waits for the announce like {@link #subscribe(String)},
     * then subscribes on the wire. Closing the returned consumer (the last one of that track) unsubscribes.
     */
    public TrackConsumer subscribe(String broadcast, TrackInfo track) {
        try (BroadcastConsumer b = subscribe(broadcast)) {
            return b.subscribe(track);
        }
    }

    /** Announces of the peer's broadcasts under {@code prefix}: the current set, then changes. */
    public OriginConsumer announced(String prefix) {
        return remoteOrigin.consume(Path.of(prefix));
    }

    /** The peer's identity (present on QUIC with mutual TLS). */
    public Optional<EndpointId> remoteId() {
        return connection.remoteId();
    }

    public PathStats pathStats() {
        return connection.pathStats();
    }

    /**
     * This side's estimate of what the path toward the peer carries, in bits per second (0 = unknown: the
     * path never queued); the bitrate our PROBE reports ({@link dev.parley.net.transport.SendEstimator} on
     * QUIC, {@link dev.parley.net.transport.StreamDeliveryEstimator} on QMux).
     */
    public long sendEstimate() {
        return connection.pathStats().deliveryRate() * 8;
    }

    /** The latest bitrate estimate the peer sent on our Probe stream, in bits per second. */
    public OptionalLong probeEstimate() {
        return subscriber.probeEstimate();
    }

    /** The latest RTT the peer sent on our Probe stream, in milliseconds (lite-04+; 0 on the wire is unknown). */
    public OptionalLong probeRttMillis() {
        return subscriber.probeRttMillis();
    }

    public Connection connection() {
        return connection;
    }

    public SessionConfig config() {
        return config;
    }

    /** The moq-lite version this session speaks. */
    public Version version() {
        return version;
    }

    /** lite-05: the peer's SETUP once it arrived; null on earlier versions; never completes if the peer sends none. */
    public CompletableFuture<Setup> peerSetup() {
        return peerSetup;
    }

    SessionHooks hooks() {
        return hooks;
    }

    /** A message writer for one of this session's streams. */
    StreamWriter writer(SendStream stream) {
        return new StreamWriter(stream, version);
    }

    /** Subscriptions the peer currently holds on our broadcasts. */
    public int servedSubscriptions() {
        return publisher.activeSubscriptions();
    }

    /** FINs our announce streams and closes the connection with a moq error code; idempotent. */
    public void close(long code, String reason) {
        if (!closed.get()) {
            publisher.finishAnnounces();
        }
        connection.close(code, reason);
    }

    @Override
    public void close() {
        close(MoqError.CANCEL.wireCode(), "");
    }

    /** Completes once with why the session ended: local close, remote close or a transport error. */
    public CompletableFuture<CloseReason> closed() {
        return closedFuture;
    }

    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return name;
    }

    // ---- internals shared with Publisher and Subscriber ----

    void spawn(String task, Runnable body) {
        Thread.ofVirtual().name(name + "-" + task).start(() -> {
            try {
                body.run();
            } catch (RuntimeException e) {
                // A bug, not a peer's doing (those are handled per stream); keep the session alive.
                LOG.error("{}: task {} failed", name, task, e);
            }
        });
    }

    /** Registers something blocking a task that must be released when the session ends. */
    void closeOnShutdown(AutoCloseable c) {
        onShutdown.add(c);
        if (closed.get()) {
            release(c);
        }
    }

    private void shutdown(CloseReason reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.debug("{} closed: {}", name, reason);
        peerSetup.completeExceptionally(errorFor(reason));
        peerGoaway.completeExceptionally(errorFor(reason)); // no GOAWAY came: the future ends with the session
        subscriber.endAll(errorFor(reason));
        onShutdown.forEach(MoqSession::release);
        publisher.shutdown();
        localOrigin.close();
        remoteOrigin.close();
        closedFuture.complete(reason);
    }

    /** The error remote tracks and broadcasts end with when the session ends for {@code reason}. */
    static MoqException errorFor(CloseReason reason) {
        return switch (reason) {
            case CloseReason.Local l when l.code() == 0 -> new MoqException(MoqError.CANCEL, "session closed");
            case CloseReason.Remote r -> MoqException.fromWireCode(r.code(), "peer closed the session: " + r.reason());
            default -> new MoqException(MoqError.TRANSPORT, "session ended: " + reason);
        };
    }

    private static void release(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) { // AutoCloseable declares Exception; release must not stop the shutdown
            LOG.debug("releasing {} failed: {}", c, e.toString());
        }
    }

    /** Runs a control task; a broken control stream closes the whole session with its code. */
    private void guard(Task t) {
        try {
            t.run();
        } catch (Subscriber.SessionViolation e) {
            LOG.warn("{}: {}; closing the session", name, e.getMessage());
            close(e.error.wireCode(), e.getMessage());
        } catch (MoqException e) {
            LOG.debug("{}: control task ended: {}", name, e.getMessage());
        } catch (ConnectionClosedException e) {
            LOG.trace("{}: connection closed under a control task", name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @FunctionalInterface
    private interface Task {
        void run() throws InterruptedException;
    }

    /** Peer-opened streams holding a slot now (for tests that check the slots are given back). */
    int inboundStreams() {
        return inboundStreams.get();
    }

    private boolean admit() {
        if (inboundStreams.incrementAndGet() > config.maxInboundStreams()) {
            inboundStreams.decrementAndGet();
            return false;
        }
        return true;
    }

    private void acceptBidi() {
        try {
            while (true) {
                BidiStream s = connection.acceptBidi();
                if (!admit()) {
                    long code = MoqError.BOUNDS_EXCEEDED.wireCode();
                    s.send().reset(code);
                    s.recv().stop(code);
                    continue;
                }
                spawn("bidi-" + s.id(), () -> serveBidi(s));
            }
        } catch (ConnectionClosedException e) {
            LOG.trace("{}: bidi accept loop ends", name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptUni() {
        try {
            while (true) {
                RecvStream r = connection.acceptUni();
                if (!admit()) {
                    r.stop(MoqError.BOUNDS_EXCEEDED.wireCode());
                    continue;
                }
                spawn("uni-" + r.id(), () -> serveUni(r));
            }
        } catch (ConnectionClosedException e) {
            LOG.trace("{}: uni accept loop ends", name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serveBidi(BidiStream s) {
        MessageReader in = new MessageReader(s.recv(), config.wire());
        try {
            StreamType type = in.read(Grammars.streamType(true, version));
            if (type == null) {
                s.send().finish();
                return;
            }
            switch (type) {
                case ANNOUNCE -> publisher.serveAnnounce(s, in);
                case SUBSCRIBE -> publisher.serveSubscribe(s, in);
                case PROBE -> publisher.serveProbe(s, in);
                case TRACK -> publisher.serveTrack(s, in);
                case FETCH -> publisher.serveFetch(s, in);
                case GOAWAY -> receiveGoaway(s, in);
                case GROUP, SETUP -> throw new IllegalStateException(type + " is a uni stream");
            }
        } catch (Subscriber.SessionViolation e) {
            LOG.warn("{}: {}; closing the session", name, e.getMessage());
            close(e.error.wireCode(), e.getMessage());
        } catch (DecodeException e) {
            LOG.debug("{}: bidi stream {} rejected: {}", name, s.id(), e.getMessage());
            s.recv().stop(Codes.of(e));
            s.send().reset(Codes.of(e));
        } catch (MoqException e) {
            LOG.debug("{}: bidi stream {} failed: {}", name, s.id(), e.getMessage());
            s.recv().stop(e.wireCode());
            s.send().reset(e.wireCode());
        } catch (StreamResetException e) {
            LOG.debug("{}: bidi stream {} reset by peer: {}", name, s.id(), e.getMessage());
            s.send().reset(MoqError.CANCEL.wireCode());
        } catch (ConnectionClosedException e) {
            LOG.trace("{}: connection closed under bidi stream {}", name, s.id());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inboundStreams.decrementAndGet();
        }
    }

    /** lite-05: our one SETUP, sent as soon as the session starts. */
    private void sendSetup() {
        Setup mine = new Setup(java.util.OptionalLong.of(Setup.PROBE_REPORT),
                connection.isClient() ? hooks.setupPath() : Optional.empty(),
                connection.isClient() ? java.util.OptionalLong.of(0) : java.util.OptionalLong.empty(),
                java.util.OptionalLong.empty());
        try {
            SendStream u = connection.openUni();
            writer(u).writeType(StreamType.SETUP, mine);
            u.finish();
        } catch (ConnectionClosedException e) {
            LOG.trace("{}: closed before SETUP went out", name);
        }
    }

    /** lite-05: the peer's SETUP; a second Setup stream is a protocol violation. */
    private void receiveSetup(MessageReader in) throws InterruptedException {
        var grammar = Grammars.setup(version);
        Setup setup = in.read(grammar);
        if (setup == null) {
            throw new Subscriber.SessionViolation(MoqError.PROTOCOL_VIOLATION, "Setup stream without SETUP");
        }
        if (!peerSetup.complete(setup)) {
            if (isClosed()) {
                return; // the session ended before the SETUP was read (e.g. a relay refused it): not a second one
            }
            throw new Subscriber.SessionViolation(MoqError.PROTOCOL_VIOLATION, "second Setup stream");
        }
        LOG.debug("{}: peer SETUP {}", name, setup);
        in.read(grammar); // then FIN, nothing else
    }

    /**
     * lite-04+: the peer is going away. Recorded for {@link #goawayReceived} (the manager stops reusing this
     * session); a second GOAWAY is a protocol violation that closes the session, as the reference does.
     */
    private void receiveGoaway(BidiStream s, MessageReader in) throws InterruptedException {
        var grammar = Grammars.goaway(version);
        Goaway g = in.read(grammar);
        if (g != null) {
            if (!peerGoaway.complete(g.newSessionUri())) {
                throw new Subscriber.SessionViolation(MoqError.PROTOCOL_VIOLATION, "second GOAWAY");
            }
            LOG.info("{}: peer sent GOAWAY{}", name, g.newSessionUri().isEmpty() ? "" : " to " + g.newSessionUri());
            in.read(grammar);
        }
        Streams.finishQuietly(s.send());
    }

    private void serveUni(RecvStream r) {
        MessageReader in = new MessageReader(r, config.wire());
        try {
            StreamType type = in.read(Grammars.streamType(false, version));
            if (type == StreamType.GROUP) {
                subscriber.receiveGroup(r, in);
            } else if (type == StreamType.SETUP) {
                receiveSetup(in);
            }
        } catch (DecodeException e) {
            LOG.debug("{}: uni stream {} rejected: {}", name, r.id(), e.getMessage());
            r.stop(Codes.of(e));
        } catch (Subscriber.SessionViolation e) {
            LOG.warn("{}: {}; closing the session", name, e.getMessage());
            close(e.error.wireCode(), e.getMessage());
        } catch (MoqException e) {
            LOG.debug("{}: uni stream {} failed: {}", name, r.id(), e.getMessage());
            r.stop(e.wireCode());
        } catch (StreamResetException e) {
            LOG.debug("{}: uni stream {} reset by peer: {}", name, r.id(), e.getMessage());
        } catch (ConnectionClosedException e) {
            LOG.trace("{}: connection closed under uni stream {}", name, r.id());
        } catch (TransportException e) {
            // the stream ended without a FIN (its connection going away under it): the peer's doing, not a bug
            LOG.debug("{}: uni stream {} ended: {}", name, r.id(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inboundStreams.decrementAndGet();
        }
    }
}
