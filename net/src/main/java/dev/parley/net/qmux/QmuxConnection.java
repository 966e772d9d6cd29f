package dev.parley.net.qmux;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.Connection;
import dev.parley.net.transport.ConnectionClosedException;
import dev.parley.net.transport.PathStats;
import dev.parley.net.transport.StreamDeliveryEstimator;
import dev.parley.net.transport.RecvStream;
import dev.parley.net.transport.SendStream;
import dev.parley.net.transport.TransportException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One QMux session over a WebSocket: QUIC stream numbering, flow control and stream limits on top of one
 * frame per message (qmux-00) or one record of frames per message (qmux-01/02; Parley sends one frame per
 * record). All state sits behind one lock held only for short, non-blocking sections: the Netty event
 * loop decodes, accounts and writes; application (virtual) threads block on conditions of that lock.
 * Outgoing stream data is queued per stream and written by {@link #pump()} on the event loop, highest
 * priority first, within the peer's credit and the channel's writability.
 */
public final class QmuxConnection implements Connection {
    /**
     * How long a side that sent or received CONNECTION_CLOSE keeps TCP open for the WebSocket closing
     * handshake before dropping it anyway.
     */
    static final Duration CLOSE_LINGER = Duration.ofSeconds(2);

    private static final System.Logger LOG = System.getLogger(QmuxConnection.class.getName());

    private final Channel channel;
    private final boolean client;
    private final QmuxWireFormat wire;
    private final String protocol;
    private final String path;
    private final String query;
    private volatile String rawPath;
    private final QmuxConfig config;
    private final TransportParameters local;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition acceptable = lock.newCondition();
    private final Condition openable = lock.newCondition();
    private final Map<Long, QmuxStream> streams = new HashMap<>();
    private final ArrayDeque<QmuxStream> acceptBidi = new ArrayDeque<>();
    private final ArrayDeque<QmuxStream> acceptUni = new ArrayDeque<>();
    private final ArrayDeque<QmuxFrame> control = new ArrayDeque<>();
    private final LinkedHashSet<QmuxStream> sending = new LinkedHashSet<>();
    private boolean pumpScheduled;
    private long serveSeq;
    private long lastPingReceived = -1; // qmux-02: request sequences must increase

    // Peer's limits on what we send.
    private TransportParameters peer;
    private long connSendMax;
    private long connSent;
    private long connBlockedAt = -1;
    private final long[] peerMaxStreams = new long[2]; // [bidi, uni]
    private final long[] nextLocal = new long[2];
    private final long[] streamsBlockedAt = {-1, -1};

    // Our limits on what the peer sends.
    private long connRecvMax;
    private long connReceived;
    private long connConsumed;
    private final long[] advertisedStreams = new long[2];
    private final long[] nextPeer = new long[2];
    private final long[] retiredPeer = new long[2];

    private CloseReason closeReason;
    private final CompletableFuture<CloseReason> closedInternal = new CompletableFuture<>();
    private final CompletableFuture<CloseReason> closedPublic;

    // Statistics: written on the event loop only.
    private volatile long bytesSent;
    private volatile long bytesReceived;
    private volatile long framesSent;
    private volatile long framesReceived;
    private volatile long srttNanos;
    private volatile long minRttNanos;
    private volatile long lastHeardNanos = System.nanoTime();
    private final List<Consumer<PathStats>> statsListeners = new CopyOnWriteArrayList<>();
    private volatile PathStats lastStats;
    private volatile long deliveryRate; // bytes per second, from the estimator (event loop writes)
    private final StreamDeliveryEstimator estimator = new StreamDeliveryEstimator();
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();

    // WebSocket closing handshake: event loop only.
    private boolean wsCloseSent;
    private ScheduledFuture<?> lingerTimer;
    /** Server frames on plain TCP reach NIO unmasked and unencrypted: see {@link #direct}. */
    private final boolean copyToDirect;

    QmuxConnection(Channel channel, boolean client, QmuxWireFormat wire, String protocol, String path, String query,
                   QmuxConfig config) {
        this.channel = channel;
        this.client = client;
        this.copyToDirect = !client && channel.pipeline().get(io.netty.handler.ssl.SslHandler.class) == null;
        this.wire = wire;
        this.protocol = protocol;
        this.path = path;
        this.rawPath = path;
        this.query = query;
        this.config = config;
        this.local = config.local();
        this.connRecvMax = local.initialMaxData();
        this.advertisedStreams[0] = local.initialMaxStreamsBidi();
        this.advertisedStreams[1] = local.initialMaxStreamsUni();
        this.closedPublic = closedInternal.thenApplyAsync(Function.identity(),
                r -> Thread.ofVirtual().name("qmux-closed").start(r));
        this.lastStats = PathStats.empty(channel.remoteAddress(), false);
    }

    // ---------------------------------------------------------------- Connection API

    /** The qmux-00 WebSocket subprotocol carrying {@code appProtocol}: {@code qmux-00.<appProtocol>}. */
    public static String subprotocol(String appProtocol) {
        return QmuxWireFormat.QMUX_00.subprotocol(appProtocol);
    }

    /** The wire format the WebSocket upgrade selected. */
    public QmuxWireFormat wireFormat() {
        return wire;
    }

    /** The app protocol the WebSocket upgrade selected, e.g. {@code moq-lite-05}; empty for a bare {@code qmux-0x}. */
    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public String binding() {
        return "websocket";
    }

    @Override
    public Optional<EndpointId> remoteId() {
        return Optional.empty();
    }

    @Override
    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    @Override
    public boolean isClient() {
        return client;
    }

    /** The WebSocket URL path (e.g. {@code /room/a}); the moq session root. Always starts with {@code /}. */
    public String path() {
        return path;
    }

    /** The URL path as the client sent it, before percent-decoding (what a relay validates as its scope). */
    public String rawPath() {
        return rawPath;
    }

    void rawPath(String raw) {
        this.rawPath = raw;
    }

    /** The URL query without {@code ?}, empty when absent. */
    public String query() {
        return query;
    }

    @Override
    public BidiStream openBidi() {
        return open(0);
    }

    @Override
    public SendStream openUni() {
        return open(1);
    }

    private QmuxStream open(int dir) {
        lock.lock();
        try {
            while (true) {
                ensureOpen();
                if (peer != null && nextLocal[dir] < peerMaxStreams[dir]) {
                    break;
                }
                if (peer != null && streamsBlockedAt[dir] != peerMaxStreams[dir]) {
                    streamsBlockedAt[dir] = peerMaxStreams[dir];
                    queueControl(new QmuxFrame.StreamsBlocked(dir == 0, peerMaxStreams[dir]));
                }
                awaitOn(openable);
            }
            long index = nextLocal[dir]++;
            long id = (index << 2) | (dir == 1 ? 2 : 0) | (client ? 0 : 1);
            QmuxStream s = newStream(id);
            streams.put(id, s);
            return s;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public BidiStream acceptBidi() throws InterruptedException {
        return accept(acceptBidi);
    }

    @Override
    public RecvStream acceptUni() throws InterruptedException {
        return accept(acceptUni);
    }

    private QmuxStream accept(ArrayDeque<QmuxStream> queue) throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                ensureOpen();
                acceptable.await();
            }
            return queue.poll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public PathStats pathStats() {
        return sampleStats();
    }

    @Override
    public AutoCloseable onPathStats(Consumer<PathStats> listener) {
        statsListeners.add(listener);
        return () -> statsListeners.remove(listener);
    }

    @Override
    public void close(long code, String reason) {
        if (markClosed(new CloseReason.Local(code, reason))) {
            onLoop(() -> sendCloseAndShutdown(code, 0, reason));
        }
    }

    @Override
    public CompletableFuture<CloseReason> closed() {
        return closedPublic;
    }

    @Override
    public String toString() {
        return "QmuxConnection[" + (client ? "client" : "server") + " " + wire.token() + " " + channel.remoteAddress() + path + "]";
    }

    // ---------------------------------------------------------------- event loop side

    /** Called on the event loop once the WebSocket handshake completed: parameters first, then timers. */
    void start() {
        QmuxFrame tp = new QmuxFrame.Parameters(local);
        writeFrame(QmuxFrameCodec.encode(channel.alloc(), tp));
        channel.flush();
        long ping = config.pingInterval().toNanos();
        if (ping > 0) {
            sendPing();
            timers.add(channel.eventLoop().scheduleAtFixedRate(this::sendPing, ping, ping, TimeUnit.NANOSECONDS));
        }
        timers.add(channel.eventLoop().scheduleAtFixedRate(this::publishStats, 200, 200, TimeUnit.MILLISECONDS));
    }

    /** Called on the event loop for each binary WebSocket message. */
    void onMessage(ByteBuf msg) {
        lastHeardNanos = System.nanoTime();
        bytesReceived += msg.readableBytes();
        framesReceived++;
        if (isClosed()) {
            return;
        }
        try {
            if (wire.records()) {
                for (QmuxFrame frame : QmuxFrameCodec.decodeRecord(msg)) {
                    if (isClosed()) {
                        return;
                    }
                    handle(frame);
                }
            } else {
                handle(QmuxFrameCodec.decode(msg));
            }
        } catch (QmuxProtocolException e) {
            protocolError(e.code(), e.getMessage());
        }
    }

    void onPong(ByteBuf content) {
        lastHeardNanos = System.nanoTime();
        if (content.readableBytes() != Long.BYTES) {
            return;
        }
        long rtt = System.nanoTime() - content.getLong(content.readerIndex());
        if (rtt <= 0) {
            return;
        }
        long s = srttNanos;
        srttNanos = s == 0 ? rtt : (7 * s + rtt) / 8;
        long m = minRttNanos;
        minRttNanos = m == 0 ? rtt : Math.min(m, rtt);
    }

    void onWritable() {
        pump();
    }

    /** The transport failed (bad message, I/O error): close this connection with a reason. */
    void protocolError(long code, String message) {
        LOG.log(System.Logger.Level.DEBUG, () -> this + " protocol error: " + message);
        if (markClosed(new CloseReason.TransportError("qmux: " + message))) {
            sendCloseAndShutdown(code, 0, message);
        }
    }

    void onInactive() {
        markClosed(new CloseReason.TransportError("websocket closed without CONNECTION_CLOSE"));
        timers.forEach(t -> t.cancel(false));
        if (lingerTimer != null) {
            lingerTimer.cancel(false);
        }
    }

    /**
     * The peer's WebSocket Close frame (event loop). Everything it sent before, CONNECTION_CLOSE
     * included, has been handled by now. Answers it if we have not sent ours yet, then drops TCP: the
     * peer sends nothing after its Close, so nothing unread is left to turn our close into a reset.
     */
    void onWebSocketClose(int status) {
        markClosed(new CloseReason.TransportError("websocket closed without CONNECTION_CLOSE"));
        timers.forEach(t -> t.cancel(false));
        if (wsCloseSent || !channel.isActive()) {
            channel.close();
            return;
        }
        wsCloseSent = true;
        // Echo the status as RFC 6455 asks; the decoder has already rejected invalid codes.
        CloseWebSocketFrame answer = status >= 0 ? new CloseWebSocketFrame(status, "") : new CloseWebSocketFrame();
        channel.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * A write failed and Netty shut our output down (auto-close is off): keep reading what the peer
     * sent before it went away, typically its CONNECTION_CLOSE, but drop TCP after the linger at the
     * latest.
     */
    void onOutputShutdown() {
        timers.forEach(t -> t.cancel(false));
        closeAfterLinger();
    }

    /**
     * Writes CONNECTION_CLOSE and a WebSocket Close frame but leaves TCP open until the peer answers
     * the Close (or closes TCP), bounded by {@link #CLOSE_LINGER}. Closing TCP right away
     * would reset the connection whenever the peer's last messages (a pong, its parameters) were still
     * unread here, and a reset makes the peer drop the CONNECTION_CLOSE it had not read yet.
     */
    private void sendCloseAndShutdown(long code, long frameType, String reason) {
        timers.forEach(t -> t.cancel(false));
        if (!channel.isActive() || wsCloseSent) {
            return;
        }
        wsCloseSent = true;
        writeFrame(QmuxFrameCodec.encode(channel.alloc(), new QmuxFrame.ConnectionClose(code, frameType, reason, false)));
        channel.writeAndFlush(new CloseWebSocketFrame(1000, ""));
        closeAfterLinger();
    }

    private void closeAfterLinger() {
        if (lingerTimer == null && channel.isActive()) {
            lingerTimer = channel.eventLoop().schedule(() -> channel.close(), CLOSE_LINGER.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void sendPing() {
        long idle = config.idleTimeout().toNanos();
        if (idle > 0 && System.nanoTime() - lastHeardNanos > idle) {
            protocolError(0, "idle timeout: nothing heard for " + config.idleTimeout().toMillis() + " ms");
            return;
        }
        if (channel.isActive()) {
            channel.writeAndFlush(new PingWebSocketFrame(Unpooled.buffer(8).writeLong(System.nanoTime())));
        }
    }

    private PathStats sampleStats() {
        return new PathStats(Instant.now(), channel.remoteAddress(), false, Duration.ofNanos(srttNanos),
                Duration.ofNanos(minRttNanos), 0, deliveryRate, bytesSent, bytesReceived, framesSent, framesReceived, 0, 0);
    }

    private void publishStats() {
        try {
            estimate();
        } catch (RuntimeException e) {
            // a periodic task that throws is never run again: keep sampling, say why this one failed
            LOG.log(System.Logger.Level.WARNING, this + ": delivery estimate failed", e);
        }
        PathStats s = sampleStats();
        lastStats = s;
        for (Consumer<PathStats> l : statsListeners) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "path stats listener failed", e);
            }
        }
    }

    private void estimate() {
        // Delivered = the bytes the peer received as TCP sees them (acknowledged plus SACKed), where the kernel
        // tells (TCP_INFO on Linux), else the bytes the socket took (written minus what Netty still holds). With little held unsent, what the
        // socket took reads a growing congestion window, lost segments included, as delivery: 1.2 Mbit/s
        // on a 200 kbit/s path. The path limits us when data waits in our buffers because the socket takes
        // no more, or the kernel holds more unsent than TCP_NOTSENT_LOWAT lets in.
        var outbound = channel.unsafe().outboundBuffer();
        long held = outbound == null ? 0 : outbound.totalPendingWriteBytes();
        Optional<TcpInfo> tcp = TcpTransport.tcpInfo(channel);
        boolean waiting;
        lock.lock();
        try {
            waiting = !sending.isEmpty() && !channel.isWritable();
        } finally {
            lock.unlock();
        }
        long notsent = tcp.map(TcpInfo::notsentBytes).orElse(0L);
        long backlog = waiting ? Math.max(1, held) : notsent > TcpTransport.NOTSENT_LOWAT ? notsent : 0;
        Integer window = channel.config().getOption(io.netty.channel.ChannelOption.SO_SNDBUF);
        deliveryRate = estimator.sample(System.nanoTime(), tcp.map(TcpInfo::delivered).orElse(bytesSent - held),
                backlog, srttNanos, window == null ? 0 : window) / 8;
    }

    private void handle(QmuxFrame frame) {
        lock.lock();
        try {
            if (peer == null) {
                if (!(frame instanceof QmuxFrame.Parameters p)) {
                    throw new QmuxProtocolException(QmuxProtocolException.PROTOCOL_VIOLATION,
                            "first frame must be QX_TRANSPORT_PARAMETERS, got " + frame.getClass().getSimpleName());
                }
                peer = p.params();
                connSendMax = peer.initialMaxData();
                peerMaxStreams[0] = peer.initialMaxStreamsBidi();
                peerMaxStreams[1] = peer.initialMaxStreamsUni();
                openable.signalAll();
                return;
            }
            switch (frame) {
                case QmuxFrame.Parameters p -> throw new QmuxProtocolException(QmuxProtocolException.PROTOCOL_VIOLATION,
                        "second QX_TRANSPORT_PARAMETERS");
                case QmuxFrame.Stream s -> onStream(s);
                case QmuxFrame.ResetStream r -> onReset(r);
                case QmuxFrame.StopSending s -> onStopSending(s);
                case QmuxFrame.MaxData m -> {
                    if (m.max() > connSendMax) {
                        connSendMax = m.max();
                        schedulePump();
                    }
                }
                case QmuxFrame.MaxStreamData m -> {
                    QmuxStream s = lookup(m.streamId(), true);
                    if (s != null && m.max() > s.sendMax) {
                        s.sendMax = m.max();
                        schedulePump();
                    }
                }
                case QmuxFrame.MaxStreams m -> {
                    int dir = m.bidi() ? 0 : 1;
                    if (m.max() > peerMaxStreams[dir]) {
                        peerMaxStreams[dir] = m.max();
                        openable.signalAll();
                    }
                }
                case QmuxFrame.Ping p -> onPing(p);
                case QmuxFrame.ResetStreamAt r -> throw new QmuxProtocolException(QmuxProtocolException.PROTOCOL_VIOLATION,
                        "RESET_STREAM_AT on stream " + r.streamId() + ", but Parley did not advertise reset_stream_at");
                case QmuxFrame.Datagram d -> throw new QmuxProtocolException(QmuxProtocolException.PROTOCOL_VIOLATION,
                        "DATAGRAM of " + d.length() + " bytes, but Parley advertised no max_datagram_frame_size");
                case QmuxFrame.DataBlocked d -> { }
                case QmuxFrame.StreamDataBlocked d -> { }
                case QmuxFrame.StreamsBlocked d -> { }
                case QmuxFrame.ConnectionClose c -> {
                    markClosed(new CloseReason.Remote(c.code(), c.reason()));
                    timers.forEach(t -> t.cancel(false));
                    // The peer's WebSocket Close follows; answering it closes TCP (onWebSocketClose).
                    closeAfterLinger();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** QX_PING: answer requests at once (the peer's idle timer counts on it); Parley sends no requests itself. */
    private void onPing(QmuxFrame.Ping p) {
        if (p.response()) {
            if (wire.strict()) {
                throw new QmuxProtocolException(QmuxProtocolException.PROTOCOL_VIOLATION,
                        "QX_PING response " + p.sequence() + " to a request Parley never sent");
            }
            return;
        }
        if (wire.strict() && p.sequence() <= lastPingReceived) {
            throw new QmuxProtocolException(QmuxProtocolException.PROTOCOL_VIOLATION,
                    "QX_PING sequence " + p.sequence() + " after " + lastPingReceived + " (must increase)");
        }
        lastPingReceived = p.sequence();
        queueControl(new QmuxFrame.Ping(true, p.sequence()));
    }

    private static boolean isBidi(long id) {
        return (id & 2) == 0;
    }

    private boolean isLocal(long id) {
        return ((id & 1) == 0) == client;
    }

    /**
     * The stream a frame refers to, opening peer streams up to its index (QUIC: opening index N opens
     * 0..N); null for a stream that is already retired. {@code weSend}: the frame concerns our sending
     * half (MAX_STREAM_DATA, STOP_SENDING) rather than the peer's (STREAM, RESET_STREAM).
     */
    private QmuxStream lookup(long id, boolean weSend) {
        QmuxStream s = streams.get(id);
        boolean bidi = isBidi(id);
        int dir = bidi ? 0 : 1;
        long index = id >>> 2;
        boolean local = isLocal(id);
        if (!bidi && local != weSend) {
            throw new QmuxProtocolException(QmuxProtocolException.STREAM_STATE_ERROR,
                    "frame for the wrong direction of unidirectional stream " + id);
        }
        if (s != null) {
            return s;
        }
        if (local) {
            if (index >= nextLocal[dir]) {
                throw new QmuxProtocolException(QmuxProtocolException.STREAM_STATE_ERROR,
                        "frame for stream " + id + " that we never opened");
            }
            return null;
        }
        if (index < nextPeer[dir]) {
            return null;
        }
        if (index >= advertisedStreams[dir]) {
            throw new QmuxProtocolException(QmuxProtocolException.STREAM_LIMIT_ERROR,
                    "peer opened stream index " + index + " beyond the limit " + advertisedStreams[dir]);
        }
        ArrayDeque<QmuxStream> queue = bidi ? acceptBidi : acceptUni;
        for (long i = nextPeer[dir]; i <= index; i++) {
            long sid = (i << 2) | (id & 3);
            QmuxStream created = newStream(sid);
            streams.put(sid, created);
            queue.add(created);
        }
        nextPeer[dir] = index + 1;
        acceptable.signalAll();
        return streams.get(id);
    }

    private QmuxStream newStream(long id) {
        boolean bidi = isBidi(id);
        boolean local = isLocal(id);
        long sendMax = !bidi ? (local ? peer.initialMaxStreamDataUni() : 0)
                : local ? peer.initialMaxStreamDataBidiRemote() : peer.initialMaxStreamDataBidiLocal();
        long recvWindow = !bidi ? (local ? 0 : local().initialMaxStreamDataUni())
                : local ? local().initialMaxStreamDataBidiLocal() : local().initialMaxStreamDataBidiRemote();
        boolean canSend = bidi || local;
        boolean canRecv = bidi || !local;
        return new QmuxStream(this, id, canSend, canRecv, sendMax, recvWindow);
    }

    private TransportParameters local() {
        return local;
    }

    private void onStream(QmuxFrame.Stream f) {
        QmuxStream s = lookup(f.streamId(), false);
        int len = f.data().length;
        if (s == null) {
            // Data for a retired stream (e.g. in flight when we sent STOP_SENDING): count and discard.
            chargeConnection(len);
            creditConnection(len);
            return;
        }
        if (!s.canRecv) {
            throw new QmuxProtocolException(QmuxProtocolException.STREAM_STATE_ERROR, "STREAM on send-only stream " + s.id);
        }
        // WebSocket is ordered: an OFF-less frame (offset 0) continues where the last one ended; an
        // explicit offset must be exactly that point.
        long start = f.offset() == 0 ? s.recvOffset : f.offset();
        if (start != s.recvOffset) {
            throw new QmuxProtocolException(QmuxProtocolException.PROTOCOL_VIOLATION,
                    "stream " + s.id + " data at offset " + f.offset() + ", expected " + s.recvOffset);
        }
        long end = start + len;
        if (s.recvFinalSize >= 0 && (end > s.recvFinalSize || (f.fin() && end != s.recvFinalSize))) {
            throw new QmuxProtocolException(QmuxProtocolException.FINAL_SIZE_ERROR, "stream " + s.id + " data beyond its final size");
        }
        if (end > s.recvMax) {
            throw new QmuxProtocolException(QmuxProtocolException.FLOW_CONTROL_ERROR,
                    "stream " + s.id + " sent up to " + end + " beyond its window " + s.recvMax);
        }
        chargeConnection(end - s.recvOffset);
        s.recvOffset = end;
        if (f.fin()) {
            s.recvFinalSize = end;
        }
        if (s.recvStopped || s.recvResetCode >= 0) {
            creditConnection(len);
        } else {
            if (len > 0) {
                s.recvQueue.add(f.data());
                s.recvBuffered += len;
            }
            s.readable.signalAll();
        }
    }

    private void chargeConnection(long n) {
        if (connReceived + n > connRecvMax) {
            throw new QmuxProtocolException(QmuxProtocolException.FLOW_CONTROL_ERROR,
                    "peer sent " + (connReceived + n) + " bytes beyond the connection window " + connRecvMax);
        }
        connReceived += n;
    }

    /** Bytes the application consumed (or we discarded): replenish the connection window at half use. */
    private void creditConnection(long n) {
        connConsumed += n;
        long window = local.initialMaxData();
        if (window > 0 && connRecvMax - connConsumed <= window / 2) {
            connRecvMax = connConsumed + window;
            queueControl(new QmuxFrame.MaxData(connRecvMax));
        }
    }

    private void onReset(QmuxFrame.ResetStream r) {
        QmuxStream s = lookup(r.streamId(), false);
        if (s == null) {
            return;
        }
        if (!s.canRecv) {
            throw new QmuxProtocolException(QmuxProtocolException.STREAM_STATE_ERROR, "RESET_STREAM on send-only stream " + s.id);
        }
        if (s.recvResetCode >= 0 || s.recvFinReadDone) {
            return;
        }
        // The JavaScript client always sends final size 0: accept anything, charge only what it adds.
        if (r.finalSize() > s.recvOffset && r.finalSize() <= s.recvMax) {
            chargeConnection(r.finalSize() - s.recvOffset);
            creditConnection(r.finalSize() - s.recvOffset);
            s.recvOffset = r.finalSize();
        }
        s.recvResetCode = r.code();
        dropRecvBuffer(s);
        s.readable.signalAll();
        recvDone(s);
    }

    private void onStopSending(QmuxFrame.StopSending f) {
        QmuxStream s = lookup(f.streamId(), true);
        if (s == null || s.finSent || s.resetSent) {
            return;
        }
        s.stopCode = f.code();
        resetLocked(s, f.code());
    }

    // ---------------------------------------------------------------- stream operations (any thread, lock held)

    void ensureOpen() {
        if (closeReason != null) {
            throw new ConnectionClosedException(closeReason);
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closeReason != null;
        } finally {
            lock.unlock();
        }
    }

    ReentrantLock lock() {
        return lock;
    }

    int sendBufferLimit() {
        return config.sendBuffer();
    }

    static void awaitOn(Condition c) {
        try {
            c.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while waiting on a QMux stream", e);
        }
    }

    void enqueueSend(QmuxStream s) {
        sending.add(s);
        schedulePump();
    }

    void resetLocked(QmuxStream s, long code) {
        s.sendQueue.clear();
        s.sendQueued = 0;
        s.finPending = false;
        s.resetSent = true;
        sending.remove(s);
        queueControl(new QmuxFrame.ResetStream(s.id, code, s.sendOffset));
        s.writable.signalAll();
        sendDone(s);
    }

    void stopLocked(QmuxStream s, long code) {
        if (s.recvStopped || s.recvResetCode >= 0 || s.recvFinReadDone) {
            return;
        }
        s.recvStopped = true;
        s.recvStopCode = code;
        if (s.recvFinalSize < 0 || s.recvBuffered > 0) {
            queueControl(new QmuxFrame.StopSending(s.id, code));
        }
        dropRecvBuffer(s);
        s.readable.signalAll();
        recvDone(s);
    }

    private void dropRecvBuffer(QmuxStream s) {
        creditConnection(s.recvBuffered);
        s.recvQueue.clear();
        s.recvHead = 0;
        s.recvBuffered = 0;
    }

    /** The application read {@code n} bytes: replenish stream and connection windows at half use. */
    void consumed(QmuxStream s, int n) {
        s.recvConsumed += n;
        creditConnection(n);
        long window = s.recvWindow;
        if (s.recvFinalSize < 0 && window > 0 && s.recvMax - s.recvConsumed <= window / 2) {
            s.recvMax = s.recvConsumed + window;
            queueControl(new QmuxFrame.MaxStreamData(s.id, s.recvMax));
        }
    }

    void recvDone(QmuxStream s) {
        s.recvTerminal = true;
        maybeRetire(s);
    }

    void sendDone(QmuxStream s) {
        s.sendTerminal = true;
        maybeRetire(s);
    }

    private void maybeRetire(QmuxStream s) {
        if (!(s.sendTerminal && s.recvTerminal) || streams.remove(s.id) == null) {
            return;
        }
        if (!isLocal(s.id)) {
            int dir = isBidi(s.id) ? 0 : 1;
            retiredPeer[dir]++;
            long initial = dir == 0 ? local.initialMaxStreamsBidi() : local.initialMaxStreamsUni();
            long newMax = retiredPeer[dir] + initial;
            // Raise the limit once the peer has used half of what it may still open.
            if (newMax > advertisedStreams[dir] && advertisedStreams[dir] - nextPeer[dir] <= initial / 2) {
                advertisedStreams[dir] = newMax;
                queueControl(new QmuxFrame.MaxStreams(dir == 0, newMax));
            }
        }
    }

    void queueControl(QmuxFrame f) {
        if (closeReason == null) {
            control.add(f);
            schedulePump();
        }
    }

    /** Runs {@code task} on the event loop; once the loop has terminated (its server closed) there is nothing left to do. */
    private void onLoop(Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            markClosed(new CloseReason.TransportError("qmux: event loop terminated"));
        }
    }

    private void schedulePump() {
        if (!pumpScheduled) {
            pumpScheduled = true;
            onLoop(this::pump);
        }
    }

    private boolean markClosed(CloseReason reason) {
        List<QmuxStream> all;
        lock.lock();
        try {
            if (closeReason != null) {
                return false;
            }
            closeReason = reason;
            all = new ArrayList<>(streams.values());
            acceptBidi.forEach(all::add);
            acceptUni.forEach(all::add);
            for (QmuxStream s : all) {
                s.sendQueue.clear();
                s.sendQueued = 0;
                s.readable.signalAll();
                s.writable.signalAll();
            }
            control.clear();
            sending.clear();
            acceptable.signalAll();
            openable.signalAll();
        } finally {
            lock.unlock();
        }
        closedInternal.complete(reason);
        return true;
    }

    CloseReason closeReason() {
        return closeReason;
    }

    // ---------------------------------------------------------------- scheduler (event loop)

    /**
     * Chooses frames under the lock (state changes only) and writes them after releasing it, so the
     * WebSocket and TLS encoders never run while application threads wait for the lock. Sends at most
     * what the channel accepts before turning unwritable; writability changes resume it.
     */
    private void pump() {
        List<ByteBuf> out = new ArrayList<>();
        boolean more;
        lock.lock();
        try {
            pumpScheduled = false;
            if (closeReason != null || !channel.isActive()) {
                return;
            }
            drainControl(out);
            long budget = channel.bytesBeforeUnwritable();
            while (budget > 0) {
                QmuxStream s = pick();
                if (s == null) {
                    break;
                }
                ByteBuf frame = nextChunk(s);
                budget -= frame.readableBytes();
                out.add(frame);
            }
            drainControl(out);
            more = budget <= 0 && !sending.isEmpty();
        } finally {
            lock.unlock();
        }
        for (ByteBuf frame : out) {
            writeFrame(frame);
        }
        if (!out.isEmpty()) {
            channel.flush();
        }
        if (more && channel.isWritable()) {
            lock.lock();
            try {
                schedulePump();
            } finally {
                lock.unlock();
            }
        }
    }

    private void drainControl(List<ByteBuf> out) {
        while (!control.isEmpty()) {
            out.add(QmuxFrameCodec.encode(channel.alloc(), control.poll()));
        }
    }

    /** The sendable stream with the highest priority; among equals the one served longest ago. */
    private QmuxStream pick() {
        QmuxStream best = null;
        long connCredit = connSendMax - connSent;
        boolean connBlocked = false;
        for (QmuxStream s : sending) {
            boolean finOnly = s.sendQueued == 0 && s.finPending;
            if (!finOnly) {
                if (s.sendMax - s.sendOffset <= 0) {
                    if (s.blockedAt != s.sendMax) {
                        s.blockedAt = s.sendMax;
                        control.add(new QmuxFrame.StreamDataBlocked(s.id, s.sendMax));
                    }
                    continue;
                }
                if (connCredit <= 0) {
                    connBlocked = true;
                    continue;
                }
            }
            if (best == null || s.priority > best.priority
                    || (s.priority == best.priority && s.lastServed < best.lastServed)) {
                best = s;
            }
        }
        if (connBlocked && best == null && connBlockedAt != connSendMax) {
            connBlockedAt = connSendMax;
            control.add(new QmuxFrame.DataBlocked(connSendMax));
        }
        return best;
    }

    private ByteBuf nextChunk(QmuxStream s) {
        long credit = Math.min(s.sendMax - s.sendOffset, connSendMax - connSent);
        int n = (int) Math.min(Math.min(s.sendQueued, QmuxFrame.MAX_STREAM_PAYLOAD), Math.max(0, credit));
        boolean fin = s.finPending && s.sendQueued == n;
        ByteBuf frame;
        if (copyToDirect) {
            frame = channel.alloc().directBuffer(QmuxFrameCodec.STREAM_HEADER_MAX + n);
            QmuxFrameCodec.writeStreamHeader(frame, s.id, s.sendOffset, n, fin);
            copyOut(s, n, frame);
        } else {
            ByteBuf data = n == 0 ? Unpooled.EMPTY_BUFFER : gather(s, n);
            frame = QmuxFrameCodec.encodeStream(channel.alloc(), s.id, s.sendOffset, data, fin);
        }
        s.sendOffset += n;
        connSent += n;
        s.lastServed = ++serveSeq;
        if (fin) {
            s.finPending = false;
            s.finSent = true;
            sending.remove(s);
            sendDone(s);
        } else if (s.sendQueued == 0) {
            sending.remove(s);
        }
        if (s.sendQueued < config.sendBuffer()) {
            s.writable.signalAll();
        }
        return frame;
    }

    private static ByteBuf gather(QmuxStream s, int n) {
        CompositeByteBuf out = null;
        int left = n;
        while (left > 0) {
            QmuxStream.Chunk c = s.sendQueue.peek();
            int take = Math.min(left, c.len);
            ByteBuf piece = Unpooled.wrappedBuffer(c.array, c.off, take);
            c.off += take;
            c.len -= take;
            if (c.len == 0) {
                s.sendQueue.poll();
            }
            left -= take;
            if (out == null && left == 0) {
                s.sendQueued -= n;
                return piece;
            }
            if (out == null) {
                out = Unpooled.compositeBuffer(16);
            }
            out.addComponent(true, piece);
        }
        s.sendQueued -= n;
        return out;
    }

    /** Moves {@code n} queued bytes of {@code s} into {@code out}: the one copy on the server's plain-TCP path. */
    private static void copyOut(QmuxStream s, int n, ByteBuf out) {
        int left = n;
        while (left > 0) {
            QmuxStream.Chunk c = s.sendQueue.peek();
            int take = Math.min(left, c.len);
            out.writeBytes(c.array, c.off, take);
            c.off += take;
            c.len -= take;
            if (c.len == 0) {
                s.sendQueue.poll();
            }
            left -= take;
        }
        s.sendQueued -= n;
    }

    private void writeFrame(ByteBuf frame) {
        bytesSent += frame.readableBytes();
        framesSent++;
        channel.write(new BinaryWebSocketFrame(copyToDirect ? direct(frame) : frame));
    }

    /**
     * A server's frames on plain TCP go out unmasked and unencrypted, so NIO would copy a heap frame into
     * a direct buffer on every write. STREAM frames are built in a pooled direct buffer from the start
     * ({@link #copyOut}: copying a composite of header and arrays merges it into a temporary heap buffer
     * first, a third of the relay's event-loop samples at 100 watchers); control frames are copied here.
     * A client masks and TLS encrypts, which copy anyway.
     */
    private ByteBuf direct(ByteBuf frame) {
        if (frame.isDirect() || !frame.isReadable()) {
            return frame;
        }
        ByteBuf out = channel.alloc().directBuffer(frame.readableBytes());
        out.writeBytes(frame);
        frame.release();
        return out;
    }
}
