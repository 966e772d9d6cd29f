package dev.parley.media.frame;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A single-slot "latest value wins" hand-off between one producer and a slower consumer. Putting a
 * value replaces one not yet taken; the replaced value goes to the drop handler (which releases
 * frames) and is counted, so a slow renderer skips frames instead of building a queue.
 */
public final class LatestMailbox<T> implements AutoCloseable {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition filled = lock.newCondition();
    private final Consumer<? super T> onDrop;
    private T slot;
    private long dropped;
    private long delivered;
    private boolean closed;

    public LatestMailbox(Consumer<? super T> onDrop) {
        this.onDrop = onDrop;
    }

    /** Convenience for frames: dropped frames are released. */
    public static LatestMailbox<VideoFrame> forFrames() {
        return new LatestMailbox<>(VideoFrame::close);
    }

    /** Offers the newest value; returns false (and drops it) once closed. */
    public boolean put(T value) {
        T old;
        lock.lock();
        try {
            if (closed) {
                old = value;
            } else {
                old = slot;
                slot = value;
                if (old != null) {
                    dropped++;
                }
                filled.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (old != null) {
            onDrop.accept(old);
        }
        return old != value;
    }

    /** Takes the value if present, without waiting. The caller owns it. */
    public T poll() {
        lock.lock();
        try {
            T v = slot;
            slot = null;
            if (v != null) {
                delivered++;
            }
            return v;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to the timeout for a value; null on timeout or close. */
    public T take(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (slot == null && !closed) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = filled.awaitNanos(nanos);
            }
            T v = slot;
            slot = null;
            if (v != null) {
                delivered++;
            }
            return v;
        } finally {
            lock.unlock();
        }
    }

    /** Values replaced before anyone took them. */
    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    public long delivered() {
        lock.lock();
        try {
            return delivered;
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes waiters, drops any pending value; later puts are dropped. Idempotent. */
    @Override
    public void close() {
        T old;
        lock.lock();
        try {
            closed = true;
            old = slot;
            slot = null;
            filled.signalAll();
        } finally {
            lock.unlock();
        }
        if (old != null) {
            onDrop.accept(old);
        }
    }
}
