package dev.parley.media.source;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Base for capture sources: a dedicated platform thread that opens the device on the first
 * subscription, hands every captured item to all sinks (on that thread) and closes the device when
 * the last sink leaves, so capture stops when nothing consumes it. Sinks must be quick and must
 * {@code retain} frames they keep. A capture failure closes the device, is kept in
 * {@link #lastError()} and reported to error listeners; a later subscription retries.
 */
public abstract class SharedSource<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedSource.class);

    private final String name;
    private final List<Consumer<? super T>> sinks = new CopyOnWriteArrayList<>();
    private final List<Consumer<? super RuntimeException>> errorListeners = new CopyOnWriteArrayList<>();
    private final Object lifecycle = new Object();
    /** The capture thread; cleared without the lifecycle lock, because a stop joins it while holding that lock. */
    private final AtomicReference<Thread> thread = new AtomicReference<>();
    private volatile boolean running;
    private volatile RuntimeException lastError;
    private volatile boolean closed;
    private volatile long captured;

    protected SharedSource(String name) {
        this.name = name;
    }

    /** Human-readable source name (device name or "test pattern"). */
    public final String name() {
        return name;
    }

    /** Subscribes a sink; starts capture if it was idle. */
    public final SourceSubscription subscribe(Consumer<? super T> sink) {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("source closed: " + name);
            }
            sinks.add(sink);
            if (thread.get() == null) {
                running = true;
                thread.set(Thread.ofPlatform().name("capture-" + name).daemon().start(this::run));
            }
        }
        return new SourceSubscription() {
            private boolean done;

            @Override
            public void close() {
                synchronized (lifecycle) {
                    if (done) {
                        return;
                    }
                    done = true;
                    sinks.remove(sink);
                    if (sinks.isEmpty()) {
                        stopThread();
                    }
                }
            }
        };
    }

    /** Called with capture failures (on the capture thread). */
    public final void onError(Consumer<? super RuntimeException> listener) {
        errorListeners.add(listener);
    }

    /** True while the capture thread runs. */
    public final boolean isCapturing() {
        synchronized (lifecycle) {
            Thread t = thread.get();
            return t != null && t.isAlive();
        }
    }

    public final RuntimeException lastError() {
        return lastError;
    }

    /** Items captured since creation. */
    public final long capturedCount() {
        return captured;
    }

    public final int sinkCount() {
        return sinks.size();
    }

    private void stopThread() {
        Thread t = thread.getAndSet(null);
        running = false;
        if (t != null && t != Thread.currentThread()) {
            if (interruptibleCapture()) {
                t.interrupt();
            }
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            open();
            while (running) {
                T item = capture();
                if (item == null) {
                    continue;
                }
                captured++;
                try {
                    for (Consumer<? super T> s : sinks) {
                        s.accept(item);
                    }
                } finally {
                    release(item);
                }
            }
        } catch (RuntimeException e) {
            if (running) {
                lastError = e;
                LOG.warn("capture from {} failed: {}", name, e.getMessage());
                errorListeners.forEach(l -> l.accept(e));
            }
        } finally {
            try {
                closeDevice();
            } catch (RuntimeException e) {
                LOG.debug("closing {} failed", name, e);
            }
            // not under the lifecycle lock: a stop holds it while joining this thread
            thread.compareAndSet(Thread.currentThread(), null);
        }
    }

    /** True while the capture loop should keep going (implementations poll it while waiting). */
    protected final boolean running() {
        return running;
    }

    /**
     * Whether a stop may interrupt the capture thread to cut a wait short (the default). Sources
     * whose device library breaks when interrupted mid-call return false: a stop then only ends
     * the loop after the current item, waiting up to 2 s for it. Read from the stopping thread.
     */
    protected boolean interruptibleCapture() {
        return true;
    }

    /** Opens the device; throws {@link DeviceUnavailableException} when it cannot. */
    protected abstract void open();

    /** Blocks for the next item; null to retry; throws on a fatal device error. */
    protected abstract T capture();

    /** Drops the capture thread's reference to an item once the sinks have seen it. */
    protected abstract void release(T item);

    /** Closes the device; called on the capture thread. */
    protected abstract void closeDevice();

    /** Stops capture and refuses new subscriptions. Idempotent. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            closed = true;
            sinks.clear();
            stopThread();
        }
    }

    /** Sleeps until a monotonic deadline; returns false when interrupted (stop requested). */
    protected static boolean sleepUntil(long deadlineNanos) {
        long wait = deadlineNanos - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
