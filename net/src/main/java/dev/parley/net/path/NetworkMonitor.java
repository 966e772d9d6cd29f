package dev.parley.net.path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Watches this machine's interface addresses and reports when they change: a laptop moving from Wi-Fi
 * to cable or to another network, a new DHCP lease, a VPN coming up. Java has no portable notification
 * for this, so it polls (a listing costs ~60 µs here) on one virtual thread, off the event loops.
 */
public final class NetworkMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkMonitor.class);

    /** How often the addresses are listed: a move is noticed within this, then proved in one round trip. */
    public static final Duration DEFAULT_PERIOD = Duration.ofMillis(500);

    /** What changed between two listings: an address gone (paths from it are dead), one added, or both. */
    public record Change(boolean lost, boolean added) {
        /** The change from {@code before} to {@code after}; both false when they hold the same addresses. */
        public static Change between(Set<InetAddress> before, Set<InetAddress> after) {
            return new Change(!after.containsAll(before), !before.containsAll(after));
        }

        public boolean any() {
            return lost || added;
        }
    }

    private final Thread thread;
    private volatile boolean closed;

    private NetworkMonitor(Supplier<Set<InetAddress>> addresses, Duration period, Consumer<Change> onChange) {
        Set<InetAddress> first = addresses.get();
        this.thread = Thread.ofVirtual().name("network-monitor").start(() -> run(first, addresses, period, onChange));
    }

    /**
     * Starts watching: {@code addresses} is listed now and every {@code period}; {@code onChange} is called
     * on the monitor's thread (keep it short) whenever a listing differs from the one before.
     */
    public static NetworkMonitor start(Supplier<Set<InetAddress>> addresses, Duration period, Consumer<Change> onChange) {
        return new NetworkMonitor(addresses, period, onChange);
    }

    private void run(Set<InetAddress> first, Supplier<Set<InetAddress>> addresses, Duration period, Consumer<Change> onChange) {
        Set<InetAddress> last = first;
        while (!closed) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            Set<InetAddress> now;
            try {
                now = addresses.get();
            } catch (RuntimeException e) {
                LOG.debug("cannot list the network interfaces: {}", e.getMessage());
                continue;
            }
            Change change = Change.between(last, now);
            if (change.any() && !closed) {
                LOG.info("network change: {} -> {}", last, now);
                last = now;
                try {
                    onChange.accept(change);
                } catch (RuntimeException e) {
                    LOG.warn("network change handler failed", e);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
