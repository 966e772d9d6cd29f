package dev.parley.net.moq.session;

import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.MoqError;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.PathStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static dev.parley.net.moq.session.SessionWireTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Two {@link MoqSession}s talking to each other over the in-memory connection pair. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SessionPairTest {
    private MemoryConnection clientConn;
    private MemoryConnection serverConn;
    private MoqSession client;
    private MoqSession server;

    @BeforeEach
    void setUp() {
        MemoryConnection[] pair = MemoryConnection.pair();
        clientConn = pair[0];
        serverConn = pair[1];
        client = MoqSession.start(clientConn);
        server = MoqSession.start(serverConn);
    }

    @AfterEach
    void tearDown() {
        client.close();
        server.close();
    }

    @Test
    void subscriberReceivesEveryFrameOfManyGroupsInBothDirections() throws Exception {
        for (MoqSession[] roles : new MoqSession[][]{{server, client}, {client, server}}) {
            BroadcastProducer cam = new BroadcastProducer();
            TrackProducer video = cam.createTrack(new TrackInfo("video/hd", TrackInfo.PRIORITY_VIDEO));
            roles[0].publish("room/cam.hang", cam.consume());

            BroadcastConsumer remote = roles[1].subscribe("room/cam.hang");
            TrackConsumer track = remote.subscribe(new TrackInfo("video/hd", TrackInfo.PRIORITY_VIDEO))
                    .maxLatency(Duration.ofSeconds(30));
            awaitTrue(() -> roles[0].servedSubscriptions() == 1);

            // paced like a live source: each group is read before the next one is produced
            int groups = 60;
            for (int g = 0; g < groups; g++) {
                GroupProducer gp = video.appendGroup();
                for (int f = 0; f < 5; f++) {
                    gp.writeFrame(frame(g, f, f == 0 ? 60_000 : 10_000));
                }
                gp.close();
                GroupConsumer gc = track.nextGroup();
                assertThat(gc.sequence()).isEqualTo(g);
                for (int f = 0; f < 5; f++) {
                    assertThat(gc.readFrame()).isEqualTo(frame(g, f, f == 0 ? 60_000 : 10_000));
                }
                assertThat(gc.readFrame()).isNull();
            }
            // a burst: groups may arrive out of order, a live reader may skip some, but never goes
            // backwards, every frame it gets is intact, and the newest group always arrives
            for (int g = groups; g < groups + 30; g++) {
                GroupProducer gp = video.appendGroup();
                gp.writeFrame(frame(g, 0, 2_000));
                gp.close();
            }
            long last = groups - 1;
            while (last < groups + 29) {
                GroupConsumer gc = track.nextGroup();
                assertThat(gc.sequence()).isGreaterThan(last);
                last = gc.sequence();
                assertThat(gc.readFrame()).isEqualTo(frame((int) last, 0, 2_000));
            }
            video.close();
            assertThat(track.nextGroup()).isNull();
            track.close();
            remote.close();
            cam.close();
        }
    }

    @Test
    void closingTheLastTrackConsumerUnsubscribes() throws Exception {
        BroadcastProducer b = new BroadcastProducer();
        TrackProducer t = b.createTrack(new TrackInfo("chat", TrackInfo.PRIORITY_CHAT));
        server.publish("b", b.consume());
        BroadcastConsumer remote = client.subscribe("b");
        TrackConsumer first = remote.subscribe(new TrackInfo("chat", 90));
        TrackConsumer second = remote.subscribe(new TrackInfo("chat", 90)); // shares one wire subscription
        awaitTrue(() -> server.servedSubscriptions() == 1);
        t.appendGroupWithFrame("hi".getBytes());
        assertThat(first.nextGroup().readFrame()).isEqualTo("hi".getBytes());
        assertThat(second.nextGroup().readFrame()).isEqualTo("hi".getBytes());
        assertThat(server.servedSubscriptions()).isEqualTo(1);
        first.close();
        Thread.sleep(50);
        assertThat(server.servedSubscriptions()).isEqualTo(1);
        second.close();
        awaitTrue(() -> server.servedSubscriptions() == 0);
        // a new subscriber starts a new subscription (with a new id)
        TrackConsumer third = remote.subscribe(new TrackInfo("chat", 90));
        awaitTrue(() -> server.servedSubscriptions() == 1);
        assertThat(third.nextGroup().readFrame()).isEqualTo("hi".getBytes()); // served from the latest group
        t.appendGroupWithFrame("again".getBytes());
        assertThat(third.nextGroup().readFrame()).isEqualTo("again".getBytes());
    }

    @Test
    void endedBroadcastEndsRemoteTracksAndUnknownNamesTimeOut() throws Exception {
        BroadcastProducer b = new BroadcastProducer();
        TrackProducer produced = b.createTrack(new TrackInfo("t", 1));
        server.publish("x", b.consume());
        BroadcastConsumer remote = client.subscribe("x");
        TrackConsumer t = remote.subscribe(new TrackInfo("t", 1));
        // a delivered group proves the served subscription is set up: closing the broadcast while the
        // publisher is still inside broadcast.subscribe() would reset it with CLOSED instead of a FIN
        produced.appendGroupWithFrame("first".getBytes());
        assertThat(t.nextGroup().readFrame()).isEqualTo("first".getBytes());
        b.close();
        assertThat(t.nextGroup()).isNull();
        remote.closed().get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> client.subscribe("x", Duration.ofMillis(200)))
                .isInstanceOf(MoqException.class)
                .satisfies(e -> assertThat(((MoqException) e).error()).isEqualTo(MoqError.NOT_FOUND));
    }

    @Test
    void missingTrackFailsTheSubscriberWithNotFound() throws Exception {
        BroadcastProducer b = new BroadcastProducer();
        server.publish("x", b.consume());
        TrackConsumer t = client.subscribe("x").subscribe(new TrackInfo("nope", 1));
        assertThatThrownBy(t::nextGroup).isInstanceOf(MoqException.class)
                .satisfies(e -> assertThat(((MoqException) e).error()).isEqualTo(MoqError.NOT_FOUND));
    }

    @Test
    void trackShortcutSubscribesAndUnsubscribes() throws Exception {
        BroadcastProducer b = new BroadcastProducer();
        TrackProducer t = b.createTrack(new TrackInfo("audio/data", TrackInfo.PRIORITY_AUDIO));
        server.publish("p", b.consume());
        TrackConsumer audio = client.subscribe("p", new TrackInfo("audio/data", TrackInfo.PRIORITY_AUDIO));
        awaitTrue(() -> server.servedSubscriptions() == 1);
        t.appendGroupWithFrame(new byte[]{1, 2, 3});
        assertThat(audio.nextGroup().readFrame()).containsExactly(1, 2, 3);
        audio.close();
        awaitTrue(() -> server.servedSubscriptions() == 0);
    }

    @Test
    void theSubscriberSeesTheProbeEstimate() throws Exception {
        serverConn.setPathStats(new PathStats(Instant.now(), null, false, Duration.ofMillis(1), Duration.ofMillis(1),
                10_000, 312_500, 0, 0, 0, 0, 0, 0));
        awaitTrue(() -> client.probeEstimate().isPresent());
        assertThat(client.probeEstimate().getAsLong()).isEqualTo(2_500_000);
    }

    @Test
    void sessionEndAbortsRemoteTracksAndReportsTheReason() throws Exception {
        BroadcastProducer b = new BroadcastProducer();
        b.createTrack(new TrackInfo("t", 1));
        server.publish("x", b.consume());
        TrackConsumer t = client.subscribe("x").subscribe(new TrackInfo("t", 1));
        awaitTrue(() -> server.servedSubscriptions() == 1);
        serverConn.fail("idle timeout");
        assertThatThrownBy(t::nextGroup).isInstanceOf(MoqException.class);
        assertThat(client.closed().get(10, TimeUnit.SECONDS)).isEqualTo(new CloseReason.TransportError("idle timeout"));
        assertThat(server.closed().get(10, TimeUnit.SECONDS)).isInstanceOf(CloseReason.TransportError.class);
        assertThatThrownBy(() -> client.subscribe("x", Duration.ofSeconds(5))).isInstanceOf(MoqException.class)
                .satisfies(e -> assertThat(((MoqException) e).error()).isEqualTo(MoqError.TRANSPORT));
    }

    static byte[] frame(int group, int index, int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) (group * 31 + index));
        b[0] = (byte) group;
        b[1] = (byte) index;
        return b;
    }
}
