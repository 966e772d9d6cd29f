package dev.parley.net.moq.relay;

import dev.parley.net.moq.model.Announce;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.OriginConsumer;
import dev.parley.net.moq.model.Path;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.session.MoqSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Parley publishers and watchers through a relay over real QUIC and WebSocket on loopback. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MoqRelayTest {

    /** Reads {@code n} distinct groups of the feed's video track and returns the last sequence. */
    static long readGroups(BroadcastConsumer b, int n) {
        try (TrackConsumer video = b.subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO))) {
            long last = -1;
            for (int i = 0; i < n; i++) {
                GroupConsumer g = video.nextGroup(Duration.ofSeconds(10));
                byte[] first = g.readFrame(Duration.ofSeconds(10));
                assertThat(first).isNotNull();
                long[] stamp = RelayFixture.stamp(first);
                assertThat(stamp[1]).as("the frame carries its own group's sequence").isEqualTo(g.sequence());
                assertThat(g.sequence()).isGreaterThan(last);
                last = g.sequence();
                g.close();
            }
            return last;
        }
    }

    @Test
    void quicPublisherReachesQuicAndWebSocketWatchersThroughOneUpstreamSubscription() throws Exception {
        try (RelayFixture f = new RelayFixture(ScopeResolver.open());
             RelayFixture.Feed feed = new RelayFixture.Feed(Duration.ofMillis(20), 3, 1200)) {
            MoqSession publisher = f.quic(Optional.empty());
            publisher.publish("cam", feed.broadcast.consume());
            MoqSession quicWatcher = f.quic(Optional.empty());
            MoqSession wsWatcher = f.ws("/");
            assertThat(quicWatcher.version().alpn()).isEqualTo("moq-lite-05");
            assertThat(wsWatcher.version().alpn()).isEqualTo("moq-lite-05");

            BroadcastConsumer viaQuic = quicWatcher.subscribe("cam", Duration.ofSeconds(10));
            BroadcastConsumer viaWs = wsWatcher.subscribe("cam", Duration.ofSeconds(10));
            TrackConsumer holdQuic = viaQuic.subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
            TrackConsumer holdWs = viaWs.subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
            assertThat(readGroups(viaQuic, 5)).isGreaterThanOrEqualTo(4);
            assertThat(readGroups(viaWs, 5)).isGreaterThanOrEqualTo(4);
            // both watchers hold the track: the publisher serves the relay exactly one subscription
            assertThat(publisher.servedSubscriptions()).isEqualTo(1);
            assertThat(f.relay.broadcasts()).containsExactly(Path.of("cam"));
            holdQuic.close();
            holdWs.close();

            // the publisher leaves: the watchers see the broadcast end
            publisher.close();
            assertThat(viaQuic.closed()).succeedsWithin(Duration.ofSeconds(10));
            assertThat(viaWs.closed()).succeedsWithin(Duration.ofSeconds(10));
        }
    }

    /**
     * A watcher keeps its QUIC ACKs on ack-eliciting packets with a PROBE every 20 ms while media arrives
     * (AckElicitor); over WebSocket TCP acknowledges by itself, so such a watcher sends next to nothing
     * while it reads: a relay's hundred WebSocket watchers would otherwise send it 5000 PROBEs a second.
     */
    @Test
    void webSocketWatcherSendsNoAckElicitingProbesWhileMediaArrives() throws Exception {
        try (RelayFixture f = new RelayFixture(ScopeResolver.open());
             RelayFixture.Feed feed = new RelayFixture.Feed(Duration.ofMillis(20), 3, 1200)) {
            MoqSession publisher = f.quic(Optional.empty());
            publisher.publish("cam", feed.broadcast.consume());
            MoqSession quicWatcher = f.quic(Optional.empty());
            MoqSession wsWatcher = f.ws("/");
            BroadcastConsumer viaQuic = quicWatcher.subscribe("cam", Duration.ofSeconds(10));
            BroadcastConsumer viaWs = wsWatcher.subscribe("cam", Duration.ofSeconds(10));
            try (TrackConsumer quicVideo = viaQuic.subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
                 TrackConsumer wsVideo = viaWs.subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO))) {
                readFor(quicVideo, wsVideo, Duration.ofMillis(500)); // media flows, the probe streams are open
                long wsFrames = wsWatcher.connection().pathStats().packetsSent();
                long quicPackets = quicWatcher.connection().pathStats().packetsSent();
                long wsBytesIn = wsWatcher.connection().pathStats().bytesReceived();
                readFor(quicVideo, wsVideo, Duration.ofSeconds(1));
                long wsSent = wsWatcher.connection().pathStats().packetsSent() - wsFrames;
                long quicSent = quicWatcher.connection().pathStats().packetsSent() - quicPackets;
                System.out.printf("in 1 s of media: the WebSocket watcher sent %d frames, the QUIC watcher %d packets%n", wsSent, quicSent);
                assertThat(wsWatcher.connection().pathStats().bytesReceived() - wsBytesIn)
                        .as("media reached the WebSocket watcher").isGreaterThan(50_000);
                // PROBEs every 20 ms would be ~50 frames; what is left is stream credit for what was read
                assertThat(wsSent).as("frames the WebSocket watcher sent in 1 s of media").isLessThan(25);
                // the QUIC watcher still elicits (and its ACKs are packets too)
                assertThat(quicSent).as("packets the QUIC watcher sent in 1 s of media").isGreaterThan(40);
            }
        }
    }

    /** Reads both tracks' frames for {@code d} (whichever has one), so both connections keep flowing. */
    private static void readFor(TrackConsumer a, TrackConsumer b, Duration d) {
        long end = System.nanoTime() + d.toNanos();
        Thread other = Thread.ofVirtual().start(() -> drainUntil(b, end));
        drainUntil(a, end);
        try {
            other.join(d.toMillis() + 5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void drainUntil(TrackConsumer t, long end) {
        while (System.nanoTime() < end) {
            GroupConsumer g;
            try {
                g = t.nextGroup(Duration.ofMillis(100));
            } catch (MoqException e) {
                continue; // none within 100 ms: look at the clock again
            }
            try (g) {
                while (System.nanoTime() < end && g.readFrame(Duration.ofMillis(100)) != null) {
                    // drained
                }
            } catch (MoqException e) {
                // a group cut on the way
            }
        }
    }

    @Test
    void webSocketPublisherReachesQuicWatcherAndIsNotEchoedBack() throws Exception {
        try (RelayFixture f = new RelayFixture(ScopeResolver.open());
             RelayFixture.Feed feed = new RelayFixture.Feed(Duration.ofMillis(20), 2, 800)) {
            MoqSession publisher = f.ws("/");
            publisher.publish("cam", feed.broadcast.consume());
            MoqSession watcher = f.quic(Optional.empty());
            readGroups(watcher.subscribe("cam", Duration.ofSeconds(10)), 4);
            // the relay does not announce a client's own broadcast back to it
            try (OriginConsumer own = publisher.announced("")) {
                assertThatNoAnnounce(own, Duration.ofMillis(500));
            }
        }
    }

    @Test
    void siblingScopesNeverSeeEachOtherAndAParentSeesItsChildren() throws Exception {
        try (RelayFixture f = new RelayFixture(ScopeResolver.open());
             RelayFixture.Feed feed = new RelayFixture.Feed(Duration.ofMillis(20), 1, 100)) {
            MoqSession publisher = f.ws("/a");
            publisher.publish("cam", feed.broadcast.consume());
            MoqSession sameScope = f.ws("/a");
            readGroups(sameScope.subscribe("cam", Duration.ofSeconds(10)), 2);
            assertThat(f.relay.broadcasts()).containsExactly(Path.of("a/cam"));

            // lite-05 over raw QUIC: the SETUP Path is the scope
            MoqSession quicSameScope = f.quic(Optional.of("/a"));
            readGroups(quicSameScope.subscribe("cam", Duration.ofSeconds(10)), 2);

            MoqSession parent = f.ws("/");
            readGroups(parent.subscribe("a/cam", Duration.ofSeconds(10)), 2);

            MoqSession sibling = f.ws("/b");
            MoqSession quicSibling = f.quic(Optional.of("/b"));
            try (OriginConsumer seen = sibling.announced(""); OriginConsumer seenQuic = quicSibling.announced("")) {
                assertThatNoAnnounce(seen, Duration.ofMillis(500));
                assertThatNoAnnounce(seenQuic, Duration.ofMillis(100));
            }
            // the same name published in /b is a different broadcast
            try (RelayFixture.Feed other = new RelayFixture.Feed(Duration.ofMillis(20), 1, 100)) {
                sibling.publish("cam", other.broadcast.consume());
                assertThat(awaitPaths(f.relay, 2, Duration.ofSeconds(5))).containsExactly(Path.of("a/cam"), Path.of("b/cam"));
            }
        }
    }

    @Test
    void drainRefusesNewSessionsAndLetsExistingOnesFinish() throws Exception {
        try (RelayFixture f = new RelayFixture(ScopeResolver.open())) {
            MoqSession existing = f.ws("/");
            // a byte-level lite-04 client, to see the GOAWAY on the wire
            dev.parley.net.qmux.QmuxConnection raw = f.wsConnection("/", java.util.List.of("moq-lite-04"));
            awaitSessions(f.relay, 2);
            Thread drainer = Thread.ofVirtual().start(() -> f.relay.drain(Duration.ofSeconds(5)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!f.relay.isDraining() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            // a new connection during the drain is refused with a reason
            MoqSession late = f.ws("/");
            assertThat(late.closed().get(5, TimeUnit.SECONDS)).isEqualTo(new dev.parley.net.transport.CloseReason.Remote(
                    dev.parley.net.moq.model.MoqError.CLOSED.wireCode(), "relay is shutting down"));
            assertThat(f.relay.acceptedSessions()).isEqualTo(2);
            assertThat(existing.isClosed()).as("an existing session is not cut").isFalse();
            byte[] goaway = null;
            for (int i = 0; i < 5 && goaway == null; i++) {
                dev.parley.net.transport.BidiStream s = raw.acceptBidi();
                byte[] type = new byte[1];
                if (s.recv().read(type, 0, 1) == 1 && type[0] == 0x05) {
                    goaway = new byte[2];
                    assertThat(s.recv().read(goaway, 0, 2)).isEqualTo(2);
                }
            }
            assertThat(goaway).as("GOAWAY with an empty new-session URI").containsExactly(0x01, 0x00);
            existing.close(0, "done");
            raw.close(0, "done");
            drainer.join(Duration.ofSeconds(6));
            assertThat(f.relay.sessionCount()).isZero();
        }
    }

    static void assertThatNoAnnounce(OriginConsumer c, Duration wait) {
        try {
            Announce a = c.nextAnnounce(wait);
            throw new AssertionError("unexpected announce " + a);
        } catch (MoqException e) {
            assertThat(e.getMessage()).contains("no announce");
        }
    }

    static java.util.List<Path> awaitPaths(MoqRelay relay, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (relay.broadcasts().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return relay.broadcasts();
    }

    static void awaitSessions(MoqRelay relay, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (relay.sessionCount() != n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(relay.sessionCount()).isEqualTo(n);
    }
}
