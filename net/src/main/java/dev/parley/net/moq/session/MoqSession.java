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
import dev.parley.net.moq.wire.Grammars;
import dev.parley.net.moq.wire.StreamType;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.Connection;
import dev.parley.net.transport.ConnectionClosedException;
import dev.parley.net.transport.PathStats;
import dev.parley.net.transport.RecvStream;
import dev.parley.net.transport.StreamResetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One moq-lite-03 session with a peer, in both roles at once. It starts working as soon as it is created
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
    private final OriginProducer localOrigin = new OriginProducer();
    private final OriginProducer remoteOrigin = new OriginProducer();
    private final Publisher publisher;
    private final Subscriber subscriber;
    private final AtomicInteger inboundStreams = new AtomicInteger();
    private final Set<AutoCloseable> onShutdown = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<CloseReason> closedFuture = new CompletableFuture<>();
    private final String name;

    private MoqSession(Connection connection, SessionConfig config) {
        this.connection = connection;
        this.config = config;
        this.publisher = new Publisher(this, localOrigin);
        this.subscriber = new Subscriber(this, remoteOrigin);
        this.name = (connection.isClient() ? "moq-c-" : "moq-s-") + connection.remoteAddress();
    }

    /** Starts a session on an established {@code moq-lite-03} connection. */
    public static MoqSession start(Connection connection, SessionConfig config) {
        MoqSession s = new MoqSession(connection, config);
        s.run();
        return s;
    }

    public static MoqSession start(Connection connection) {
        return start(connection, SessionConfig.DEFAULT);
    }

    private void run() {
        connection.closed().whenComplete((reason, err) -> shutdown(reason != null ? reason
                : new CloseReason.TransportError(String.valueOf(err))));
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
     * path never queued); the bitrate our PROBE reports ({@link dev.parley.net.transport.SendEstimator}).
     */
    public long sendEstimate() {
        return connection.pathStats().deliveryRate() * 8;
    }

    /** The latest bitrate estimate the peer sent on our Probe stream, in bits per second. */
    public OptionalLong probeEstimate() {
        return subscriber.probeEstimate();
    }

    public Connection connection() {
        return connection;
    }

    public SessionConfig config() {
        return config;
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
            StreamType type = in.read(Grammars.streamType(true));
            if (type == null) {
                s.send().finish();
                return;
            }
            switch (type) {
                case ANNOUNCE -> publisher.serveAnnounce(s, in);
                case SUBSCRIBE -> publisher.serveSubscribe(s, in);
                case PROBE -> publisher.serveProbe(s, in);
                case GROUP -> throw new IllegalStateException("group is a uni stream");
            }
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

    private void serveUni(RecvStream r) {
        MessageReader in = new MessageReader(r, config.wire());
        try {
            if (in.read(Grammars.streamType(false)) != null) {
                subscriber.receiveGroup(r, in);
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inboundStreams.decrementAndGet();
        }
    }
}
