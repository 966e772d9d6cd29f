package dev.parley.net.moq.relay;

import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.session.Moq;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.ticket.LiveTicket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Pull by ticket: watchers name a Parley publisher's broadcast by its ticket; the relay fetches it once. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TicketPullTest {

    @Test
    void tenConcurrentRequestsShareOneUpstreamWhichIsDroppedWhenUnused() throws Exception {
        RelayConfig config = RelayConfig.DEFAULT.withPullGrace(Duration.ofMillis(500));
        try (RelayFixture f = new RelayFixture(ScopeResolver.open(), config, Clock.systemUTC());
             RelayFixture.Feed feed = new RelayFixture.Feed(Duration.ofMillis(20), 1, 500)) {
            // a Parley publisher that only its own endpoint serves (peer to peer; it never dials the relay)
            Endpoint publisherEndpoint = f.clientEndpoint();
            Moq publisher = Moq.attach(publisherEndpoint, Moq.Options.DEFAULT.withAutoAccept(true));
            f.closeLater(publisher);
            publisher.publish("cam", feed.broadcast.consume());
            String ticket = new LiveTicket(publisherEndpoint.addr(), "cam").toString();

            List<CompletableFuture<Long>> watchers = new ArrayList<>();
            List<MoqSession> sessions = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                MoqSession s = i % 2 == 0 ? f.ws("/?pull=" + ticket) : f.quic(java.util.Optional.of("/?pull=" + ticket));
                sessions.add(s);
            }
            for (MoqSession s : sessions) {
                watchers.add(CompletableFuture.supplyAsync(() -> {
                    // the broadcast appears under the ticket string itself
                    BroadcastConsumer b = s.subscribe(ticket, Duration.ofSeconds(20));
                    return MoqRelayTest.readGroups(b, 3);
                }, r -> Thread.ofVirtual().start(r)));
            }
            for (CompletableFuture<Long> w : watchers) {
                assertThat(w.get(40, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(2);
            }
            assertThat(f.relay.pullDials()).as("upstream sessions the relay opened").isEqualTo(1);
            assertThat(publisher.sessions()).as("sessions the publisher saw").hasSize(1);
            assertThat(f.relay.activePulls()).isEqualTo(1);

            // every watcher leaves: after the grace the pull is dropped and its upstream closed
            sessions.forEach(MoqSession::close);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((f.relay.activePulls() > 0 || !publisher.sessions().isEmpty()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(f.relay.activePulls()).isZero();
            assertThat(publisher.sessions()).isEmpty();
            assertThat(f.relay.broadcasts()).isEmpty();

            // a later request dials again
            MoqSession again = f.ws("/?pull=" + ticket);
            MoqRelayTest.readGroups(again.subscribe(ticket, Duration.ofSeconds(20)), 1);
            assertThat(f.relay.pullDials()).isEqualTo(2);
        }
    }
    /**
     * The publisher peer sends GOAWAY on the pull's upstream session: the relay dials it again, moves the
     * republished broadcast to the new session and closes the old one, and a watcher's track goes on
     * without an end.
     */
    @Test
    void anUpstreamGoawayMovesThePullToANewSessionWithoutEndingTheWatchersTrack() throws Exception {
        try (RelayFixture f = new RelayFixture(ScopeResolver.open());
             RelayFixture.Feed feed = new RelayFixture.Feed(Duration.ofMillis(20), 1, 500)) {
            Endpoint publisherEndpoint = f.clientEndpoint();
            Moq publisher = Moq.attach(publisherEndpoint, Moq.Options.DEFAULT.withAutoAccept(true));
            f.closeLater(publisher);
            publisher.publish("cam", feed.broadcast.consume());
            String ticket = new LiveTicket(publisherEndpoint.addr(), "cam").toString();
            MoqSession watcher = f.ws("/?pull=" + ticket);
            BroadcastConsumer cam = watcher.subscribe(ticket, Duration.ofSeconds(20));
            try (TrackConsumer video = cam.subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO))) {
                long before = video.nextGroup(Duration.ofSeconds(10)).sequence();
                assertThat(publisher.sessions()).hasSize(1);
                MoqSession old = publisher.sessions().getFirst();
                assertThat(old.version().goaway()).as("the pull's version carries GOAWAY").isTrue();
                assertThat(old.goaway("")).isTrue();

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while ((!old.isClosed() || f.relay.pullDials() < 2) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(f.relay.pullDials()).as("a new upstream session").isEqualTo(2);
                assertThat(old.isClosed()).as("the relay closed the session that sent GOAWAY").isTrue();
                assertThat(publisher.sessions()).hasSize(1).doesNotContain(old);
                // the watcher's subscription goes on past the move, with groups the new session brought
                GroupConsumer g = video.nextGroup(Duration.ofSeconds(10));
                assertThat(g).as("no end of track").isNotNull();
                while (g.sequence() <= before + 10) {
                    g = video.nextGroup(Duration.ofSeconds(10));
                    assertThat(g).as("no end of track").isNotNull();
                }
                assertThat(f.relay.takeovers()).as("the track moved to the new session").isEqualTo(1);
            }
            assertThat(f.relay.activePulls()).isEqualTo(1);
        }
    }
}
