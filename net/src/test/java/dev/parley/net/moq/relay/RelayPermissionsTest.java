package dev.parley.net.moq.relay;

import dev.parley.net.moq.model.MoqError;
import dev.parley.net.moq.model.Path;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.qmux.QmuxConnection;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.StreamResetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.parley.net.moq.relay.JwtScopeResolverTest.KEYS;
import static dev.parley.net.moq.relay.JwtScopeResolverTest.OTHER;
import static org.assertj.core.api.Assertions.assertThat;

/** The default resolver on a live relay: real tokens, real sessions, the codes and reasons a client sees. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RelayPermissionsTest {

    private static RelayFixture relay() {
        return new RelayFixture(new JwtScopeResolver(Optional.of(KEYS.getPublic()), List.of(), Clock.systemUTC()));
    }

    private static String token(Map<String, Object> claims, Instant exp) {
        return JwtScopeResolverTest.tokenNow(KEYS, claims, exp);
    }

    private static CloseReason.Remote closedBy(MoqSession s) throws Exception {
        CloseReason r = s.closed().get(10, TimeUnit.SECONDS);
        assertThat(r).isInstanceOf(CloseReason.Remote.class);
        return (CloseReason.Remote) r;
    }

    @Test
    void aReadOnlySessionsAnnounceIsRefusedWithUnauthorizedButItStillReads() throws Exception {
        try (RelayFixture f = relay(); RelayFixture.Feed feed = new RelayFixture.Feed(Duration.ofMillis(20), 1, 200)) {
            String rw = token(Map.of("root", "a", "put", "", "get", ""), null);
            String ro = token(Map.of("root", "a", "get", ""), null);
            MoqSession publisher = f.ws("/a?jwt=" + rw);
            publisher.publish("cam", feed.broadcast.consume());
            MoqSession reader = f.ws("/a?jwt=" + ro);
            MoqRelayTest.readGroups(reader.subscribe("cam", Duration.ofSeconds(10)), 2);

            // a read-only client (byte level, lite-03) announces: the relay resets its announce stream with 6
            QmuxConnection raw = f.wsConnection("/a?jwt=" + ro, List.of("moq-lite-03"));
            BidiStream announce = null;
            for (int i = 0; i < 4 && announce == null; i++) {
                BidiStream s = raw.acceptBidi();
                byte[] type = new byte[1];
                assertThat(s.recv().read(type, 0, 1)).isEqualTo(1);
                if (type[0] == 0x01) {
                    announce = s;
                }
            }
            assertThat(announce).as("the relay asks the client for its announces").isNotNull();
            byte[] please = new byte[2];
            assertThat(announce.recv().read(please, 0, 2)).isEqualTo(2);
            assertThat(please).isEqualTo(HexFormat.of().parseHex("0100")); // ANNOUNCE_PLEASE prefix ""
            announce.send().write(HexFormat.of().parseHex("0601036361" + "6d00")); // ANNOUNCE active "cam", 0 hops
            announce.send().flush();
            long code = -1;
            try {
                byte[] buf = new byte[64];
                while (announce.recv().read(buf, 0, buf.length) >= 0) {
                    // nothing should come
                }
            } catch (StreamResetException e) {
                code = e.code();
            }
            assertThat(code).isEqualTo(MoqError.UNAUTHORIZED.wireCode());
            assertThat(f.relay.refusals()).anyMatch(r -> r.contains("read-only") && r.contains("cam"));
            assertThat(f.relay.broadcasts()).containsExactly(Path.of("a/cam"));
            assertThat(raw.closed()).isNotDone(); // only the announce was refused

            // the same through a Parley client: nothing of it reaches the origin
            MoqSession roPublisher = f.ws("/a?jwt=" + ro);
            try (RelayFixture.Feed other = new RelayFixture.Feed(Duration.ofMillis(20), 1, 200)) {
                roPublisher.publish("other", other.broadcast.consume());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (f.relay.refusals().stream().noneMatch(r -> r.contains("other")) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(f.relay.refusals()).anyMatch(r -> r.contains("other"));
                assertThat(f.relay.broadcasts()).containsExactly(Path.of("a/cam"));
            }
        }
    }

    @Test
    void aTokenForOnePathCannotReadAnother() throws Exception {
        try (RelayFixture f = relay()) {
            String forA = token(Map.of("root", "a", "get", ""), null);
            CloseReason.Remote ws = closedBy(f.ws("/b?jwt=" + forA));
            assertThat(ws.code()).isEqualTo(RelayCodes.PROTOCOL_VIOLATION);
            assertThat(ws.reason()).contains("the token is for /a, not /b");
            // raw QUIC, lite-05: the path and token travel in SETUP
            CloseReason.Remote quic = closedBy(f.quic(Optional.of("/b?jwt=" + forA)));
            assertThat(quic.code()).isEqualTo(RelayCodes.PROTOCOL_VIOLATION);
            assertThat(quic.reason()).contains("not /b");
            // and raw QUIC without a path is the root, which needs a token too
            CloseReason.Remote bare = closedBy(f.quic(Optional.empty()));
            assertThat(bare.reason()).contains("no token");
        }
    }

    @Test
    void aGetPrefixHidesTheRestOfTheScope() throws Exception {
        try (RelayFixture f = relay(); RelayFixture.Feed alice = new RelayFixture.Feed(Duration.ofMillis(20), 1, 100);
             RelayFixture.Feed bob = new RelayFixture.Feed(Duration.ofMillis(20), 1, 100)) {
            MoqSession publisher = f.ws("/room?jwt=" + token(Map.of("root", "room", "put", "", "get", ""), null));
            publisher.publish("alice", alice.broadcast.consume());
            publisher.publish("bob", bob.broadcast.consume());
            MoqSession onlyAlice = f.ws("/room?jwt=" + token(Map.of("root", "room", "get", "alice"), null));
            MoqRelayTest.readGroups(onlyAlice.subscribe("alice", Duration.ofSeconds(10)), 1);
            try (var announced = onlyAlice.announced("")) {
                assertThat(announced.nextAnnounce(Duration.ofSeconds(2)).path()).isEqualTo(Path.of("alice"));
                MoqRelayTest.assertThatNoAnnounce(announced, Duration.ofMillis(300));
            }
        }
    }

    @Test
    void anExpiredTokenClosesTheSessionMidway() throws Exception {
        try (RelayFixture f = relay()) {
            MoqRelayTest.readGroups(warmUp(f), 1); // a first connection pays the class loading, not the timed one
            // exp is in whole seconds: at least 3 s ahead
            Instant exp = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 4);
            MoqSession s = f.ws("/a?jwt=" + token(Map.of("root", "a", "get", ""), exp));
            MoqRelayTest.awaitSessions(f.relay, 3);
            Thread.sleep(300);
            assertThat(s.isClosed()).as("open while the token is valid: %s", s.closed().getNow(null)).isFalse();
            CloseReason.Remote r = closedBy(s);
            assertThat(Instant.now()).isAfterOrEqualTo(exp.minusMillis(50));
            assertThat(r.code()).isEqualTo(MoqError.UNAUTHORIZED.wireCode());
            assertThat(r.reason()).isEqualTo("token expired");
        }
    }

    /** A publisher and a reader at /a with tokens that do not expire; returns the reader's view of "cam". */
    private static dev.parley.net.moq.model.BroadcastConsumer warmUp(RelayFixture f) throws Exception {
        RelayFixture.Feed feed = new RelayFixture.Feed(Duration.ofMillis(20), 1, 100);
        f.closeLater(feed);
        f.ws("/a?jwt=" + token(Map.of("root", "a", "put", ""), null)).publish("cam", feed.broadcast.consume());
        return f.ws("/a?jwt=" + token(Map.of("root", "a", "get", ""), null)).subscribe("cam", Duration.ofSeconds(10));
    }

    @Test
    void forgedMalformedAndMissingTokensAndBadPathsAreClosedWithProtocolViolation() throws Exception {
        try (RelayFixture f = relay()) {
            String forged = JwtScopeResolverTest.tokenNow(OTHER, Map.of("root", "a", "put", ""), null);
            for (String url : List.of("/a?jwt=" + forged, "/a?jwt=eyJhbGciOiJFZERTQSJ9.e30.AAAA", "/a?jwt=a.b.c", "/a",
                    "/a/./b?jwt=" + token(Map.of("root", "", "get", ""), null), "/a//b", "/a%2Fb")) {
                CloseReason.Remote r = closedBy(f.ws(url));
                assertThat(r.code()).as(url).isEqualTo(RelayCodes.PROTOCOL_VIOLATION);
                assertThat(r.reason()).as(url).containsAnyOf("invalid token", "no token", "invalid path");
            }
        }
    }
}
