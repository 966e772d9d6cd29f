package dev.parley.net.moq.relay;

import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.MoqError;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackLimits;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.model.TrackRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One relayed broadcast that reaches the relay over several routes with the same hop list (two relays
 * linked both ways get it over each link; a pull by ticket gets it over a new session when the old one
 * sent GOAWAY), offered in the origin as one stable broadcast. Downstream
 * sessions hold this front, never a route: when the route in use ends, nothing is re-announced, and every
 * track being read is re-subscribed on the next route and goes on from the group it reached, so a watcher
 * sees neither an end of track nor an end of broadcast. A subscription made just as the route ends lands
 * on the next route the same way. The front ends when its last route ends.
 *
 * <p>moq-relay re-announces the broadcast on every takeover (its downstream then restarts it); here that
 * is kept for a backup with a different hop list ({@link MoqRelay#admit}), whose new hops downstream must
 * learn for loop detection, while a backup that is the same broadcast over the same relays takes over
 * unseen.
 *
 * <p>Threads: one virtual thread per subscribed track copies the groups of the route's track into the
 * front's, plus one per group in flight that copies its frames (the frame arrays are shared, not copied).
 */
final class RoutedBroadcast {
    private static final Logger LOG = LoggerFactory.getLogger(RoutedBroadcast.class);

    /**
     * How long a route's track that failed waits for its route to end, to tell a route going away (its
     * session closed: the track fails just before the broadcast ends) from a failure of the track itself.
     */
    static final Duration ROUTE_END_GRACE = Duration.ofSeconds(1);
    /** A relayed group that gets no frame for this long is given up ({@link MoqError#OLD}). */
    static final Duration FRAME_WAIT = Duration.ofSeconds(10);

    private final BroadcastProducer front;
    /** A handle of the front to recognise its views by; released when the front ends. */
    private final BroadcastConsumer probe;
    private final List<Long> hops;
    private final Duration maxLatency;
    /** Routes in order of preference (the first one not ended is used); guarded by itself. */
    private final ArrayList<BroadcastConsumer> routes = new ArrayList<>(2);
    private final AtomicLong takeovers;
    private boolean ended;

    /**
     * A front for {@code first}, with {@code limits} for its tracks; a route's track is read with
     * {@code maxLatency} (every group unless the copy falls that far behind). {@code takeovers} counts
     * the tracks moved to another route.
     */
    RoutedBroadcast(BroadcastConsumer first, TrackLimits limits, Duration maxLatency, AtomicLong takeovers) {
        this.hops = List.copyOf(first.hops());
        this.maxLatency = maxLatency;
        this.takeovers = takeovers;
        this.front = new BroadcastProducer(limits).hops(hops);
        this.probe = front.consume();
        front.setTrackRequestHandler(r -> Thread.ofVirtual().name("relay-route-" + r.info().name()).start(() -> new Pump(r).run()));
        addRoute(first);
    }

    /** A counted handle of the front, for the origin. */
    BroadcastConsumer consume() {
        return front.consume();
    }

    /** True if {@code b} is a handle of this front. */
    boolean isFront(BroadcastConsumer b) {
        return probe.sameBroadcast(b);
    }

    /** True if {@code b} has the hop list of this front's routes. */
    boolean sameHops(BroadcastConsumer b) {
        return hops.equals(b.hops());
    }

    /** True if {@code b} is one of the live routes. */
    boolean hasRoute(BroadcastConsumer b) {
        synchronized (routes) {
            return routes.stream().anyMatch(r -> r.sameBroadcast(b));
        }
    }

    /** Completes when the front ended (its last route ended). */
    java.util.concurrent.CompletableFuture<Void> closed() {
        return front.closed();
    }

    /** Adds {@code route} behind the others; false if the front already ended (its routes all went). */
    boolean addRoute(BroadcastConsumer route) {
        synchronized (routes) {
            if (ended) {
                return false;
            }
            routes.add(route);
        }
        route.closed().whenComplete((v, e) -> removeRoute(route, e));
        return true;
    }

    private void removeRoute(BroadcastConsumer route, Throwable failure) {
        route.close(); // the front owned it (a no-op for an origin's view)
        synchronized (routes) {
            routes.removeIf(r -> r == route);
            if (!routes.isEmpty() || ended) {
                return;
            }
            ended = true;
        }
        Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
        if (cause instanceof MoqException m) {
            front.abort(m);
        } else {
            front.close();
        }
        probe.close();
    }

    /** The first route that has not ended, or null. */
    private BroadcastConsumer activeRoute() {
        synchronized (routes) {
            for (BroadcastConsumer r : routes) {
                if (!r.isEnded()) {
                    return r;
                }
            }
            return null;
        }
    }

    /** Fills one track of the front from the route in use, moving to the next route when that one ends. */
    private final class Pump {
        private final TrackProducer out;
        private final TrackInfo info;
        private volatile boolean stopped;
        private TrackConsumer up; // guarded by this

        Pump(TrackRequest request) {
            this.out = request.producer();
            this.info = request.info();
            out.unused().thenRun(this::stop);
        }

        private void stop() {
            stopped = true;
            TrackConsumer u;
            synchronized (this) {
                u = up;
            }
            if (u != null) {
                u.close(); // wakes the read
            }
        }

        void run() {
            try {
                follow();
            } catch (RuntimeException e) { // never leave the front's track open with nobody filling it
                LOG.warn("relaying track {} failed", info.name(), e);
                out.abort(new MoqException(MoqError.TRANSPORT, "relaying the track failed", e));
            }
        }

        private void follow() {
            BroadcastConsumer previous = null;
            while (!stopped) {
                BroadcastConsumer route = activeRoute();
                if (route == null) {
                    out.close(); // no route left: the front is ending with its last one
                    return;
                }
                TrackConsumer u;
                try {
                    u = route.subscribe(info);
                } catch (MoqException | IllegalStateException e) {
                    if (route.isEnded()) {
                        continue; // ended (and released) just now: the next route
                    }
                    out.abort(e instanceof MoqException m ? m // e.g. NOT_FOUND: the route's answer is the track's
                            : new MoqException(MoqError.TRANSPORT, "route unusable", e));
                    return;
                }
                if (previous != null) {
                    takeovers.incrementAndGet();
                    LOG.debug("track {} moved to another route", info.name());
                }
                previous = route;
                u.maxLatency(maxLatency);
                synchronized (this) {
                    up = u;
                }
                if (stopped) {
                    u.close();
                    return;
                }
                MoqException failure = copyGroups(u);
                u.close();
                if (stopped || out.isEnded()) {
                    return;
                }
                if (!routeEnded(route, failure)) {
                    if (failure == null) {
                        out.close();
                    } else {
                        out.abort(failure);
                    }
                    return;
                }
            }
        }

        /** Copies groups until the route's track ends: null when it ended cleanly, else its error. */
        private MoqException copyGroups(TrackConsumer u) {
            try {
                for (GroupConsumer g = u.nextGroup(); g != null; g = u.nextGroup()) {
                    GroupProducer dst;
                    try {
                        dst = out.createGroup(g.sequence());
                    } catch (MoqException e) {
                        g.close();
                        if (e.error() == MoqError.DUPLICATE) {
                            continue; // the previous route delivered it already
                        }
                        return null; // the front's track ended: nothing more to copy
                    }
                    GroupConsumer src = g;
                    Thread.ofVirtual().name("relay-route-group-" + g.sequence()).start(() -> copyFrames(src, dst));
                }
                return null;
            } catch (MoqException e) {
                return e;
            }
        }

        /**
         * True if {@code route} ended (so the track moves on): at once when it has, and after a track failure
         * once it ends within {@link #ROUTE_END_GRACE}. A clean end of a route's track while the route lives
         * is the track's own end.
         */
        private boolean routeEnded(BroadcastConsumer route, MoqException failure) {
            if (route.isEnded()) {
                return true;
            }
            if (failure == null) {
                return false;
            }
            try {
                route.closed().get(ROUTE_END_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // an abort of the route, or it lives on: decided by isEnded below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return route.isEnded();
        }
    }

    /** Copies one group's frames with their timestamps; a group that fails or stalls is aborted downstream too. */
    private static void copyFrames(GroupConsumer src, GroupProducer dst) {
        try (src) {
            for (byte[] f = src.readFrame(FRAME_WAIT); f != null; f = src.readFrame(FRAME_WAIT)) {
                dst.writeFrame(f, src.timestamp(src.position() - 1));
            }
            dst.close();
        } catch (MoqException e) {
            dst.abort(e.error() == MoqError.TIMEOUT
                    ? new MoqException(MoqError.OLD, "group " + dst.sequence() + " stalled on its route") : e);
        }
    }
}
