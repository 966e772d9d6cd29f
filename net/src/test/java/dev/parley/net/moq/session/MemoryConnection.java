package dev.parley.net.moq.session;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.Connection;
import dev.parley.net.transport.ConnectionClosedException;
import dev.parley.net.transport.PathStats;
import dev.parley.net.transport.RecvStream;
import dev.parley.net.transport.SendStream;
import dev.parley.net.transport.StreamResetException;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Test double: an in-memory {@link Connection} pair with bounded stream buffers, FIN, RESET_STREAM,
 * STOP_SENDING and close, for unit tests of the session's stream logic and for faults that real QUIC
 * cannot be made to produce on demand. It records every reset/stop code and priority it sees.
 */
final class MemoryConnection implements Connection {
    private static final int PIPE_CAPACITY = 256 * 1024;

    /** State shared by the two ends: one lock keeps close and stream hand-off simple. */
    private static final class Shared {
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        CloseReason closedBy;
        boolean closedByClient;
    }

    private final Shared shared;
    private final boolean client;
    private final String label;
    private MemoryConnection peer;
    private final ArrayDeque<BidiStream> incomingBidi = new ArrayDeque<>();
    private final ArrayDeque<RecvStream> incomingUni = new ArrayDeque<>();
    private final AtomicLong nextBidi;
    private final AtomicLong nextUni;
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private final AtomicReference<PathStats> stats;
    private final List<Consumer<PathStats>> statsListeners = new CopyOnWriteArrayList<>();
    private final Optional<EndpointId> remoteId;
    private String protocol = "moq-lite-03";

    /** Reset and stop codes this side sent, by stream id. */
    final Map<Long, Long> resetsSent = new ConcurrentHashMap<>();
    final Map<Long, Long> stopsSent = new ConcurrentHashMap<>();
    /** The last priority set on each stream this side sends on. */
    final Map<Long, Long> priorities = new ConcurrentHashMap<>();

    private MemoryConnection(Shared shared, boolean client, Optional<EndpointId> remoteId) {
        this.shared = shared;
        this.client = client;
        this.label = client ? "client" : "server";
        this.nextBidi = new AtomicLong(client ? 0 : 1);
        this.nextUni = new AtomicLong(client ? 2 : 3);
        this.remoteId = remoteId;
        this.stats = new AtomicReference<>(PathStats.empty(address(), false));
    }

    /** A connected pair: {@code [client, server]}, speaking moq-lite-03. */
    static MemoryConnection[] pair() {
        return pair("moq-lite-03");
    }

    /** A connected pair: {@code [client, server]} whose {@link #protocol()} is {@code protocol}. */
    static MemoryConnection[] pair(String protocol) {
        Shared s = new Shared();
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        a[0] = 1;
        b[0] = 2;
        MemoryConnection c = new MemoryConnection(s, true, Optional.of(EndpointId.of(b)));
        MemoryConnection srv = new MemoryConnection(s, false, Optional.of(EndpointId.of(a)));
        c.peer = srv;
        srv.peer = c;
        c.protocol = protocol;
        srv.protocol = protocol;
        return new MemoryConnection[]{c, srv};
    }

    MemoryConnection peer() {
        return peer;
    }

    /** Sets the path statistics this side reports and notifies listeners. */
    void setPathStats(PathStats s) {
        stats.set(s);
        statsListeners.forEach(l -> l.accept(s));
    }

    /** Simulates a transport failure seen by both sides. */
    void fail(String message) {
        closeWith(new CloseReason.TransportError(message));
    }

