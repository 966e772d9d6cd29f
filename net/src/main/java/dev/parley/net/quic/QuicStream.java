package dev.parley.net.quic;

import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.RecvStream;
import dev.parley.net.transport.SendStream;
import dev.parley.net.transport.StreamResetException;
import dev.parley.net.transport.TransportException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.ChannelOutputShutdownException;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamPriority;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.handler.codec.quic.QuicStreamType;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One QUIC stream channel seen as blocking halves. The event loop only appends received buffers and
 * flips flags under a short lock; callers block on conditions. Reading is demand-driven (autoRead is
 * off): the channel is asked for more only while fewer than {@link #READ_HIGH_WATER} bytes wait
 * here, so an idle reader leaves data in quiche, whose receive window then stops the peer.
 */
final class QuicStream extends ChannelInboundHandlerAdapter implements BidiStream {
    /**
     * Bytes a writer may queue ahead of quiche before it blocks. The stream channel's own writability
     * only reflects quiche's stream capacity, and its pending-write queue is unbounded, so this class
     * counts what it handed over and not yet had accepted.
     */
    static final int SEND_HIGH_WATER = 256 * 1024;
    private static final int SEND_LOW_WATER = SEND_HIGH_WATER / 2;
    /** Bytes buffered here before reading from the channel pauses. */
    static final int READ_HIGH_WATER = 256 * 1024;
    private static final int READ_RESUME = READ_HIGH_WATER / 2;
    /** Reported for a peer's STOP_SENDING: Netty 4.2.18 does not pass quiche's error code up. */
    static final long STOP_CODE_UNKNOWN = 0;

    private final QuicConnection connection;
    private final QuicStreamChannel channel;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final Recv recv = new Recv();
    private final Send send = new Send();

    // receive state, guarded by lock
    private final ArrayDeque<ByteBuf> inbound = new ArrayDeque<>();
    private int buffered;
    private boolean readPaused;
    private boolean fin;
    private Long resetByPeer;
    private long rawPeerResetCode = -1;
    private boolean stoppedLocally;
    private long localStopCode;

    // send state, guarded by lock
    private long unsentBytes; // written by the caller, not yet taken by quiche
    private Long stoppedByPeer;
    private boolean sendDone;
    private boolean channelClosed;
    private Throwable sendFailure;

    QuicStream(QuicConnection connection, QuicStreamChannel channel) {
        this.connection = connection;
        this.channel = channel;
    }

    QuicStreamChannel channel() {
        return channel;
    }

    @Override
    public long id() {
        return channel.streamId();
    }

    @Override
    public RecvStream recv() {
        if (channel.type() == QuicStreamType.UNIDIRECTIONAL && channel.isLocalCreated()) {
            throw new IllegalStateException("stream " + id() + " is a local unidirectional stream: send only");
        }
        return recv;
    }

    @Override
    public SendStream send() {
        if (channel.type() == QuicStreamType.UNIDIRECTIONAL && !channel.isLocalCreated()) {
            throw new IllegalStateException("stream " + id() + " is a remote unidirectional stream: receive only");
        }
        return send;
    }

    /** Bytes received but not yet read (for tests and stats). */
    int bufferedBytes() {
        lock.lock();
        try {
            return buffered;
        } finally {
            lock.unlock();
        }
    }

    /** The wire code of the peer's RESET_STREAM on {@code recv}'s stream, -1 if none (a test seam). */
    static long rawPeerResetCode(RecvStream recv) {
        QuicStream owner = ((Recv) recv).owner();
        owner.lock.lock();
        try {
            return owner.rawPeerResetCode;
        } finally {
            owner.lock.unlock();
        }
    }

    /** Bytes waiting in {@code recv}'s buffer (a test seam). */
    static int bufferedOf(RecvStream recv) {
        return ((Recv) recv).owner().bufferedBytes();
    }

    /** The stream channel behind a stream half (a test seam). */
    static QuicStreamChannel channelOf(Object half) {
        return half instanceof Recv r ? r.owner().channel : ((Send) half).owner().channel;
    }

    // ---- event loop side ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive() && hasReceiveSide()) {
            ctx.read();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (hasReceiveSide()) {
            ctx.read();
        }
        ctx.fireChannelActive();
    }

    /** A unidirectional stream we opened has nothing to read; reading it would fail in quiche. */
    private boolean hasReceiveSide() {
        return channel.type() == QuicStreamType.BIDIRECTIONAL || !channel.isLocalCreated();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        lock.lock();
        try {
            if (stoppedLocally || !buf.isReadable()) {
                buf.release();
                return;
            }
            inbound.add(buf);
            buffered += buf.readableBytes();
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        boolean more;
        lock.lock();
        try {
            more = buffered < READ_HIGH_WATER && !fin && !stoppedLocally && hasReceiveSide();
            readPaused = !more;
        } finally {
            lock.unlock();
        }
        if (more) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent || evt instanceof ChannelInputShutdownReadComplete) {
            lock.lock();
            try {
                fin = true;
                readable.signalAll();
            } finally {
                lock.unlock();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        lock.lock();
        try {
            if (cause instanceof QuicStreamResetException reset) {
                rawPeerResetCode = reset.applicationProtocolCode();
                resetByPeer = WebTransportCodes.fromWire(rawPeerResetCode);
                readable.signalAll();
            } else {
                sendFailure = cause;
                readable.signalAll();
                writable.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        signalWritable();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        lock.lock();
        try {
            channelClosed = true;
            // A stream closes once both directions are done, which can be before the reader took the
            // last bytes: keep them, but as heap copies so no pooled buffer outlives the channel.
            int n = inbound.size();
            for (int i = 0; i < n; i++) {
                ByteBuf buf = inbound.poll();
                inbound.add(Unpooled.copiedBuffer(buf));
                buf.release();
            }
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        connection.streamClosed(this);
        ctx.fireChannelInactive();
    }

    /** Wakes every blocked caller; used when the connection closes. */
    void wakeAll() {
        lock.lock();
        try {
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void signalWritable() {
        lock.lock();
        try {
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void onWriteDone(io.netty.util.concurrent.Future<?> f, int len) {
        lock.lock();
        try {
            long before = unsentBytes;
            unsentBytes -= len;
            if (f.isSuccess()) {
                if (before >= SEND_LOW_WATER && unsentBytes < SEND_LOW_WATER) {
                    writable.signalAll();
                }
                return;
            }
            if (f.cause() instanceof QuicStreamResetException stop) {
                stoppedByPeer = WebTransportCodes.fromWire(stop.applicationProtocolCode());
            } else if (f.cause() instanceof ChannelOutputShutdownException && !sendDone) {
                // Netty 4.2.18 reports STOP_SENDING without its code (its stream_send binding drops it).
                stoppedByPeer = STOP_CODE_UNKNOWN;
            } else if (sendFailure == null) {
                sendFailure = f.cause();
            }
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- caller side ----

    private final class Recv implements RecvStream {
        QuicStream owner() {
            return QuicStream.this;
        }

        @Override
        public long id() {
            return QuicStream.this.id();
        }

        @Override
        public int read(byte[] dst, int off, int len) throws InterruptedException {
            java.util.Objects.checkFromIndexSize(off, len, dst.length);
            if (len == 0) {
                return 0;
            }
            boolean resume = false;
            lock.lockInterruptibly();
            try {
                while (true) {
                    ByteBuf head = inbound.peek();
                    if (head != null) {
                        int n = Math.min(len, head.readableBytes());
                        head.readBytes(dst, off, n);
                        if (!head.isReadable()) {
                            inbound.poll().release();
                        }
                        buffered -= n;
                        if (readPaused && buffered <= READ_RESUME) {
                            readPaused = false;
                            resume = true;
                        }
                        return n;
                    }
                    if (resetByPeer != null) {
                        throw new StreamResetException(resetByPeer, "stream " + id() + " was reset by the peer");
                    }
                    if (fin) {
                        return -1;
                    }
                    if (stoppedLocally) {
                        // Same as the QMux binding: a reader racing a local stop() sees the stream end as reset.
                        throw new StreamResetException(localStopCode, "stream " + id() + " was stopped by this side");
                    }
                    connection.throwIfClosed();
                    if (channelClosed) {
                        throw new TransportException("stream " + id() + " closed without end of stream");
                    }
                    readable.await();
                }
            } finally {
                lock.unlock();
                if (resume) {
                    channel.read();
                }
            }
        }

        @Override
        public void stop(long code) {
            lock.lock();
            try {
                if (stoppedLocally || fin || resetByPeer != null) {
                    stoppedLocally = true;
                    return;
                }
                stoppedLocally = true;
                localStopCode = code;
                inbound.forEach(ByteBuf::release);
                inbound.clear();
                buffered = 0;
                readable.signalAll();
            } finally {
                lock.unlock();
            }
            long wire = WebTransportCodes.toWire(code);
            channel.eventLoop().execute(() -> StreamShutdown.stopInput(channel, wire));
        }
    }

    private final class Send implements SendStream {
        QuicStream owner() {
            return QuicStream.this;
        }

        @Override
        public long id() {
            return QuicStream.this.id();
        }

        @Override
        public void write(byte[] src, int off, int len) {
            java.util.Objects.checkFromIndexSize(off, len, src.length);
            if (len == 0) {
                return;
            }
            awaitWritable(len);
            channel.write(Unpooled.wrappedBuffer(src, off, len)).addListener(f -> onWriteDone(f, len));
        }

        @Override
        public void flush() {
            lock.lock();
            try {
                checkSendable();
            } finally {
                lock.unlock();
            }
            channel.flush();
        }

        @Override
        public void finish() {
            lock.lock();
            try {
                checkSendable();
                sendDone = true;
            } finally {
                lock.unlock();
            }
            channel.writeAndFlush(new DefaultQuicStreamFrame(Unpooled.EMPTY_BUFFER, true))
                    .addListener(f -> onWriteDone(f, 0));
        }

        @Override
        public void reset(long code) {
            lock.lock();
            try {
                if (sendDone || channelClosed) {
                    return;
                }
                sendDone = true;
                writable.signalAll();
            } finally {
                lock.unlock();
            }
            long wire = WebTransportCodes.toWire(code);
            channel.eventLoop().execute(() -> StreamShutdown.resetOutput(channel, wire));
        }

        @Override
        public void setPriority(long priority) {
            channel.updatePriority(new QuicStreamPriority(Priorities.urgency(priority), false));
        }

        private void awaitWritable(int len) {
            lock.lock();
            try {
                while (true) {
                    checkSendable();
                    if (unsentBytes < SEND_HIGH_WATER) {
                        unsentBytes += len;
                        return;
                    }
                    channel.flush(); // queued bytes must move for room to come back
                    writable.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException("interrupted while waiting to write on stream " + id(), e);
            } finally {
                lock.unlock();
            }
        }

        /** Caller holds the lock. */
        private void checkSendable() {
            if (stoppedByPeer != null) {
                throw new StreamResetException(stoppedByPeer, "peer sent STOP_SENDING on stream " + id());
            }
            if (sendDone) {
                throw new IllegalStateException("stream " + id() + " was already finished or reset");
            }
            connection.throwIfClosed();
            if (sendFailure != null) {
                throw new TransportException("stream " + id() + " failed: " + sendFailure.getMessage(), sendFailure);
            }
            if (channelClosed) {
                throw new TransportException("stream " + id() + " is closed");
            }
        }
    }
}
