package dev.parley.net.moq.model;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one shared-state primitive every model level is built on: a state object guarded by a
 * {@link ReentrantLock}, a {@link Condition} that blocking readers park on, and one-shot listeners
 * for non-blocking readers.
 *
 * <p>Readers express what they wait for as a <em>poll</em> function that runs under the lock and
 * returns {@code null} while not ready (levels use a private sentinel for "ended"). Writers mutate
 * the state in {@link #update}, which wakes every parked reader and then runs the listeners
 * registered since the last update, outside the lock and on the writer's thread. Because
 * listeners are registered under the same lock that guards the state, no wake-up is lost.
 * {@code ReentrantLock} parks virtual threads without pinning their carrier.
 *
 * @param <S> the guarded state; only touched under the lock, except fields a level marks volatile
 */
final class Watch<S> {
    private static final Runnable[] NONE = new Runnable[0];

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final S state;
    private Runnable[] listeners = NONE;
    private int listenerCount;

    Watch(S state) {
        this.state = state;
    }

    /** Runs {@code f} under the lock without signalling anyone. */
    <R> R read(Function<? super S, ? extends R> f) {
        lock.lock();
        try {
            return f.apply(state);
        } finally {
            lock.unlock();
        }
    }

    /** Mutates the state under the lock, then wakes waiters and fires pending listeners. */
    <R> R update(Function<? super S, ? extends R> f) {
        Runnable[] fire;
        int n;
        R result;
        lock.lock();
        try {
            result = f.apply(state);
            changed.signalAll();
            fire = listeners;
            n = listenerCount;
            if (n > 0) {
                listeners = NONE;
                listenerCount = 0;
            }
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < n; i++) {
            fire[i].run();
        }
        return result;
    }

    /** {@link #update(Function)} for mutations without a result. */
    void modify(Consumer<? super S> f) {
        update(s -> {
            f.accept(s);
            return null;
        });
    }

    /**
     * Blocks until {@code poll} returns non-null and returns that value, or returns null after
     * {@code timeoutNanos} (negative = wait forever).
     *
     * @throws MoqException {@link MoqError#CANCEL} if the thread is interrupted (the flag is restored),
     *     or whatever {@code poll} throws
     */
    <R> R await(Function<? super S, ? extends R> poll, long timeoutNanos) {
        lock.lock();
        try {
            long remaining = timeoutNanos;
            while (true) {
                R r = poll.apply(state);
                if (r != null) {
                    return r;
                }
                if (timeoutNanos < 0) {
                    changed.await();
                } else {
                    if (remaining <= 0) {
                        return null;
                    }
                    remaining = changed.awaitNanos(remaining);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MoqException(MoqError.CANCEL, "interrupted while waiting", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Completes {@code out} with the first non-null value of {@code poll}, polling now and again after
     * each update. The completion runs on the thread that made the state ready. If {@code poll}
     * throws a {@link MoqException}, {@code out} completes exceptionally. A cancelled {@code out} is
     * not polled again.
     */
    <R> void awaitAsync(Function<? super S, ? extends R> poll, CompletableFuture<R> out) {
        R r = null;
        MoqException failure = null;
        lock.lock();
        try {
            if (out.isDone()) {
                return;
            }
            r = poll.apply(state);
            if (r == null) {
                addListener(() -> awaitAsync(poll, out));
                return;
            }
        } catch (MoqException e) {
            failure = e;
        } finally {
            lock.unlock();
        }
        // Complete outside the lock: continuations must never run while the state is locked.
        if (failure != null) {
            out.completeExceptionally(failure);
        } else {
            out.complete(r);
        }
    }

    /** Runs {@code listener} once after the next {@link #update}, on the updating thread. */
    void onChange(Runnable listener) {
        lock.lock();
        try {
            addListener(listener);
        } finally {
            lock.unlock();
        }
    }

    private void addListener(Runnable listener) {
        if (listenerCount == listeners.length) {
            Runnable[] grown = new Runnable[Math.max(2, listenerCount * 2)];
            System.arraycopy(listeners, 0, grown, 0, listenerCount);
            listeners = grown;
        }
        listeners[listenerCount++] = listener;
    }
}
