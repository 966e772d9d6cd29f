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
 * request dials again. The broadcast is republished through a {@link RoutedBroadcast} front: when the
 * upstream session sends GOAWAY, the relay dials the publisher again, adds the new session's broadcast as
 * a second route, then closes the old session, so watchers' tracks move over without an end. A GOAWAY's
 * new-session URI is not dialed (a ticket names a peer, and a URL would reach some other server): the
 * same peer is, and if it cannot be reached the old session serves until it closes.
 *
 * <p>Thread-safe: the table is guarded by {@code this}; each pull dials on its own virtual thread.
 */
final class TicketPuller {
    private static final Logger LOG = LoggerFactory.getLogger(TicketPuller.class);

    /** Opens a moq session to a publisher: over a new connection when {@code fresh} (the open one is going away). */
    @FunctionalInterface
    interface Dialer {
        CompletableFuture<MoqSession> dial(EndpointAddr peer, boolean fresh);
    }

    private final OriginProducer origin;
    private final java.util.function.Function<BroadcastConsumer, RoutedBroadcast> fronts;
    private final Dialer dialer;
    private final Duration timeout;
    private final Duration grace;
    private final Map<Path, Pull> pulls = new HashMap<>();
    private final AtomicLong dials = new AtomicLong();

    /** {@code fronts} makes the stable front a pulled broadcast is republished through. */
    TicketPuller(OriginProducer origin, java.util.function.Function<BroadcastConsumer, RoutedBroadcast> fronts,
                 Dialer dialer, Duration timeout, Duration grace) {
        this.origin = origin;
        this.fronts = fronts;
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
        private RoutedBroadcast front;
        private boolean dropped;

        Pull(Path at, LiveTicket ticket) {
            this.at = at;
            this.ticket = ticket;
        }

        void run() {
            MoqSession s;
            BroadcastConsumer b;
            try {
                s = dial(false);
                b = subscribe(s);
            } catch (MoqException e) {
                forget(this);
                return;
            }
            RoutedBroadcast front = fronts.apply(b);
            BroadcastConsumer handle = front.consume();
            synchronized (this) {
                if (dropped) {
                    handle.close();
                    s.close(0, "pull no longer wanted");
                    return;
                }
                upstream = s;
                broadcast = handle;
                this.front = front;
            }
            follow(s);
            front.closed().whenComplete((r, e) -> ended()); // its last upstream ended
            try {
                origin.publish(at, handle); // the origin owns the handle and unpublishes it when the front ends
                LOG.info("pulled {} from {} into /{}", ticket.broadcast(), ticket.addr().id().shortHex(), at);
            } catch (MoqException e) {
                s.close(0, "relay closed");
            }
        }

        /** A new upstream session to the ticket's peer; over a new connection when {@code fresh}. */
        private MoqSession dial(boolean fresh) {
            try {
                dials.incrementAndGet();
                return dialer.dial(ticket.addr(), fresh).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.info("pull of {}: cannot reach {}: {}", ticket.broadcast(), ticket.addr().id().shortHex(), e.toString());
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new MoqException(MoqError.TIMEOUT, "cannot reach " + ticket.addr().id().shortHex());
            }
        }

        /** The ticket's broadcast on {@code s}; {@code s} is closed if the peer does not announce it in time. */
        private BroadcastConsumer subscribe(MoqSession s) {
            try {
                return s.subscribe(ticket.broadcast(), timeout);
            } catch (MoqException e) {
                LOG.info("pull of {}: {}", ticket.broadcast(), e.getMessage());
                s.close(MoqError.NOT_FOUND.wireCode(), e.getMessage());
                throw e;
            }
        }

        /** When {@code s}, the upstream in use, sends GOAWAY: move to a new session of the same peer. */
        private void follow(MoqSession s) {
            s.goawayReceived().thenAccept(uri -> Thread.ofVirtual().name("relay-pull-goaway-" + ticket.broadcast())
                    .start(() -> move(s, uri)));
        }

        private void move(MoqSession old, String uri) {
            LOG.info("pull of {}: upstream sent GOAWAY{}; dialing {} again", ticket.broadcast(),
                    uri.isEmpty() ? "" : " naming " + uri + " (not dialed)", ticket.addr().id().shortHex());
            MoqSession s;
            BroadcastConsumer b;
            try {
                s = dial(true); // the old session's connection stays open until the move is done
                b = subscribe(s);
            } catch (MoqException e) {
                return; // the old session serves until it closes
            }
            synchronized (this) {
                if (dropped || upstream != old || !front.addRoute(b)) {
                    b.close();
                    s.close(0, "pull no longer wanted");
                    return;
                }
                upstream = s;
            }
            follow(s);
            old.close(0, "moved after GOAWAY"); // its broadcast ends: the front moves the tracks to the new one
            LOG.info("pull of {}: moved to a new upstream session", ticket.broadcast());
        }

        /** The broadcast ended (its sessions closed, or the peer ended it): forgotten, and its session closed. */
        private void ended() {
            forget(this);
            MoqSession s;
            synchronized (this) {
                s = upstream;
            }
            s.close(0, "pulled broadcast ended");
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
