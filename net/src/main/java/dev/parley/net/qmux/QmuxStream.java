package dev.parley.net.qmux;

import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.RecvStream;
import dev.parley.net.transport.SendStream;
import dev.parley.net.transport.StreamResetException;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One QMux stream; both halves of a bidirectional stream (a unidirectional one uses one half). State
 * is guarded by the connection's lock; methods block on the stream's conditions.
 */
final class QmuxStream implements BidiStream, SendStream, RecvStream {
    static final class Chunk {
        final byte[] array;
        int off;
        int len;

        Chunk(byte[] array, int off, int len) {
            this.array = array;
            this.off = off;
            this.len = len;
        }
    }

    private final QmuxConnection conn;
    private final ReentrantLock lock;
    final long id;
    final boolean canSend;
    final boolean canRecv;
    final Condition readable;
    final Condition writable;

    // send half
    final ArrayDeque<Chunk> sendQueue = new ArrayDeque<>();
    long sendQueued;
    long sendOffset;
    long sendMax;
    long blockedAt = -1;
    boolean finPending;
    boolean finSent;
    boolean resetSent;
    long stopCode = -1;
    volatile long priority;
    long lastServed;
    boolean sendTerminal;

    // receive half
    final ArrayDeque<byte[]> recvQueue = new ArrayDeque<>();
    int recvHead;
    long recvBuffered;
    long recvOffset;
    long recvMax;
    final long recvWindow;
    long recvConsumed;
    long recvFinalSize = -1;
    long recvResetCode = -1;
    boolean recvStopped;
    long recvStopCode;
    boolean recvFinReadDone;
    boolean recvTerminal;

    QmuxStream(QmuxConnection conn, long id, boolean canSend, boolean canRecv, long sendMax, long recvWindow) {
        this.conn = conn;
        this.lock = conn.lock();
        this.id = id;
        this.canSend = canSend;
        this.canRecv = canRecv;
        this.sendMax = sendMax;
        this.recvWindow = recvWindow;
        this.recvMax = recvWindow;
        this.readable = lock.newCondition();
        this.writable = lock.newCondition();
        this.sendTerminal = !canSend;
        this.recvTerminal = !canRecv;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public RecvStream recv() {
        return this;
    }

    @Override
    public SendStream send() {
        return this;
    }

    // ---------------------------------------------------------------- receive

    @Override
    public int read(byte[] dst, int off, int len) throws InterruptedException {
        if (!canRecv) {
            throw new IllegalStateException("stream " + id + " is send-only");
        }
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        lock.lock();
        try {
            while (true) {
                if (recvResetCode >= 0) {
                    throw new StreamResetException(recvResetCode, "stream " + id + " reset by peer");
                }
                if (recvStopped) {
                    // A reader blocked while another thread stopped the stream must wake up with
                    // something the protocol code already handles.
                    throw new StreamResetException(recvStopCode, "stream " + id + " was stopped by this side");
                }
                if (recvBuffered > 0) {
                    if (len == 0) {
                        return 0;
                    }
                    int n = 0;
                    while (n < len && !recvQueue.isEmpty()) {
                        byte[] head = recvQueue.peek();
                        int take = Math.min(len - n, head.length - recvHead);
                        System.arraycopy(head, recvHead, dst, off + n, take);
                        n += take;
                        recvHead += take;
                        if (recvHead == head.length) {
                            recvQueue.poll();
                            recvHead = 0;
                        }
                    }
                    recvBuffered -= n;
                    conn.consumed(this, n);
                    return n;
                }
                if (recvFinalSize >= 0 && recvOffset == recvFinalSize) {
                    if (!recvFinReadDone) {
                        recvFinReadDone = true;
                        conn.recvDone(this);
                    }
                    return -1;
                }
                conn.ensureOpen();
                readable.await();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void stop(long code) {
        lock.lock();
        try {
            if (conn.closeReason() == null) {
                conn.stopLocked(this, code);
            }
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- send

    @Override
    public void write(byte[] src, int off, int len) {
        if (!canSend) {
            throw new IllegalStateException("stream " + id + " is receive-only");
        }
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        lock.lock();
        try {
            while (true) {
                checkWritable();
                if (sendQueued < conn.sendBufferLimit()) {
                    break;
                }
                conn.enqueueSend(this); // what is queued must move for room to come back
                QmuxConnection.awaitOn(writable);
            }
            if (len > 0) {
                sendQueue.add(new Chunk(src, off, len));
                sendQueued += len;
            }
        } finally {
            lock.unlock();
        }
    }

    private void checkWritable() {
        if (stopCode >= 0) {
            throw new StreamResetException(stopCode, "stream " + id + " stopped by peer");
        }
        conn.ensureOpen();
        if (resetSent) {
            throw new IllegalStateException("stream " + id + " was reset");
        }
        if (finPending || finSent) {
            throw new IllegalStateException("stream " + id + " is finished");
        }
    }

    /**
     * Hands what was written since the last flush to the connection's scheduler, which sends it as soon as
     * credit and the socket allow. Writes wait for this, as on QUIC: a frame's header and payload, written
     * one after the other, then leave in one STREAM frame and one socket write instead of racing the event
     * loop into two (a relay pays each socket write once per watcher).
     */
    @Override
    public void flush() {
        lock.lock();
        try {
            if (sendQueued > 0 && !resetSent && conn.closeReason() == null) {
                conn.enqueueSend(this);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void finish() {
        lock.lock();
        try {
            if (finPending || finSent || resetSent) {
                return;
            }
            checkWritable();
            finPending = true;
            conn.enqueueSend(this);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void reset(long code) {
        lock.lock();
        try {
            if (!canSend || finSent || resetSent || conn.closeReason() != null) {
                return;
            }
            conn.resetLocked(this, code);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void setPriority(long priority) {
        this.priority = priority;
    }

    @Override
    public String toString() {
        return "QmuxStream[" + id + "]";
    }
}
