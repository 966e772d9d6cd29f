package dev.parley.net.quic;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.Connection;
import dev.parley.net.transport.ConnectionClosedException;
import dev.parley.net.path.MappedAddresses;
import dev.parley.net.transport.PathInfo;
import dev.parley.net.transport.PathStats;
import dev.parley.net.transport.SendEstimator;
import dev.parley.net.transport.RecvStream;
import dev.parley.net.transport.SendStream;
import dev.parley.net.transport.TransportException;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicConnectionPathStats;
import io.netty.handler.codec.quic.QuicConnectionStats;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamLimitChangedEvent;
import io.netty.handler.codec.quic.QuicStreamPriority;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The Netty binding of {@link Connection}: one authenticated QUIC connection. Blocking methods are
 * for virtual threads; everything that touches quiche runs on the connection's event loop.
 */
public final class QuicConnection implements Connection {
    static final AttributeKey<QuicConnection> KEY = AttributeKey.valueOf("parley.connection");
    static final Duration STATS_INTERVAL = Duration.ofMillis(200);
    /** Default stream priority (SPI scale) before {@link SendStream#setPriority} is called. */
    static final long DEFAULT_PRIORITY = 128;
    private static final Logger LOG = LoggerFactory.getLogger(QuicConnection.class);
    /** Each path sample's counters at debug (lab traces): sent, lost and retransmitted bytes, cwnd, RTT. */
    private static final Logger STATS_LOG = LoggerFactory.getLogger(QuicConnection.class.getName() + ".stats");

    private final QuicChannel channel;
    private final String protocol;
    private final EndpointId remoteId;
    private final boolean client;
    private final SocketAddress remoteAddress;
    /** The path layer's view of a stand-in remote address (null for a plain one). */
    private final Function<SocketAddress, PathInfo> paths;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition incoming = lock.newCondition();
    private final Condition streamCredit = lock.newCondition();
    private final ArrayDeque<QuicStream> incomingBidi = new ArrayDeque<>();
    private final ArrayDeque<QuicStream> incomingUni = new ArrayDeque<>();
    private final Set<QuicStream> streams = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private volatile CloseReason closeReason;

    private final CopyOnWriteArrayList<Consumer<PathStats>> statsListeners = new CopyOnWriteArrayList<>();
    private volatile PathStats stats;
    private long lastCwnd = -1;
    private long congestionEvents;
    private long minRttNanos = Long.MAX_VALUE;
    private final SendEstimator estimator = new SendEstimator();
    private ScheduledFuture<?> statsTask;

    private QuicConnection(QuicChannel channel, String protocol, EndpointId remoteId, boolean client,
                           Function<SocketAddress, PathInfo> paths) {
        this.channel = channel;
        this.protocol = protocol;
        this.remoteId = remoteId;
        this.client = client;
        this.remoteAddress = channel.remoteSocketAddress();
        this.paths = MappedAddresses.isMapped(remoteAddress) ? paths : null;
        this.stats = PathStats.empty(remoteAddress(), pathInfo().relayed());
    }

    /**
     * Wraps a QUIC channel whose handshake completed, on its event loop. Installs the connection
     * handler, starts path-stats sampling and completes {@link #closed()} when the channel goes.
     */
    static QuicConnection attach(QuicChannel channel, String protocol, EndpointId remoteId, boolean client,
                                 Function<SocketAddress, PathInfo> paths) {
        assert channel.eventLoop().inEventLoop();
        QuicConnection conn = new QuicConnection(channel, protocol, remoteId, client, paths);
        channel.attr(KEY).set(conn);
        channel.pipeline().addLast(conn.new Events());
        channel.closeFuture().addListener(f -> conn.onChannelClosed());
        long period = STATS_INTERVAL.toMillis();
        conn.statsTask = channel.eventLoop().scheduleAtFixedRate(conn::sampleStats, period, period, TimeUnit.MILLISECONDS);
        if (!channel.isActive()) {
            conn.onChannelClosed();
        }
        return conn;
    }

