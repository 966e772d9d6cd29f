package dev.parley.rooms;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.Connection;
import dev.parley.rooms.gossip.net.GossipNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * The room's moq-lite sessions on ALPN {@value #ALPN}. When both sides dial at once a peer has two
 * sessions: every local broadcast is published into all of them, subscriptions use the newest, and
 * the peer counts as lost only when its last session ends. Thread-safe.
 */
final class MoqLinks implements AutoCloseable {
    static final String ALPN = "moq-lite-03";
    private static final Logger LOG = LoggerFactory.getLogger(MoqLinks.class);
    private static final long DIAL_TIMEOUT_MS = 5_000;

    private final Endpoint endpoint;
    private final GossipNode gossip;
    private final BiConsumer<EndpointId, CloseReason> onClosed;
    private final Map<EndpointId, List<MoqSession>> sessions = new ConcurrentHashMap<>();
    private final Map<String, BroadcastProducer> local = new ConcurrentHashMap<>();
    private volatile boolean closed;

    MoqLinks(Endpoint endpoint, GossipNode gossip, BiConsumer<EndpointId, CloseReason> onClosed) {
        this.endpoint = endpoint;
        this.gossip = gossip;
        this.onClosed = onClosed;
        endpoint.register(ALPN, this::accept);
    }

    void publish(String name, BroadcastProducer broadcast) {
        local.put(name, broadcast);
        for (List<MoqSession> list : sessions.values()) {
            for (MoqSession s : snapshot(list)) {
                s.publish(name, broadcast.consume());
            }
        }
    }

    void forget(String name) {
        local.remove(name);
    }

    /** The session with {@code peer}, dialing it if there is none; blocks up to the dial timeout. */
    MoqSession session(EndpointId peer) throws InterruptedException {
        MoqSession s = newest(peer);
        if (s != null) {
            return s;
        }
        EndpointAddr addr = gossip.addressOf(peer);
        if (addr == null) {
            throw new IllegalStateException("no address known for " + peer.shortHex());
        }
        try {
            Connection c = endpoint.connect(addr, ALPN).get(DIAL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            for (MoqSession existing : snapshot(sessions.getOrDefault(peer, List.of()))) {
                if (existing.connection() == c && !existing.isClosed()) {
                    return existing;
                }
            }
            return adopt(peer, MoqSession.start(c));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reach " + peer.shortHex() + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e), e);
        }
    }

    private void accept(Connection c) {
        EndpointId peer = c.remoteId().orElse(null);
        if (peer == null || closed) {
            c.close(1, "unauthenticated or closing");
            return;
        }
        adopt(peer, MoqSession.start(c));
    }

    private MoqSession adopt(EndpointId peer, MoqSession s) {
        List<MoqSession> list = sessions.computeIfAbsent(peer, p -> new ArrayList<>());
        synchronized (list) {
            list.add(s);
        }
        local.forEach((name, b) -> s.publish(name, b.consume()));
        s.closed().whenComplete((reason, e) -> {
            boolean last;
            synchronized (list) {
                if (!list.remove(s)) {
                    return; // cleared by close()
                }
                last = list.stream().allMatch(MoqSession::isClosed);
            }
            LOG.debug("moq session with {} ended (last: {}): {}", peer.shortHex(), last, reason);
            if (last && !closed) {
                onClosed.accept(peer, reason != null ? reason : new CloseReason.TransportError(String.valueOf(e)));
            }
        });
        return s;
    }

    private MoqSession newest(EndpointId peer) {
        List<MoqSession> list = sessions.get(peer);
        if (list == null) {
            return null;
        }
        List<MoqSession> open = snapshot(list);
        for (int i = open.size() - 1; i >= 0; i--) {
            if (!open.get(i).isClosed()) {
                return open.get(i);
            }
        }
        return null;
    }

    private static List<MoqSession> snapshot(List<MoqSession> list) {
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    @Override
    public void close() {
        closed = true;
        endpoint.unregister(ALPN);
        List<MoqSession> all = new ArrayList<>();
        for (List<MoqSession> list : sessions.values()) {
            synchronized (list) {
                all.addAll(list);
                list.clear();
            }
        }
        sessions.clear();
        all.forEach(s -> s.close(0, "left the room"));
    }
}
