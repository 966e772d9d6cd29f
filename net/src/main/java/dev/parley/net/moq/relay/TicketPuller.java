package dev.parley.net.moq.relay;

import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.MoqError;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.OriginProducer;
import dev.parley.net.moq.model.Path;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.net.ticket.LiveTicket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pull by ticket (seed 001): a subscriber names a broadcast by its {@code parley:} ticket, and the relay
 * dials the publisher peer to peer, subscribes to the broadcast the ticket names and republishes it in
 * the subscriber's scope <em>under the ticket string itself</em> (a moq path {@code parley:<addr>/<name>},
 * two segments). Concurrent requests for the same scope and ticket join one pull, so one upstream session
 * serves them all; when the last request is released, the pull is kept for a grace and then dropped
 * (unpublished, upstream session closed). A pull whose upstream fails or ends is forgotten, so the next
 * request dials again.
 *
 * <p>Thread-safe: the table is guarded by {@code this}; each pull dials on its own virtual thread.
 */
final class TicketPuller {
    private static final Logger LOG = LoggerFactory.getLogger(TicketPuller.class);

    /** Opens a moq session to a publisher. */
    @FunctionalInterface
    interface Dialer {
        CompletableFuture<MoqSession> dial(EndpointAddr peer);
    }

    private final OriginProducer origin;
    private final Dialer dialer;
    private final Duration timeout;
    private final Duration grace;
    private final Map<Path, Pull> pulls = new HashMap<>();
    private final AtomicLong dials = new AtomicLong();

    TicketPuller(OriginProducer origin, Dialer dialer, Duration timeout, Duration grace) {
        this.origin = origin;
        this.dialer = dialer;
        this.timeout = timeout;
        this.grace = grace;
    }

    /** Upstream sessions opened so far. */
    long dials() {
        return dials.get();
    }

    /** Pulls in the table (pending, live or in their grace). */
    synchronized int active() {
        return pulls.size();
    }

    /**
     * Joins or starts the pull of {@code ticket} into {@code scope}; the returned lease keeps it wanted.
     *
     * @throws dev.parley.net.ticket.TicketException if the ticket does not parse
     */
    AutoCloseable acquire(ScopePath scope, String ticket) {
        LiveTicket parsed = LiveTicket.parse(ticket);
        Path at = scope.root().join(Path.of(parsed.toString()));
        Pull pull;
        synchronized (this) {
            pull = pulls.get(at);
            if (pull == null) {
                pull = new Pull(at, parsed);
                pulls.put(at, pull);
                Pull started = pull;
                Thread.ofVirtual().name("relay-pull-" + parsed.broadcast()).start(started::run);
            }
            pull.refs++;
        }
        Pull held = pull;
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                release(held);
            }
        };
    }

    private void release(Pull pull) {
        synchronized (this) {
            if (--pull.refs > 0) {
                return;
            }
        }
        CompletableFuture.delayedExecutor(grace.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
            synchronized (this) {
                if (pull.refs > 0 || pulls.get(pull.at) != pull) {
                    return;
                }
                pulls.remove(pull.at);
            }
            LOG.info("pull of {} unused for {}; dropping it", pull.ticket.broadcast(), grace);
            pull.drop();
        });
    }

    private synchronized void forget(Pull pull) {
        pulls.remove(pull.at, pull);
    }

    /** One pulled broadcast. {@code refs} is guarded by the puller. */
    private final class Pull {
        final Path at;
        final LiveTicket ticket;
        int refs;
        private MoqSession upstream;
        private BroadcastConsumer broadcast;
        private boolean dropped;

        Pull(Path at, LiveTicket ticket) {
            this.at = at;
            this.ticket = ticket;
        }

        void run() {
            MoqSession s;
            try {
                dials.incrementAndGet();
                s = dialer.dial(ticket.addr()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.info("pull of {}: cannot reach {}: {}", ticket.broadcast(), ticket.addr().id().shortHex(), e.toString());
                forget(this);
                return;
            }
            BroadcastConsumer b;
            try {
                b = s.subscribe(ticket.broadcast(), timeout);
            } catch (MoqException e) {
                LOG.info("pull of {}: {}", ticket.broadcast(), e.getMessage());
                s.close(MoqError.NOT_FOUND.wireCode(), e.getMessage());
                forget(this);
                return;
            }
            synchronized (this) {
                if (dropped) {
                    b.close();
                    s.close(0, "pull no longer wanted");
                    return;
                }
                upstream = s;
                broadcast = b;
            }
            s.closed().whenComplete((r, e) -> forget(this));
            try {
                origin.publish(at, b); // the origin owns b and unpublishes it when the broadcast ends
                LOG.info("pulled {} from {} into /{}", ticket.broadcast(), ticket.addr().id().shortHex(), at);
            } catch (MoqException e) {
                s.close(0, "relay closed");
            }
        }

        synchronized void drop() {
            dropped = true;
            if (upstream != null) {
                origin.unpublish(at, broadcast);
                upstream.close(0, "pull no longer wanted");
            }
        }
    }
}