    /** Configures every stream channel, incoming or local, and wraps it. */
    static ChannelInitializer<QuicStreamChannel> streamInitializer(Function<QuicChannel, QuicConnection> resolver) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(QuicStreamChannel ch) {
                // A peer's first stream can arrive in the same packet that completes the handshake, before
                // the handshake event, so the connection is resolved (created on first use) here too.
                QuicConnection conn = ch.parent().attr(KEY).get();
                if (conn == null) {
                    conn = resolver.apply(ch.parent());
                }
                if (conn == null) {
                    ch.close(); // the connection was refused
                    return;
                }
                if (ch.type() == QuicStreamType.BIDIRECTIONAL) {
                    ch.config().setAllowHalfClosure(true); // uni streams refuse the option
                }
                ch.config().setAutoRead(false)
                        .setMaxMessagesPerRead(4)
                        .setRecvByteBufAllocator(new AdaptiveRecvByteBufAllocator(1024, 16 * 1024, 64 * 1024))
                        .setWriteBufferWaterMark(new WriteBufferWaterMark(64 * 1024, 256 * 1024));
                QuicStream stream = new QuicStream(conn, ch);
                ch.pipeline().addLast(stream);
                conn.streams.add(stream);
                if (!ch.isLocalCreated()) {
                    conn.enqueueIncoming(stream);
                }
            }

