package dev.parley.net.moq.relay;

import dev.parley.net.moq.model.Announce;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.OriginConsumer;
import dev.parley.net.moq.model.Path;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.session.MoqRelayUrl;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.moq.session.SessionConfig;
import dev.parley.net.moq.session.SessionHooks;
import dev.parley.net.moq.wire.AnnounceOk;
import dev.parley.net.moq.wire.AnnouncePlease;
import dev.parley.net.moq.wire.Grammar;
import dev.parley.net.moq.wire.Grammars;
import dev.parley.net.moq.wire.Messages;
import dev.parley.net.moq.wire.StreamDecoder;
import dev.parley.net.moq.wire.StreamType;
import dev.parley.net.moq.wire.Version;
import dev.parley.net.moq.wire.WireLimits;
import dev.parley.net.qmux.QmuxConnection;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.RecvStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hop lists on the relay, per version over real WebSocket sessions: two relays linked to each other both
 * ways ({@link MoqRelay#connectUpstream}) carry a broadcast once, without echoes, and drop it everywhere
 * when its publisher leaves; a relay does not take an announce whose hop list holds its own id or has 32
 * hops or more, and honours ANNOUNCE_PLEASE Exclude Hop (lite-04+); the same broadcast over a second link
 * is kept as a backup that takes over when the first link goes. lite-03 carries only a hop count, so
 * there the own-id check cannot work and the shortest-path rule stops the echoes.
 */
@Timeout(120)
class RelayHopsTest {
    private static final ScopeResolver OPEN = new JwtScopeResolver(Optional.empty(),
            List.of(new JwtScopeResolver.PublicPrefix(ScopePath.parse("/"), Permission.READ_WRITE)), Clock.systemUTC());

    private static RelayFixture relay(Version v) {
        return new RelayFixture(OPEN, new RelayConfig(SessionConfig.DEFAULT, List.of(v), Duration.ofSeconds(2),
                Duration.ofSeconds(10), Duration.ofSeconds(5)), Clock.systemUTC());
    }

    private static void waitUntil(String what, BooleanSupplier done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Announces {@code cursor} delivers within {@code window} (it has none pending after). */
    private static List<Announce> drain(OriginConsumer cursor, Duration window) {
        List<Announce> out = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return out;
            }
            try {
                out.add(cursor.nextAnnounce(Duration.ofNanos(left)));
            } catch (MoqException timeout) {
                return out;
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Version.class, names = {"LITE_03", "LITE_04", "LITE_05"})
    void twoRelaysLinkedBothWaysCarryABroadcastOnceAndDropItWhenItEnds(Version v) throws Exception {
        try (RelayFixture a = relay(v); RelayFixture b = relay(v)) {
            AutoCloseable aToB = a.relay.connectUpstream(MoqRelayUrl.parse("ws://127.0.0.1:" + b.ws.getPort() + "/"));
            a.closeLater(aToB);
            b.closeLater(b.relay.connectUpstream(MoqRelayUrl.parse("ws://127.0.0.1:" + a.ws.getPort() + "/")));
            waitUntil("both links", () -> a.relay.upstreamLinks() >= 1 && b.relay.upstreamLinks() >= 1, Duration.ofSeconds(10));
            // A registers the session of B's link when its side of the handshake is done, which may be just after B's
            waitUntil("A: its link to B and B's link to A", () -> a.relay.sessionCount() == 2, Duration.ofSeconds(10));

            MoqSession watcher = b.ws("/");
            OriginConsumer seen = watcher.announced("");
            MoqSession publisher = a.ws("/");
            RelayFixture.Feed feed = new RelayFixture.Feed(Duration.ofMillis(50), 1, 64);
            publisher.publish("cam", feed.broadcast.consume());

            BroadcastConsumer cam = watcher.subscribe("cam", Duration.ofSeconds(10));
            assertThat(cam).as("published at A, announced at B").isNotNull();
            try (TrackConsumer video = cam.subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO))) {
                GroupConsumer g = video.nextGroup(Duration.ofSeconds(10));
                assertThat(g.readFrame(Duration.ofSeconds(10))).hasSizeGreaterThanOrEqualTo(16);
            }
            List<Long> hops = cam.hops();
            System.out.printf("[hops %s] the watcher at B sees hops %s (A=%d, B=%d)%n", v, hops, a.relay.originId(), b.relay.originId());
            if (v == Version.LITE_03) {
                assertThat(hops).as("lite-03: a count, ids unknown").containsExactly(0L, 0L);
            } else {
                assertThat(hops).as("A's id, then B's").endsWith(a.relay.originId(), b.relay.originId());
            }

            List<Announce> steady = drain(seen, Duration.ofMillis(1500));
            assertThat(steady).as("no announce churn at B once it is there: %s", steady).allMatch(x -> x.isActive())
                    .hasSizeLessThanOrEqualTo(1);
            assertThat(a.relay.broadcasts()).containsExactly(Path.of("cam"));
            assertThat(b.relay.broadcasts()).containsExactly(Path.of("cam"));
            System.out.printf("[hops %s] dropped: A %d, B %d; kept as backups: A %d, B %d%n", v, a.relay.loopsIgnored(),
                    b.relay.loopsIgnored(), a.relay.backups(), b.relay.backups());
            if (v != Version.LITE_03) {
                // B got cam over both links; the second is its backup: with A's link gone, B keeps cam by its own
                assertThat(b.relay.backups()).isGreaterThanOrEqualTo(1);
                try (TrackConsumer live = cam.subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO))) {
                    long before = live.nextGroup(Duration.ofSeconds(10)).sequence();
                    aToB.close();
                    // a watcher subscribing across the takeover gets media on its first subscription
                    BroadcastConsumer across = watcher.subscribe("cam", Duration.ofSeconds(10));
                    try (TrackConsumer video = across.subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO))) {
                        assertThat(video.nextGroup(Duration.ofSeconds(10))).as("media on the subscription made as A's link closed")
                                .isNotNull();
                    }
                    waitUntil("B's session of A's link gone", () -> b.relay.sessionCount() == 2, Duration.ofSeconds(10));
                    assertThat(b.relay.broadcasts()).containsExactly(Path.of("cam"));
                    BroadcastConsumer again = watcher.subscribe("cam", Duration.ofSeconds(10));
                    try (TrackConsumer video = again.subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO))) {
                        assertThat(video.nextGroup(Duration.ofSeconds(10))).as("media over B's own link to A").isNotNull();
                    }
                    // the subscription made before goes on over B's own link, without an end of track
                    GroupConsumer after = live.nextGroup(Duration.ofSeconds(10));
                    assertThat(after).as("the live subscription goes on").isNotNull();
                    while (after.sequence() <= before + 2) { // groups from after the takeover, not the cache
                        after = live.nextGroup(Duration.ofSeconds(10));
                        assertThat(after).as("the live subscription goes on").isNotNull();
                    }
                }
                List<Announce> across = drain(seen, Duration.ofMillis(200));
                assertThat(across).as("the takeover is not re-announced to the watcher: %s", across).isEmpty();
                System.out.printf("[hops %s] takeover at B: %d track(s) moved to its own link%n", v, b.relay.takeovers());
            }

            feed.close();
            publisher.close();
            waitUntil("cam gone from both relays", () -> a.relay.broadcasts().isEmpty() && b.relay.broadcasts().isEmpty(),
                    Duration.ofSeconds(5));
            // an echo between the linked relays would bring it back: watched for a second, even for a moment
            long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < until) {
                assertThat(a.relay.broadcasts()).as("nothing resurrects it at A").isEmpty();
                assertThat(b.relay.broadcasts()).as("nothing resurrects it at B").isEmpty();
                Thread.sleep(10);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Version.class, names = {"LITE_03", "LITE_04", "LITE_05"})
    void ownIdAndTooManyHopsAreNotTakenAndExcludeHopIsHonoured(Version v) throws Exception {
        try (RelayFixture a = relay(v)) {
            long x = 4242;
            MoqSession viaX = MoqSession.start(a.wsConnection("/", List.of(v.alpn())), SessionConfig.DEFAULT,
                    SessionHooks.NONE.withOriginId(x)); // a client that is relay X: asks to exclude X
            a.closeLater(viaX);
            MoqSession plain = a.ws("/");
            MoqSession publisher = a.ws("/");
            long own = a.relay.originId();
            publisher.publish("from-x", new BroadcastProducer().hops(List.of(x)).consume());
            publisher.publish("loop", new BroadcastProducer().hops(List.of(5L, own)).consume());
            publisher.publish("far", new BroadcastProducer().hops(LongStream.rangeClosed(1, 32).boxed().toList()).consume());
            publisher.publish("edge", new BroadcastProducer().hops(LongStream.rangeClosed(1, 30).boxed().toList()).consume());
            waitUntil("from-x and edge at the relay", () -> a.relay.broadcasts().containsAll(List.of(Path.of("from-x"), Path.of("edge"))),
                    Duration.ofSeconds(10));
            publisher.publish("near", new BroadcastProducer().hops(List.of(9L)).consume());
            assertThat(plain.subscribe("near", Duration.ofSeconds(10))).isNotNull();
            assertThat(viaX.subscribe("near", Duration.ofSeconds(10))).isNotNull();

            List<Path> held = a.relay.broadcasts();
            System.out.printf("[hops %s] relay holds %s; ignored %d%n", v, held, a.relay.loopsIgnored());
            assertThat(held).as("32 hops or more are not relayed").doesNotContain(Path.of("far"));
            assertThat(plain.subscribe("from-x", Duration.ofSeconds(5))).isNotNull();
            assertThat(a.relay.loopsIgnored()).as("far").isEqualTo(1);
            if (v == Version.LITE_03) {
                assertThat(held).as("lite-03 carries no ids: a loop cannot be told").contains(Path.of("loop"));
                assertThat(viaX.subscribe("from-x", Duration.ofSeconds(5))).as("lite-03 has no Exclude Hop").isNotNull();
            } else {
                // the relay's session asks the publisher to exclude the relay's id, and Parley's publisher does
                assertThat(held).as("its own id in the hop list").doesNotContain(Path.of("loop"));
                assertThatThrownBy(() -> viaX.subscribe("from-x", Duration.ofMillis(500))).as("Exclude Hop X leaves it out")
                        .isInstanceOf(MoqException.class).hasMessageContaining("not announced");
            }
        }
    }

    /**
     * A raw lite-04/05 publisher that ignores the relay's Exclude Hop: the relay still does not take an
     * announce whose hop list holds its own id, and takes the one beside it.
     */
    @ParameterizedTest
    @EnumSource(value = Version.class, names = {"LITE_04", "LITE_05"})
    void anAnnounceCarryingTheRelaysOwnIdIsNotTakenEvenWhenThePeerIgnoresExcludeHop(Version v) throws Exception {
        try (RelayFixture a = relay(v)) {
            long own = a.relay.originId();
            QmuxConnection raw = a.wsConnection("/", List.of(v.alpn()));
            StreamDecoder d = null;
            BidiStream announce = null;
            for (int i = 0; i < 5 && announce == null; i++) { // the relay may open its probe stream first
                BidiStream s = raw.acceptBidi();
                d = new StreamDecoder(WireLimits.DEFAULT);
                if (read(s.recv(), d, Grammars.streamType(true, v)) == StreamType.ANNOUNCE) {
                    announce = s;
                }
            }
            assertThat(announce).as("the relay opens an announce stream").isNotNull();
            AnnouncePlease please = read(announce.recv(), d, Grammars.announcePlease(v));
            assertThat(please.excludeHop()).as("the relay asks to leave out what came through it").isEqualTo(own);
            if (v.setup()) {
                announce.send().write(Messages.encode(new AnnounceOk(77, 2), v));
            }
            announce.send().write(Messages.encode(dev.parley.net.moq.wire.Announce.active("loop", List.of(5L, own)), v));
            announce.send().write(Messages.encode(dev.parley.net.moq.wire.Announce.active("fine", List.of(5L)), v));
            announce.send().flush();
            waitUntil("fine at the relay", () -> a.relay.broadcasts().contains(Path.of("fine")), Duration.ofSeconds(10));
            assertThat(a.relay.broadcasts()).doesNotContain(Path.of("loop"));
            assertThat(a.relay.loopsIgnored()).isEqualTo(1);
            raw.close();
        }
    }

    private static <T> T read(RecvStream s, StreamDecoder d, Grammar<T> g) throws InterruptedException {
        byte[] b = new byte[1];
        while (true) {
            T item = d.poll(g);
            if (item != null) {
                return item;
            }
            int n = s.read(b, 0, 1);
            if (n < 0) {
                d.finish();
                return null;
            }
            d.feed(b, 0, n);
        }
    }
}
