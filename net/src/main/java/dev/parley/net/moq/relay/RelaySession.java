package dev.parley.net.moq.relay;

import dev.parley.net.moq.model.Announce;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.MoqError;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.OriginConsumer;
import dev.parley.net.moq.model.Path;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.moq.session.SessionHooks;
import dev.parley.net.moq.wire.Setup;
import dev.parley.net.qmux.QmuxConnection;
import dev.parley.net.transport.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One client of the relay: a {@link MoqSession} plus two mirrors between it and the relay's origin, both
 * inside the session's scope. Up: what the client announces (and its grant lets it publish) goes into the
 * origin under {@code scope/path}. Down: what is in the origin under the scope (and its grant lets it
 * read) is published to the client under the path relative to the scope, except the client's own
 * broadcasts. Subscriptions then flow through the model: every downstream subscriber of a track reads
 * the one remote track of the publishing session, which holds one upstream subscription.
 *
 * <p>Threads: a resolver task (virtual thread) settles the grant; then one virtual thread per mirror
 * blocks on its origin cursor until the session ends. The announce gate runs on the session's announce
 * task and waits for the grant.
 */
final class RelaySession {
    private static final Logger LOG = LoggerFactory.getLogger(RelaySession.class);

    private final MoqRelay relay;
    private final Connection connection;
    private final CompletableFuture<Resolution.Grant> grant = new CompletableFuture<>();
    /** Broadcasts this client published into the origin, by path relative to the scope (echo suppression). */
    private final Map<Path, BroadcastConsumer> upstream = new ConcurrentHashMap<>();
    private final List<AutoCloseable> leases = new ArrayList<>();
    private MoqSession session;

    private RelaySession(MoqRelay relay, Connection connection) {
        this.relay = relay;
        this.connection = connection;
    }

    /** Starts the session on {@code connection} and resolves its scope in the background. */
    static RelaySession start(MoqRelay relay, Connection connection) {
        RelaySession r = new RelaySession(relay, connection);
        r.session = MoqSession.start(connection, relay.config().session(),
                SessionHooks.NONE.withAnnounceGate(r::admitAnnounce).withOriginId(relay.originId()));
        Thread.ofVirtual().name("relay-resolve-" + connection.remoteAddress()).start(r::resolve);
        return r;
    }

    /**
     * A session this relay dialed to a peer relay ({@code --upstream}): the whole origin both ways (the
     * operator configured the link; the peer applies its own rules to us), with {@code hooks} (the SETUP
     * Path on raw QUIC) and this relay's origin id, so hop lists keep the two relays from echoing each other.
     */
    static RelaySession startUpstream(MoqRelay relay, Connection connection, SessionHooks hooks) {
        RelaySession r = new RelaySession(relay, connection);
        r.session = MoqSession.start(connection, relay.config().session(), hooks.withOriginId(relay.originId()));
        r.granted(Resolution.Grant.full(ScopePath.parse("/")));
        return r;
    }

    MoqSession session() {
        return session;
    }

    /** The grant once resolved (for tests and logs). */
    CompletableFuture<Resolution.Grant> grant() {
        return grant;
    }

    private void resolve() {
        Resolution resolution;
        try {
            ConnectionRequest request = request();
            resolution = relay.resolver().resolve(request);
        } catch (RuntimeException e) {
            LOG.warn("scope resolver failed for {}", connection.remoteAddress(), e);
            resolution = new Resolution.Refusal("the relay could not resolve the scope");
        }
        switch (resolution) {
            case Resolution.Refusal(String reason) -> {
                LOG.info("refusing {}: {}", session, reason);
                grant.completeExceptionally(new MoqException(MoqError.UNAUTHORIZED, reason));
                session.close(RelayCodes.PROTOCOL_VIOLATION, reason);
            }
            case Resolution.Grant g -> {
                granted(g);
                pullTickets(g, currentRequest);
            }
        }
    }

    private void granted(Resolution.Grant g) {
        LOG.debug("{} in scope {} ({})", session, g.scope(), g.permission());
        grant.complete(g);
        g.expires().ifPresent(this::closeAt);
        Thread.ofVirtual().name("relay-down-" + g.scope()).start(() -> mirrorDown(g));
        if (g.permission() == Permission.READ_WRITE) {
            Thread.ofVirtual().name("relay-up-" + g.scope()).start(() -> mirrorUp(g));
        }
    }

    private ConnectionRequest currentRequest;

    /** The path and query: the WebSocket URL, else the lite-05 SETUP Path, else the root. */
    private ConnectionRequest request() {
        if (connection instanceof QmuxConnection q) {
            return currentRequest = new ConnectionRequest(q.rawPath(), q.query(), connection.remoteId(), "websocket");
        }
        String pathAndQuery = "/";
        if (session.version().setup()) {
            try {
                Setup setup = session.peerSetup().get(relay.config().setupTimeout().toMillis(), TimeUnit.MILLISECONDS);
                pathAndQuery = setup.path().filter(p -> !p.isEmpty()).orElse("/");
            } catch (TimeoutException e) {
                LOG.debug("{}: no SETUP within {}; scope /", session, relay.config().setupTimeout());
            } catch (ExecutionException e) {
                throw new MoqException(MoqError.CLOSED, "session ended before its SETUP");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MoqException(MoqError.CANCEL, "interrupted");
            }
        }
        return currentRequest = ConnectionRequest.of(pathAndQuery, connection.remoteId(), "quic");
    }

