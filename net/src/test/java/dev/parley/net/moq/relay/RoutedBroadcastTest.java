package dev.parley.net.moq.relay;

import dev.parley.net.moq.model.Announce;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.MoqError;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.OriginConsumer;
import dev.parley.net.moq.model.Path;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Backup-route takeover in the relay's origin, on model objects alone (no sessions): two routes to the
 * same broadcast (the same hop list over two links) go in through {@link MoqRelay#admit}, and whatever
 * happens to the route in use, a subscriber of the origin's broadcast keeps getting media on the same
 * subscription and no announce changes. The routes here are broadcasts like a session's remote ones; the
 * race of issue 14 (a subscription made exactly as the active route ends) is made deterministic by ending
 * the route from inside its track request handler, i.e. at the moment the subscription reaches it.
 */
@Timeout(30)
class RoutedBroadcastTest {
    private static final Path CAM = Path.of("cam");
    private static final TrackInfo VIDEO = new TrackInfo("video", TrackInfo.PRIORITY_VIDEO);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MoqRelay relay = new MoqRelay(new JwtScopeResolver(Optional.empty(), List.of(), Clock.systemUTC()),
            RelayConfig.DEFAULT, Clock.systemUTC());

    @AfterEach
    void close() {
        relay.close();
    }

    /** A route as a session's Subscriber makes one: dynamic, with the hop list it was announced with. */
    private static BroadcastProducer route(List<Long> hops) {
        return new BroadcastProducer().hops(hops);
    }

    /** Serves every request of {@code route} from {@code track} (the one upstream subscription of a route). */
    private static void serve(BroadcastProducer route, TrackProducer track) {
        route.setTrackRequestHandler(r -> {
            // the request's producer is fed from the publisher's track by a forwarder, as a session would
            TrackConsumer in = track.consume();
            Thread.ofVirtual().start(() -> {
                try (in) {
                    for (GroupConsumer g = in.nextGroup(); g != null; g = in.nextGroup()) {
                        GroupProducer out = r.producer().createGroup(g.sequence());
                        for (byte[] f = g.readFrame(WAIT); f != null; f = g.readFrame(WAIT)) {
                            out.writeFrame(f);
                        }
                        out.close();
                    }
                    r.producer().close();
                } catch (MoqException e) {
                    r.producer().abort(e);
                }
            });
        });
    }

    private static void waitUntil(String what, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aSubscriptionMadeExactlyAsTheActiveRouteEndsIsServedByTheBackup() {
        BroadcastProducer first = route(List.of(7L));
        BroadcastProducer second = route(List.of(7L));
        TrackProducer publisher = new TrackProducer(VIDEO);
        serve(second, publisher);
        // the route in use ends just as the subscription reaches it: its session closed a moment ago
        first.setTrackRequestHandler(r -> first.close());
        assertThat(relay.admit(CAM, first.consume(), true)).isEqualTo(MoqRelay.Route.TAKE);
        assertThat(relay.admit(CAM, second.consume(), true)).isEqualTo(MoqRelay.Route.BACKUP);
        OriginConsumer announces = relay.origin().consume();
        assertThat(announces.nextAnnounce(WAIT).isActive()).isTrue();

        BroadcastConsumer cam = relay.origin().consume().consume(CAM).orElseThrow();
        try (TrackConsumer video = cam.subscribe(VIDEO)) {
            waitUntil("the first route ended as the subscription reached it", first::isEnded);
            publisher.appendGroupWithFrame(new byte[] {42});
            GroupConsumer g = video.nextGroup(WAIT);
            assertThat(g).as("media on the first subscription, over the backup").isNotNull();
            assertThat(g.readFrame(WAIT)).containsExactly(42);
        }
        assertThat(announces.tryNextAnnounce()).as("the takeover is not re-announced").isNull();
        assertThat(relay.takeovers()).isEqualTo(1);
        assertThat(relay.broadcasts()).containsExactly(CAM);
    }

    @Test
    void aTrackBeingReadMovesToTheBackupWhenItsRouteFailsAndGoesOnFromTheNextGroup() {
        BroadcastProducer first = route(List.of(7L));
        BroadcastProducer second = route(List.of(7L));
        TrackProducer publisher = new TrackProducer(VIDEO);
        serve(first, publisher);
        serve(second, publisher);
        relay.admit(CAM, first.consume(), true);
        relay.admit(CAM, second.consume(), true);
        OriginConsumer announces = relay.origin().consume();
        assertThat(announces.nextAnnounce(WAIT).isActive()).isTrue();

        BroadcastConsumer cam = relay.origin().consume().consume(CAM).orElseThrow();
        try (TrackConsumer video = cam.subscribe(VIDEO)) {
            publisher.appendGroupWithFrame(new byte[] {0});
            assertThat(video.nextGroup(WAIT).sequence()).isZero();
            // the first route's session dies: its broadcast aborts (the tracks fail with it)
            first.abort(new MoqException(MoqError.TRANSPORT, "session closed"));
            waitUntil("the track moved to the backup", () -> relay.takeovers() == 1);
            publisher.appendGroupWithFrame(new byte[] {1});
            GroupConsumer g = video.nextGroup(WAIT);
            assertThat(g).as("no end of track").isNotNull();
            assertThat(g.sequence()).isEqualTo(1);
            assertThat(g.readFrame(WAIT)).containsExactly(1);
        }
        assertThat(announces.tryNextAnnounce()).as("nothing re-announced").isNull();
    }

    @Test
    void aTracksOwnEndIsPassedOnAndTheBroadcastEndsWithItsLastRoute() {
        BroadcastProducer first = route(List.of(7L));
        BroadcastProducer second = route(List.of(7L));
        TrackProducer publisher = new TrackProducer(VIDEO);
        serve(first, publisher);
        serve(second, publisher);
        relay.admit(CAM, first.consume(), true);
        relay.admit(CAM, second.consume(), true);
        OriginConsumer announces = relay.origin().consume();
        assertThat(announces.nextAnnounce(WAIT).isActive()).isTrue();
        BroadcastConsumer cam = relay.origin().consume().consume(CAM).orElseThrow();
        try (TrackConsumer video = cam.subscribe(VIDEO)) {
            publisher.appendGroupWithFrame(new byte[] {0});
            assertThat(video.nextGroup(WAIT)).isNotNull();
            publisher.close(); // the publisher ends the track; both routes live on
            long t0 = System.nanoTime();
            assertThat(video.nextGroup(WAIT)).as("the end of the track itself").isNull();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("passed on at once, not after a grace")
                    .isLessThan(RoutedBroadcast.ROUTE_END_GRACE);
        }
        assertThat(relay.takeovers()).isZero();
        first.close();
        assertThat(announces.tryNextAnnounce()).as("one route left: still there").isNull();
        second.close();
        Announce gone = announces.nextAnnounce(WAIT);
        assertThat(gone.isActive()).as("the last route ended: the broadcast leaves the origin").isFalse();
        assertThat(relay.broadcasts()).isEmpty();
    }

    @Test
    void aRefusedTrackIsRefusedDownstreamAndNotRetriedOnTheBackup() {
        BroadcastProducer first = route(List.of(7L));
        BroadcastProducer second = route(List.of(7L));
        first.setTrackRequestHandler(r -> r.producer().abort(MoqError.NOT_FOUND));
        second.setTrackRequestHandler(r -> {
            throw new AssertionError("the backup is not asked while the first route lives");
        });
        relay.admit(CAM, first.consume(), true);
        relay.admit(CAM, second.consume(), true);
        BroadcastConsumer cam = relay.origin().consume().consume(CAM).orElseThrow();
        try (TrackConsumer video = cam.subscribe(VIDEO)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> video.nextGroup(WAIT)).isInstanceOf(MoqException.class)
                    .satisfies(e -> assertThat(((MoqException) e).error()).isEqualTo(MoqError.NOT_FOUND));
            // the route lives, so the failure is the track's own, after the grace that rules out a dying route
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(RoutedBroadcast.ROUTE_END_GRACE.plusSeconds(2));
        }
        assertThat(relay.takeovers()).isZero();
    }

    @Test
    void aBackupWithAnotherHopListIsReAnnouncedWhenItTakesOver() {
        BroadcastProducer near = route(List.of(7L));
        BroadcastProducer far = route(List.of(8L, 7L));
        assertThat(relay.admit(CAM, near.consume(), true)).isEqualTo(MoqRelay.Route.TAKE);
        assertThat(relay.admit(CAM, far.consume(), true)).isEqualTo(MoqRelay.Route.BACKUP);
        OriginConsumer announces = relay.origin().consume();
        assertThat(announces.nextAnnounce(WAIT).broadcast().hops()).containsExactly(7L);
        near.close();
        assertThat(announces.nextAnnounce(WAIT).isActive()).as("ended").isFalse();
        Announce again = announces.nextAnnounce(WAIT);
        assertThat(again.broadcast().hops()).as("downstream learns the longer path").containsExactly(8L, 7L);
    }

    @Test
    void aClientsOwnBroadcastGoesInAsItIs() {
        BroadcastProducer own = new BroadcastProducer().hops(List.of(9L)); // lite-05: the client's own hop id
        BroadcastConsumer handle = own.consume();
        assertThat(relay.admit(CAM, handle, false)).isEqualTo(MoqRelay.Route.TAKE);
        assertThat(relay.origin().consume().consume(CAM).orElseThrow().sameBroadcast(handle)).isTrue();
    }
}
