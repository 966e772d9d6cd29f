package dev.parley.rooms.gossip.net;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.transport.Connection;
import dev.parley.net.transport.SendStream;
import dev.parley.net.transport.TransportException;
import dev.parley.rooms.gossip.wire.Frames;
import dev.parley.rooms.gossip.wire.TopicId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Everything this node sends to one peer: a bounded queue drained by one virtual thread, which
 * dials when needed, keeps one unidirectional stream per topic (header first), and sends a
 * zero-length keepalive frame every second while streams are open, so QUIC's idle timeout only fires
 * for a peer that is really gone.
 */
final class PeerLink {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
    static final int QUEUE_CAPACITY = 256;
    static final long KEEPALIVE_MS = 1_000;
    private static final byte[] KEEPALIVE = new byte[4];

    sealed interface Item {
        record Frame(TopicId topic, byte[] bytes) implements Item {}

        record Release(TopicId topic) implements Item {}
    }

    final EndpointId peer;
    private final GossipNode node;
    private final ArrayBlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    volatile Connection conn;
    volatile boolean closingByUs;
    private Thread writer;
    // writer thread only
    private Connection streamsOf;
    private final Map<TopicId, SendStream> streams = new HashMap<>();

    PeerLink(EndpointId peer, GossipNode node) {
        this.peer = peer;
        this.node = node;
    }

    void enqueue(Item item) {
        if (!queue.offer(item)) {
            node.stats.dropped.incrementAndGet();
        }
        ensureWriter();
    }

    private synchronized void ensureWriter() {
        if (writer == null) {
            writer = Thread.ofVirtual().name("gossip-send-" + peer.shortHex()).start(this::run);
        }
    }

    /** Closes the link's connection on purpose (nobody needs it); the close is not reported as a failure. */
    void closeByUs(String why) {
        Connection c = conn;
        if (c != null && queue.isEmpty()) {
            closingByUs = true;
            c.close(0, why);
        }
    }

    private void run() {
        try {
            while (!node.isClosed() || !queue.isEmpty()) {
                Item item = queue.poll(KEEPALIVE_MS, TimeUnit.MILLISECONDS);
                if (item == null) {
                    if (conn == null || node.isClosed()) {
                        synchronized (this) { // idle without a connection: end; enqueue starts a new writer
                            if (queue.isEmpty()) {
                                writer = null;
                                return;
                            }
                        }
                        continue;
                    }
                    keepalive();
                    continue;
                }
                try {
                    switch (item) {
                        case Item.Frame f -> {
                            SendStream s = stream(connection(), f.topic());
                            s.write(f.bytes());
                            s.flush();
                            node.stats.framesOut.incrementAndGet();
                        }
                        case Item.Release r -> {
                            SendStream s = streamsOf == conn ? streams.remove(r.topic()) : null;
                            if (s != null) {
                                s.finish();
                            }
                        }
                    }
                } catch (DialFailed e) {
                    node.stats.dialFailures.incrementAndGet();
                    int lost = queue.size();
                    queue.clear();
                    node.stats.dropped.addAndGet(lost + 1);
                    LOG.debug("gossip dial to {} failed: {}", peer.shortHex(), e.getMessage());
                    node.linkFailed(this);
                } catch (TransportException e) {
                    // the stream or connection broke; a connection close is reported by its close watcher
                    node.stats.dropped.incrementAndGet();
                    streams.clear();
                    LOG.debug("gossip send to {} failed: {}", peer.shortHex(), e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            writer = null;
        }
    }

    private void keepalive() {
        if (streamsOf != conn || streams.isEmpty()) {
            return;
        }
        try {
            SendStream s = streams.values().iterator().next();
            s.write(KEEPALIVE);
            s.flush();
        } catch (TransportException e) {
            streams.clear();
        }
    }

    private Connection connection() throws InterruptedException {
        Connection c = conn;
        if (c != null && !c.closed().isDone()) {
            return c;
        }
        var addr = node.addressOf(peer);
        if (addr == null) {
            throw new DialFailed("no address known for " + peer.shortHex());
        }
        try {
            c = node.endpoint.connect(addr, GossipNode.ALPN).get(GossipNode.DIAL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new DialFailed(e.getCause() != null ? e.getCause().getMessage() : e.toString());
        }
        node.seenAt(peer, c.remoteAddress());
        node.adopt(peer, c);
        return c;
    }

    private SendStream stream(Connection c, TopicId topic) {
        if (streamsOf != c) {
            streams.clear();
            streamsOf = c;
        }
        SendStream s = streams.get(topic);
        if (s == null) {
            s = c.openUni();
            s.write(Frames.header(topic, node.maxMessageSize()));
            streams.put(topic, s);
        }
        return s;
    }

    /** A dial failed: the peer is unreachable for now. */
    static final class DialFailed extends RuntimeException {
        DialFailed(String message) {
            super(message);
        }
    }
}
