package dev.parley.rooms;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.session.Moq;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.PathStats;
import dev.parley.rooms.gossip.net.GossipNode;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * The room's view of the endpoint's {@link Moq} manager. To avoid two sessions per pair of peers
 * (both dialing at once), only the peer with the smaller id dials first; the other waits briefly for
 * that session and dials only as a fallback. Every session the room uses is watched, so a session
 * ending with a transport error (idle timeout: the peer crashed) reaches the room. Thread-safe.
 */
final class MoqLinks implements AutoCloseable {
    private static final long DIAL_TIMEOUT_MS = 5_000;
    private static final long WAIT_FOR_PEER_DIAL_MS = 1_500;

    private final Moq moq;
    private final boolean owned;
    private final GossipNode gossip;
    private final EndpointId me;
    private final BiConsumer<EndpointId, CloseReason> onClosed;
    private final Set<MoqSession> watched = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    MoqLinks(Moq moq, boolean owned, GossipNode gossip, BiConsumer<EndpointId, CloseReason> onClosed) {
        this.moq = moq;
        this.owned = owned;
        this.gossip = gossip;
        this.me = gossip.id();
        this.onClosed = onClosed;
    }

    /** Publishes to every session, now and later, until the broadcast closes. */
    void publish(String name, BroadcastProducer broadcast) {
        moq.publish(name, broadcast.consume());
    }

    /** The session with {@code peer}; blocks while waiting for the peer's dial or dialing it. */
    MoqSession session(EndpointId peer) throws InterruptedException {
        MoqSession s = existing(peer);
        if (s == null && me.compareTo(peer) > 0) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_FOR_PEER_DIAL_MS);
            while (s == null && System.nanoTime() < deadline && !closed) {
                Thread.sleep(50);
                s = existing(peer);
            }
        }
        if (s == null) {
            EndpointAddr addr = gossip.addressOf(peer);
            if (addr == null) {
                throw new IllegalStateException("no address known for " + peer.shortHex());
            }
            try {
                s = moq.connect(addr).get(DIAL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("cannot reach " + peer.shortHex() + ": "
                        + (e.getCause() != null ? e.getCause().getMessage() : e), e);
            }
        }
        watch(peer, s);
        return s;
    }

    /** The latest PROBE estimate {@code peer} sent on its session (bits per second), if any. */
    java.util.OptionalLong probeEstimate(EndpointId peer) {
        MoqSession s = existing(peer);
        return s == null ? java.util.OptionalLong.empty() : s.probeEstimate();
    }

    /**
     * Hands {@code sample} every path statistics sample of the session open to {@code peer} now (the
     * connection's own 200 ms samples, on a transport thread), with the PROBE estimate the peer last sent;
     * empty when no session is open. Ends with that session or when the returned handle is closed.
     */
    java.util.Optional<AutoCloseable> followPath(EndpointId peer, BiConsumer<PathStats, java.util.OptionalLong> sample) {
        MoqSession s = existing(peer);
        return s == null ? java.util.Optional.empty()
                : java.util.Optional.of(s.connection().onPathStats(p -> sample.accept(p, s.probeEstimate())));
    }

    /** This side's capacity estimate (bps, 0 = unknown) of every open session a peer subscribes on. */
    List<Long> sendEstimates() {
        return moq.sessions().stream().filter(s -> !s.isClosed() && s.servedSubscriptions() > 0)
                .map(MoqSession::sendEstimate).toList();
    }

    private MoqSession existing(EndpointId peer) {
        List<MoqSession> all = moq.sessions();
        for (int i = all.size() - 1; i >= 0; i--) {
            MoqSession s = all.get(i);
            if (!s.isClosed() && s.remoteId().filter(peer::equals).isPresent()) {
                return s;
            }
        }
        return null;
    }

    private void watch(EndpointId peer, MoqSession s) {
        if (watched.add(s)) {
            s.closed().whenComplete((reason, e) -> {
                watched.remove(s);
                if (!closed) {
                    onClosed.accept(peer, reason != null ? reason : new CloseReason.TransportError(String.valueOf(e)));
                }
            });
        }
    }

    /**
     * Leaving: when the room owns the manager, every session closes with {@code code} first (a
     * connection close goes out at once, ahead of any stream data still queued), then the manager
     * shuts down. A shared manager's sessions are left alone.
     */
    CompletableFuture<Void> leave(long code, String reason) {
        closed = true;
        if (!owned) {
            return CompletableFuture.completedFuture(null);
        }
        for (MoqSession s : moq.sessions()) {
            s.close(code, reason);
        }
        return moq.shutdownAsync(); // the room's actor does not wait for the manager's
    }

    @Override
    public void close() {
        closed = true;
        if (owned) {
            moq.shutdown();
        }
    }
}