    /** The session's announce gate: waits for the grant, then admits what it may publish. */
    private void admitAnnounce(String path) {
        Resolution.Grant g;
        try {
            g = grant.get(relay.config().setupTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new MoqException(MoqError.UNAUTHORIZED, "the session has no grant");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MoqException(MoqError.CANCEL, "interrupted");
        }
        if (!g.canPublish(Path.of(path))) {
            String reason = g.permission() == Permission.READ_ONLY
                    ? "scope " + g.scope() + " is read-only for this session; announce of " + path + " refused"
                    : "may not publish " + path + " in scope " + g.scope();
            relay.refused(reason);
            throw new MoqException(MoqError.UNAUTHORIZED, reason);
        }
    }

    private void closeAt(Instant expires) {
        long delayMs = Math.max(0, Duration.between(relay.clock().instant(), expires).toMillis());
        CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS).execute(() -> {
            if (!session.isClosed()) {
                LOG.info("{}: token expired at {}", session, expires);
                session.close(MoqError.UNAUTHORIZED.wireCode(), "token expired");
            }
        });
    }

    /** Origin → client: broadcasts under the scope that the grant may read, relative to the scope. */
    private void mirrorDown(Resolution.Grant g) {
        Path root = g.scope().root();
        OriginConsumer cursor = relay.origin().consume(root);
        session.closed().whenComplete((r, e) -> cursor.close());
        Map<Path, BroadcastConsumer> shown = new HashMap<>();
        try {
            for (Announce a = cursor.nextAnnounce(); a != null; a = cursor.nextAnnounce()) {
                Path rel = a.path().stripPrefix(root).orElse(null);
                if (rel == null || !g.canRead(rel)) {
                    continue;
                }
                BroadcastConsumer before = shown.remove(rel);
                if (before != null) {
                    session.unpublish(rel.value(), before);
                }
                BroadcastConsumer b = a.broadcast();
                if (b != null && !isOwn(a.path(), rel, b)) {
                    shown.put(rel, b);
                    session.publish(rel.value(), b);
                }
            }
        } catch (MoqException e) {
            LOG.debug("{}: down mirror ended: {}", session, e.getMessage());
        }
    }

    /** True if {@code b} is what this client published at {@code rel}, or the relay's front for it (an echo). */
    private boolean isOwn(Path full, Path rel, BroadcastConsumer b) {
        BroadcastConsumer mine = upstream.get(rel);
        return mine != null && (mine.sameBroadcast(b) || relay.routedThrough(full, b, mine));
    }

    /** Client → origin: every admitted announce, under the scope; the origin drops it when it ends. */
    private void mirrorUp(Resolution.Grant g) {
        Path root = g.scope().root();
        OriginConsumer cursor = session.announced("");
        session.closed().whenComplete((r, e) -> cursor.close());
        try {
            for (Announce a = cursor.nextAnnounce(); a != null; a = cursor.nextAnnounce()) {
                if (a.broadcast() == null) {
                    upstream.remove(a.path());
                    continue;
                }
                Path full = root.join(a.path());
                upstream.put(a.path(), a.broadcast()); // before the origin shows it: the down mirror's echo check
                try {
                    if (relay.admit(full, a.broadcast(), relayed(a.broadcast())) == MoqRelay.Route.DROP) {
                        upstream.remove(a.path(), a.broadcast());
                        LOG.debug("{}: {} not relayed (hops {})", session, full, a.broadcast().hops());
                    }
                } catch (MoqException e) {
                    LOG.debug("{}: {} not relayed: {}", session, a.path(), e.getMessage());
                }
            }
        } catch (MoqException e) {
            LOG.debug("{}: up mirror ended: {}", session, e.getMessage());
        }
    }

    /**
     * True if {@code b} came through another relay: its hop list names one besides the peer itself, which
     * on lite-05 always adds its own id (ANNOUNCE_OK), and on lite-03/04 only when it is a relay.
     */
    private boolean relayed(BroadcastConsumer b) {
        return b.hops().size() > (session.version().setup() ? 1 : 0);
    }

    /** {@code ?pull=<ticket>}: the relay fetches each named broadcast from its publisher for this session. */
    private void pullTickets(Resolution.Grant g, ConnectionRequest request) {
        if (request == null) {
            return;
        }
        for (String ticket : request.parameter("pull")) {
            if (!g.canRead(Path.of(ticket))) {
                LOG.info("{}: may not read {}; not pulled", session, ticket);
                continue;
            }
            try {
                AutoCloseable lease = relay.pull(g.scope(), ticket);
                synchronized (leases) {
                    leases.add(lease);
                }
            } catch (RuntimeException e) {
                LOG.info("{}: cannot pull {}: {}", session, ticket, e.getMessage());
            }
        }
        session.closed().whenComplete((r, e) -> {
            synchronized (leases) {
                leases.forEach(RelaySession::closeQuietly);
                leases.clear();
            }
        });
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("lease close failed: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "RelaySession[" + session + "]";
    }
}
