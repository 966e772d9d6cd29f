package dev.parley.app.wiring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Leaves the rooms that are still open when the JVM is asked to stop without the window closing
 * first (SIGTERM from a logout, a service manager or {@code kill}): the others then see a leave at
 * once instead of a lost connection and a reconnecting tile. A shutdown hook is registered only while
 * a session is open, and each leave gets a bounded time so a stuck peer cannot hold the exit.
 */
final class ExitLeaver {
    private static final Logger LOG = LoggerFactory.getLogger(ExitLeaver.class);
    static final Duration BUDGET = Duration.ofSeconds(5);

    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private Thread hook; // guarded by this

    /** Starts covering {@code session}; returns what to call once it has closed by itself. */
    AutoCloseable cover(AutoCloseable session) {
        open.add(session);
        synchronized (this) {
            if (hook == null) {
                Thread h = new Thread(this::leaveAll, "parley-exit-leave");
                try {
                    Runtime.getRuntime().addShutdownHook(h);
                    hook = h;
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is already stopping; nothing to cover
                }
            }
        }
        return () -> uncover(session);
    }

    private void uncover(AutoCloseable session) {
        if (!open.remove(session)) {
            return;
        }
        synchronized (this) {
            if (open.isEmpty() && hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running (it is what closed this session)
                }
                hook = null;
            }
        }
    }

    /** Closes every open session in parallel, waiting at most {@link #BUDGET} in all. */
    private void leaveAll() {
        List<Thread> leaving = List.copyOf(open).stream()
                .map(s -> Thread.ofPlatform().daemon().name("parley-exit-leave-one").start(() -> {
                    try {
                        s.close();
                    } catch (Exception e) {
                        LOG.debug("leaving on exit failed: {}", e.toString());
                    }
                }))
                .toList();
        long deadline = System.nanoTime() + BUDGET.toNanos();
        for (Thread t : leaving) {
            try {
                t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
