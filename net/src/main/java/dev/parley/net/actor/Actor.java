package dev.parley.net.actor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One thread, one inbox, one handler: the state the handler touches belongs to the actor thread, so
 * it needs no lock. Commands run one at a time in the order they were accepted.
 *
 * <p><b>Sending.</b> {@link #tell} (and {@link #ask}) wait while the inbox holds {@code capacity}
 * commands: a flooding producer (a peer's stream reader, an API caller) is slowed down instead of
 * growing memory. {@link #post} never waits and may go beyond the capacity: it is for callbacks that
 * run on threads that must not block (Netty event loops, future completions), for timers and for the
 * actor's messages to itself, whose number is bounded by the work the actor itself started. Called
 * on the actor thread, {@link #tell} posts (waiting for itself would deadlock).
 *
 * <p><b>Failure.</b> A command whose handler throws is logged and, if it is a {@link Request}, its
 * reply fails with the exception; the actor goes on with the next command.
 *
 * <p><b>Stopping.</b> {@link #stop} lets the commands already accepted run, then runs
 * {@link Handler#onStop}, cancels pending timers and ends the thread. From the moment it is called,
 * {@link #tell}/{@link #ask} throw {@link ActorStoppedException} and {@link #post} returns false.
 *
 * @param <C> the command type: a sealed interface of records
 */
public final class Actor<C> {
    private static final Logger LOG = LoggerFactory.getLogger(Actor.class);

    /** Timers for every actor: one daemon thread that only moves due commands into inboxes. */
    private static final ScheduledThreadPoolExecutor TIMERS = timers();

    /** What an actor does with its commands; runs on the actor thread only. */
    public interface Handler<C> {
        void handle(C command) throws Exception;

        /** Runs on the actor thread after the last command; no more commands are accepted. */
        default void onStop() {
        }
    }

    /** A command that is answered: the actor completes {@link #reply()}, or fails it if handling throws. */
    public interface Request<T> {
        CompletableFuture<T> reply();
    }

    /** A scheduled command that can be cancelled before it runs. */
    public interface Timer {
        /** Cancels the timer; false if it already fired or was cancelled. */
        boolean cancel();
    }

    private final String name;
    private final int capacity;
    private final Handler<C> handler;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<Object> inbox = new ArrayDeque<>();
    private final Set<Future<?>> timers = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean stopping;

    /** The marker {@link #stop} queues behind the accepted commands. */
    private static final Object STOP = new Object();

    private Actor(String name, int capacity, Handler<C> handler) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.name = Objects.requireNonNull(name, "name");
        this.capacity = capacity;
        this.handler = Objects.requireNonNull(handler, "handler");
        this.thread = Thread.ofVirtual().name(name).unstarted(this::run);
    }

    /** Starts an actor on a virtual thread called {@code name} whose inbox holds {@code capacity} commands. */
    public static <C> Actor<C> start(String name, int capacity, Handler<C> handler) {
        Actor<C> a = new Actor<>(name, capacity, handler);
        a.thread.start();
        return a;
    }

    public String name() {
        return name;
    }

    /** True on the actor's own thread. */
    public boolean onActorThread() {
        return Thread.currentThread() == thread;
    }

    /** True once {@link #stop} was called (the thread may still be finishing accepted commands). */
    public boolean isStopped() {
        return stopping;
    }

    /** Completes when the actor thread has ended. */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /**
     * Queues {@code command}, waiting while the inbox is full.
     *
     * @throws ActorStoppedException if the actor is stopped (or stops while this waits)
     */
    public void tell(C command) {
        Objects.requireNonNull(command, "command");
        if (onActorThread()) {
            if (!post(command)) {
                throw stopped();
            }
            return;
        }
        lock.lock();
        try {
            while (!stopping && inbox.size() >= capacity) {
                notFull.await();
            }
            if (stopping) {
                throw stopped();
            }
            inbox.addLast(command);
            notEmpty.signal();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActorStoppedException(name + ": interrupted while waiting for inbox space");
        } finally {
            lock.unlock();
        }
    }

    /** Queues {@code command} without waiting, beyond the capacity if need be; false if the actor is stopped. */
    public boolean post(C command) {
        Objects.requireNonNull(command, "command");
        lock.lock();
        try {
            if (stopping) {
                return false;
            }
            inbox.addLast(command);
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends the request {@code make} builds around a fresh reply future and returns that future.
     *
     * @throws ActorStoppedException if the actor is stopped
     */
    public <T> CompletableFuture<T> ask(java.util.function.Function<CompletableFuture<T>, ? extends C> make) {
        CompletableFuture<T> reply = new CompletableFuture<>();
        tell(make.apply(reply));
        return reply;
    }

    /** Posts {@code command} after {@code delay}; dropped if the actor stops first. */
    public Timer schedule(Duration delay, C command) {
        Objects.requireNonNull(command, "command");
        if (stopping) {
            return () -> false;
        }
        CompletableFuture<Future<?>> self = new CompletableFuture<>();
        Future<?> f = TIMERS.schedule(() -> {
            self.thenAccept(timers::remove);
            post(command);
        }, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        timers.add(f);
        self.complete(f);
        if (stopping) { // stop() may have swept the timers before this one was added
            f.cancel(false);
        }
        return () -> {
            timers.remove(f);
            return f.cancel(false);
        };
    }

    /**
     * Stops accepting commands; the ones already accepted still run, then {@link Handler#onStop}.
     * Idempotent; returns {@link #terminated()}.
     */
    public CompletableFuture<Void> stop() {
        lock.lock();
        try {
            if (!stopping) {
                stopping = true;
                inbox.addLast(STOP);
                notEmpty.signal();
                notFull.signalAll(); // waiting senders fail now
            }
        } finally {
            lock.unlock();
        }
        return terminated;
    }

    private ActorStoppedException stopped() {
        return new ActorStoppedException(name + " has stopped");
    }

    private Object take() throws InterruptedException {
        lock.lock();
        try {
            while (inbox.isEmpty()) {
                notEmpty.await();
            }
            Object c = inbox.removeFirst();
            if (inbox.size() < capacity) {
                notFull.signal();
            }
            return c;
        } finally {
            lock.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    private void run() {
        try {
            while (true) {
                Object c = take();
                if (c == STOP) {
                    break;
                }
                handleOne((C) c);
            }
        } catch (InterruptedException e) {
            LOG.warn("{} interrupted; stopping", name);
            stop();
        } finally {
            timers.forEach(t -> t.cancel(false));
            timers.clear();
            try {
                handler.onStop();
            } catch (RuntimeException e) {
                LOG.error("{}: stopping failed", name, e);
            }
            failLeftovers();
            terminated.complete(null);
        }
    }

    /** Only after an interrupt can commands be left behind the loop: their requests fail. */
    private void failLeftovers() {
        lock.lock();
        try {
            for (Object c; (c = inbox.pollFirst()) != null; ) {
                if (c instanceof Request<?> r) {
                    r.reply().completeExceptionally(stopped());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void handleOne(C c) {
        try {
            handler.handle(c);
        } catch (Exception | AssertionError e) {
            LOG.error("{}: command {} failed", name, c.getClass().getSimpleName(), e);
            if (c instanceof Request<?> r) {
                r.reply().completeExceptionally(e);
            }
        }
    }

    private static ScheduledThreadPoolExecutor timers() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "actor-timers");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }
}
