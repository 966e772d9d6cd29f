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
    /** Bytes buffered here before reading from the channel pauses. */
    static final int READ_HIGH_WATER = 256 * 1024;
    private static final int READ_RESUME = READ_HIGH_WATER / 2;

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
    private boolean stoppedLocally;

    // send state, guarded by lock
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

    // ---- event loop side ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
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
            more = buffered < READ_HIGH_WATER && !fin && !stoppedLocally;
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
                resetByPeer = WebTransportCodes.fromWire(reset.applicationProtocolCode());
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
            inbound.forEach(ByteBuf::release);
            inbound.clear();
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

    private void onWriteDone(io.netty.util.concurrent.Future<?> f) {
        if (f.isSuccess()) {
            return;
        }
        lock.lock();
        try {
            if (f.cause() instanceof QuicStreamResetException stop) {
                stoppedByPeer = WebTransportCodes.fromWire(stop.applicationProtocolCode());
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
                        throw new IllegalStateException("stream " + id() + " was stopped by this side");
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
            awaitWritable();
            channel.write(Unpooled.wrappedBuffer(src, off, len)).addListener(QuicStream.this::onWriteDone);
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
                    .addListener(QuicStream.this::onWriteDone);
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

        private void awaitWritable() {
            lock.lock();
            try {
                while (true) {
                    checkSendable();
                    if (channel.isWritable()) {
                        return;
                    }
                    channel.flush(); // queued bytes must move for writability to come back
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