    private SocketAddress address() {
        return new InetSocketAddress("127.0.0.1", client ? 40000 : 40001);
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public Optional<EndpointId> remoteId() {
        return remoteId;
    }

    @Override
    public SocketAddress remoteAddress() {
        return peer.address();
    }

    @Override
    public boolean isClient() {
        return client;
    }

    @Override
    public BidiStream openBidi() {
        long id = nextBidi.getAndAdd(4);
        Pipe out = new Pipe(id);
        Pipe in = new Pipe(id);
        BidiStream mine = new Bidi(id, new Recv(in, this), new Send(out, this));
        BidiStream theirs = new Bidi(id, new Recv(out, peer), new Send(in, peer));
        deliver(() -> peer.incomingBidi.add(theirs));
        return mine;
    }

    @Override
    public SendStream openUni() {
        long id = nextUni.getAndAdd(4);
        Pipe p = new Pipe(id);
        Send mine = new Send(p, this);
        mine.announce = () -> peer.incomingUni.add(new Recv(p, peer));
        return mine;
    }

    private void deliver(Runnable r) {
        shared.lock.lock();
        try {
            checkOpen();
            r.run();
            shared.changed.signalAll();
        } finally {
            shared.lock.unlock();
        }
    }

    @Override
    public BidiStream acceptBidi() throws InterruptedException {
        return take(incomingBidi);
    }

    @Override
    public RecvStream acceptUni() throws InterruptedException {
        return take(incomingUni);
    }

    /** Bidi streams the peer opened that this side has not accepted yet. */
    int pendingBidi() {
        shared.lock.lock();
        try {
            return incomingBidi.size();
        } finally {
            shared.lock.unlock();
        }
    }

    /** Uni streams the peer opened that this side has not accepted yet. */
    int pendingUni() {
        shared.lock.lock();
        try {
            return incomingUni.size();
        } finally {
            shared.lock.unlock();
        }
    }

    private <T> T take(ArrayDeque<T> q) throws InterruptedException {
        shared.lock.lock();
        try {
            while (q.isEmpty()) {
                checkOpen();
                shared.changed.await();
            }
            return q.poll();
        } finally {
            shared.lock.unlock();
        }
    }

    private void checkOpen() {
        if (shared.closedBy != null) {
            throw new ConnectionClosedException(reasonFor(this));
        }
    }

    private CloseReason reasonFor(MemoryConnection side) {
        CloseReason r = shared.closedBy;
        boolean local = side.client == shared.closedByClient;
        return switch (r) {
            case CloseReason.Local l -> local ? l : new CloseReason.Remote(l.code(), l.reason());
            default -> r;
        };
    }

    @Override
    public PathStats pathStats() {
        return stats.get();
    }

    @Override
    public AutoCloseable onPathStats(Consumer<PathStats> listener) {
        statsListeners.add(listener);
        return () -> statsListeners.remove(listener);
    }

    @Override
    public void close(long code, String reason) {
        closeWith(new CloseReason.Local(code, reason));
    }

    private void closeWith(CloseReason r) {
        shared.lock.lock();
        try {
            if (shared.closedBy != null) {
                return;
            }
            shared.closedBy = r;
            shared.closedByClient = client;
            shared.changed.signalAll();
        } finally {
            shared.lock.unlock();
        }
        closed.complete(reasonFor(this));
        peer.closed.complete(reasonFor(peer));
    }

    @Override
    public CompletableFuture<CloseReason> closed() {
        return closed;
    }

    @Override
    public String toString() {
        return "MemoryConnection[" + label + "]";
    }

    private record Bidi(long id, RecvStream recv, SendStream send) implements BidiStream {}

    /** One direction of a stream: a bounded byte buffer with FIN, reset and stop. */
    private final class Pipe {
        final long id;
        final byte[] buf = new byte[PIPE_CAPACITY];
        int head;
        int size;
        boolean fin;
        Long resetCode;
        Long stopCode;

        Pipe(long id) {
            this.id = id;
        }
    }

    private final class Send implements SendStream {
        private final Pipe p;
        private final MemoryConnection owner;
        /**
         * A uni stream reaches the peer's accept with its first bytes, FIN or reset, as on QUIC and QMux
         * (the peer learns of a stream from its first frame); null once it has (and for bidi streams).
         */
        private Runnable announce;

        Send(Pipe p, MemoryConnection owner) {
            this.p = p;
            this.owner = owner;
        }

        @Override
        public long id() {
            return p.id;
        }

        @Override
        public void write(byte[] src, int off, int len) {
            shared.lock.lock();
            try {
                announceOnce();
                while (len > 0) {
                    owner.checkOpen();
                    if (p.stopCode != null) {
                        throw new StreamResetException(p.stopCode, "stream " + p.id + " stopped by the peer");
                    }
                    if (p.fin || p.resetCode != null) {
                        throw new IllegalStateException("stream " + p.id + " already finished");
                    }
                    int free = p.buf.length - p.size;
                    if (free == 0) {
                        shared.changed.awaitUninterruptibly();
                        continue;
                    }
                    int n = Math.min(free, len);
                    for (int i = 0; i < n; i++) {
                        p.buf[(p.head + p.size + i) % p.buf.length] = src[off + i];
                    }
                    p.size += n;
                    off += n;
                    len -= n;
                    shared.changed.signalAll();
                }
            } finally {
                shared.lock.unlock();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void finish() {
            shared.lock.lock();
            try {
                owner.checkOpen();
                if (p.fin || p.resetCode != null) {
                    throw new IllegalStateException("stream " + p.id + " was already finished or reset");
                }
                announceOnce();
                p.fin = true;
                shared.changed.signalAll();
            } finally {
                shared.lock.unlock();
            }
        }

        @Override
        public void reset(long code) {
            shared.lock.lock();
            try {
                if (p.fin || p.resetCode != null) {
                    return;
                }
                if (shared.closedBy == null) {
                    announceOnce();
                }
                p.resetCode = code;
                owner.resetsSent.put(p.id, code);
                shared.changed.signalAll();
            } finally {
                shared.lock.unlock();
            }
        }

        @Override
        public void setPriority(long priority) {
            owner.priorities.put(p.id, priority);
        }

        /** Caller holds the shared lock. */
        private void announceOnce() {
            if (announce != null) {
                Runnable r = announce;
                announce = null;
                deliver(r);
            }
        }
    }

    private final class Recv implements RecvStream {
        private final Pipe p;
        private final MemoryConnection owner;

        Recv(Pipe p, MemoryConnection owner) {
            this.p = p;
            this.owner = owner;
        }

        @Override
        public long id() {
            return p.id;
        }

        @Override
        public int read(byte[] dst, int off, int len) throws InterruptedException {
            shared.lock.lock();
            try {
                while (true) {
                    if (p.stopCode != null) {
                        throw new StreamResetException(p.stopCode, "stream " + p.id + " was stopped by this side");
                    }
                    if (p.resetCode != null) {
                        throw new StreamResetException(p.resetCode, "stream " + p.id + " reset by the peer");
                    }
                    if (p.size > 0) {
                        int n = Math.min(len, p.size);
                        for (int i = 0; i < n; i++) {
                            dst[off + i] = p.buf[(p.head + i) % p.buf.length];
                        }
                        p.head = (p.head + n) % p.buf.length;
                        p.size -= n;
                        shared.changed.signalAll();
                        return n;
                    }
                    if (p.fin) {
                        return -1;
                    }
                    owner.checkOpen();
                    shared.changed.await();
                }
            } finally {
                shared.lock.unlock();
            }
        }

        @Override
        public void stop(long code) {
            shared.lock.lock();
            try {
                if (p.stopCode == null) {
                    p.stopCode = code;
                    owner.stopsSent.put(p.id, code);
                }
                p.size = 0;
                shared.changed.signalAll();
            } finally {
                shared.lock.unlock();
            }
        }
    }
}