            /**
             * A stream the peer resets (or whose connection closes) before this initializer ran, as
             * happens when a peer leaves mid-stream, is normal: closed quietly. Anything else is a real
             * failure and keeps Netty's warning.
             */
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
                var parent = ctx.channel().parent();
                if (cause instanceof QuicStreamResetException || parent != null && !parent.isActive()) {
                    LOG.debug("stream {} ended before it was set up: {}", ctx.channel(), cause.toString());
                    ctx.close();
                } else {
                    super.exceptionCaught(ctx, cause);
                }
            }
        };
    }

    QuicChannel channel() {
        return channel;
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public Optional<EndpointId> remoteId() {
        return Optional.ofNullable(remoteId);
    }

    /**
     * The authenticated peer; null only for a client accepted with WebPKI TLS (no Ed25519 identity, see
     * {@link Endpoint#serveWebPki}).
     */
    public EndpointId peer() {
        return remoteId;
    }

    /**
     * The peer's address: for a connection through the path layer, the direct address in use, or the
     * stand-in address while relayed (never an address to advertise: see {@link MappedAddresses#isMapped}).
     */
    @Override
    public SocketAddress remoteAddress() {
        PathInfo p = paths == null ? null : paths.apply(remoteAddress);
        return p != null && p.kind() == PathInfo.Kind.DIRECT ? p.direct() : remoteAddress;
    }

    /** The address the QUIC channel itself uses: a path-layer stand-in, or the peer's real address. */
    SocketAddress channelRemote() {
        return remoteAddress;
    }

    /** Which path the connection's packets take now. */
    @Override
    public PathInfo pathInfo() {
        PathInfo p = paths == null ? null : paths.apply(remoteAddress);
        if (p != null) {
            return p;
        }
        return remoteAddress instanceof java.net.InetSocketAddress isa && !MappedAddresses.isMapped(isa)
                ? PathInfo.direct(isa) : new PathInfo(PathInfo.Kind.NONE, null, null, Duration.ZERO, 0);
    }

    @Override
    public boolean isClient() {
        return client;
    }

    @Override
    public BidiStream openBidi() {
        return open(QuicStreamType.BIDIRECTIONAL);
    }

    @Override
    public SendStream openUni() {
        return open(QuicStreamType.UNIDIRECTIONAL).send();
    }

    @Override
    public BidiStream acceptBidi() throws InterruptedException {
        return accept(incomingBidi);
    }

    @Override
    public RecvStream acceptUni() throws InterruptedException {
        return accept(incomingUni).recv();
    }

    @Override
    public PathStats pathStats() {
        return stats;
    }

    @Override
    public AutoCloseable onPathStats(Consumer<PathStats> listener) {
        statsListeners.add(listener);
        return () -> statsListeners.remove(listener);
    }

    /** Sends CONNECTION_CLOSE with the raw application code (Netty carries it as an int: clamped to 0..2^31-1). */
    @Override
    public void close(long code, String reason) {
        CloseReason local = new CloseReason.Local(code, reason == null ? "" : reason);
        lock.lock();
        try {
            if (closeReason != null) {
                return;
            }
            closeReason = local;
            incoming.signalAll();
            streamCredit.signalAll();
        } finally {
            lock.unlock();
        }
        streams.forEach(QuicStream::wakeAll);
        byte[] text = (reason == null ? "" : reason).getBytes(StandardCharsets.UTF_8);
        int wireCode = (int) Math.min(Integer.MAX_VALUE, Math.max(0, code));
        channel.close(true, wireCode, Unpooled.wrappedBuffer(text));
    }

    @Override
    public CompletableFuture<CloseReason> closed() {
        return closed;
    }

    @Override
    public String toString() {
        return "QuicConnection[" + protocol + " " + (client ? "to " : "from ") + (remoteId == null ? "a WebPKI client" : remoteId.shortHex()) + " @ " + remoteAddress + "]";
    }

    // ---- internals ----

    void throwIfClosed() {
        CloseReason reason = closeReason;
        if (reason != null) {
            throw new ConnectionClosedException(reason);
        }
    }

    void streamClosed(QuicStream stream) {
        streams.remove(stream);
    }

    private void enqueueIncoming(QuicStream stream) {
        lock.lock();
        try {
            (stream.channel().type() == QuicStreamType.BIDIRECTIONAL ? incomingBidi : incomingUni).add(stream);
            incoming.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private QuicStream accept(ArrayDeque<QuicStream> queue) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                QuicStream next = queue.poll();
                if (next != null) {
                    return next;
                }
                throwIfClosed();
                incoming.await();
            }
        } finally {
            lock.unlock();
        }
    }

    private QuicStream open(QuicStreamType type) {
        while (true) {
            throwIfClosed();
            QuicStream stream;
            try {
                stream = tryOpen(type).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException("interrupted while opening a stream", e);
            } catch (ExecutionException e) {
                throwIfClosed();
                throw new TransportException("cannot open a stream: " + e.getCause().getMessage(), e.getCause());
            }
            if (stream != null) {
                return stream;
            }
            lock.lock();
            try {
                if (closeReason == null) {
                    // Woken by a stream-limit event; the timeout covers a limit change we could not observe.
                    streamCredit.await(250, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException("interrupted while waiting for stream credit", e);
            } finally {
                lock.unlock();
            }
        }
    }

    /** On the event loop: opens a stream if the peer allows one more, else completes with null. */
    private Future<QuicStream> tryOpen(QuicStreamType type) {
        Promise<QuicStream> promise = channel.eventLoop().newPromise();
        channel.eventLoop().execute(() -> {
            if (!channel.isActive()) {
                promise.setFailure(new ConnectionClosedException(closeReasonOrLost()));
                return;
            }
            if (channel.peerAllowedStreams(type) <= 0) {
                promise.setSuccess(null);
                return;
            }
            channel.createStream(type, streamInitializer(c -> QuicConnection.this)).addListener(f -> {
                if (!f.isSuccess()) {
                    promise.setFailure(f.cause());
                    return;
                }
                QuicStreamChannel ch = (QuicStreamChannel) f.getNow();
                QuicStream stream = ch.pipeline().get(QuicStream.class);
                if (stream == null) {
                    promise.setFailure(new TransportException("stream closed while opening"));
                    return;
                }
                // Setting a priority makes quiche create the stream now, so it counts against the peer's limit.
                ch.updatePriority(new QuicStreamPriority(Priorities.urgency(DEFAULT_PRIORITY), false));
                promise.setSuccess(stream);
            });
        });
        return promise;
    }

    private CloseReason closeReasonOrLost() {
        CloseReason reason = closeReason;
        return reason != null ? reason : new CloseReason.TransportError("connection lost");
    }

    private void onChannelClosed() {
        CloseReason reason;
        lock.lock();
        try {
            if (closeReason == null) {
                closeReason = channel.isTimedOut() ? new CloseReason.TransportError("idle timeout")
                        : new CloseReason.TransportError("connection lost");
            }
            reason = closeReason;
            incoming.signalAll();
            streamCredit.signalAll();
            incomingBidi.clear();
            incomingUni.clear();
        } finally {
            lock.unlock();
        }
        if (statsTask != null) {
            statsTask.cancel(false);
        }
        streams.forEach(QuicStream::wakeAll);
        if (closed.complete(reason)) {
            LOG.debug("{} closed: {}", this, reason);
        }
    }

    private void onRemoteClose(QuicConnectionCloseEvent event) {
        lock.lock();
        try {
            if (closeReason == null) {
                String text = new String(event.reason(), StandardCharsets.UTF_8);
                closeReason = event.isApplicationClose()
                        ? new CloseReason.Remote(Integer.toUnsignedLong(event.error()), text)
                        : new CloseReason.TransportError("peer closed the connection: "
                        + (event.isTlsError() ? "TLS error " + QuicConnectionCloseEvent.extractTlsError(event.error())
                        : "transport error " + event.error()) + (text.isEmpty() ? "" : " (" + text + ")"));
            }
        } finally {
            lock.unlock();
        }
    }

    private void signalStreamCredit() {
        lock.lock();
        try {
            streamCredit.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** On the event loop every {@link #STATS_INTERVAL}. */
    private void sampleStats() {
        if (!channel.isActive()) {
            return;
        }
        Future<QuicConnectionStats> connStats = channel.collectStats();
        Future<QuicConnectionPathStats> pathStats = channel.collectPathStats(0);
        connStats.addListener(a -> pathStats.addListener(b -> {
            if (connStats.isSuccess() && pathStats.isSuccess()) {
                publish(connStats.getNow(), pathStats.getNow());
            }
        }));
    }

    private void publish(QuicConnectionStats conn, QuicConnectionPathStats path) {
        long cwnd = path.cwnd();
        if (lastCwnd >= 0 && cwnd < lastCwnd) {
            congestionEvents++; // quiche does not expose congestion events; a shrinking window is one
        }
        lastCwnd = cwnd;
        long rtt = path.rtt(); // nanoseconds
        if (rtt > 0) {
            minRttNanos = Math.min(minRttNanos, rtt);
        }
        // quiche's own delivery rate is a per-ack burst rate (it read 98-270 Mbit/s behind a 600 kbit/s
        // bottleneck); the estimate from delivered bytes and queueing is what PROBE reports
        long estimate = estimator.sample(System.nanoTime(), conn.sentBytes(), conn.lostBytes(), conn.sent(), conn.lost(), rtt);
        PathInfo via = pathInfo();
        // the path's real far end, not the path layer's stand-in address that QUIC sees
        PathStats sample = new PathStats(Instant.now(), via.remote(remoteAddress()), via.relayed(), Duration.ofNanos(rtt),
                Duration.ofNanos(minRttNanos == Long.MAX_VALUE ? 0 : minRttNanos), cwnd, estimate / 8,
                conn.sentBytes(), conn.recvBytes(), conn.sent(), conn.recv(), conn.lost(), congestionEvents);
        stats = sample;
        if (STATS_LOG.isDebugEnabled()) {
            STATS_LOG.debug("path: sent {} B / {} packets, lost {} B / {} packets, stream retransmits {} B, received {} B, cwnd {} B, rtt {} us",
                    conn.sentBytes(), conn.sent(), conn.lostBytes(), conn.lost(), conn.streamRetransBytes(), conn.recvBytes(),
                    cwnd, rtt / 1000);
        }
        for (Consumer<PathStats> listener : statsListeners) {
            try {
                listener.accept(sample);
            } catch (RuntimeException e) {
                LOG.warn("path stats listener failed", e);
            }
        }
    }

    /** Connection-level events on the QUIC channel's pipeline. */
    private final class Events extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof QuicConnectionCloseEvent close) {
                onRemoteClose(close);
            } else if (evt instanceof QuicStreamLimitChangedEvent) {
                signalStreamCredit();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("{}: {}", QuicConnection.this, cause.toString());
        }
    }
}
