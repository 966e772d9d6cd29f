package dev.parley.net.moq.session;

import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.MoqError;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.wire.Frame;
import dev.parley.net.moq.wire.Grammars;
import dev.parley.net.moq.wire.GroupHeader;
import dev.parley.net.moq.wire.Messages;
import dev.parley.net.moq.wire.Setup;
import dev.parley.net.moq.wire.StreamDecoder;
import dev.parley.net.moq.wire.StreamType;
import dev.parley.net.moq.wire.Subscribe;
import dev.parley.net.moq.wire.SubscribeStart;
import dev.parley.net.moq.wire.Track;
import dev.parley.net.moq.wire.TrackProperties;
import dev.parley.net.moq.wire.Version;
import dev.parley.net.moq.wire.WireLimits;
import dev.parley.net.moq.wire.WireWriter;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.RecvStream;
import dev.parley.net.transport.SendStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import static dev.parley.net.moq.session.RawPeer.read;
import static dev.parley.net.moq.session.RawPeer.readToEnd;
import static dev.parley.net.moq.session.RawPeer.resetCode;
import static dev.parley.net.moq.session.SessionWireTest.ascii;
import static org.assertj.core.api.Assertions.assertThat;

/** A lite-05 {@link MoqSession} against a peer speaking raw bytes: SETUP, TRACK, SUBSCRIBE_START and timed frames. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Lite05WireTest {
    private static final Version V = Version.LITE_05;
    private MemoryConnection raw;
    private MoqSession session;
    private TrackProducer video;

    @BeforeEach
    void setUp() {
        MemoryConnection[] pair = MemoryConnection.pair(V.alpn());
        raw = pair[0];
        session = MoqSession.start(pair[1]);
        BroadcastProducer cam = new BroadcastProducer();
        video = cam.createTrack(new TrackInfo("video", 60));
        session.publish("cam", cam.consume());
    }

    @AfterEach
    void tearDown() {
        session.close();
    }

    private static byte[] typed(StreamType type, dev.parley.net.moq.wire.Message m) {
        WireWriter w = new WireWriter().varint(type.code());
        Messages.encode(m, V, w);
        return w.toByteArray();
    }

    @Test
    void theServerSendsItsSetupAtOnceAndServesTrackInfo() throws Exception {
        assertThat(session.version()).isEqualTo(V);
        RecvStream setupStream = raw.acceptUni();
        StreamDecoder d = new StreamDecoder(WireLimits.DEFAULT);
        assertThat(read(setupStream, d, Grammars.streamType(false, V))).isEqualTo(StreamType.SETUP);
        // a server reports probes and sends no Path or Role (those are the client's)
        assertThat(read(setupStream, d, Grammars.setup(V))).isEqualTo(
                new Setup(OptionalLong.of(Setup.PROBE_REPORT), Optional.empty(), OptionalLong.empty(), OptionalLong.empty()));
        assertThat(readToEnd(setupStream)).isEmpty();

        BidiStream t = raw.openBidi();
        t.send().write(typed(StreamType.TRACK, new Track("cam", "video")));
        assertThat(readToEnd(t.recv())).isEqualTo(Messages.encode(
                new TrackProperties(0, false, Duration.ZERO, TrackProperties.MICROS), V));

        BidiStream missing = raw.openBidi();
        missing.send().write(typed(StreamType.TRACK, new Track("nope", "video")));
        assertThat(resetCode(missing.recv())).isEqualTo(MoqError.NOT_FOUND.wireCode());
    }

    @Test
    void subscribeStartsWithTheFirstGroupAndFramesCarryZigzagDeltas() throws Exception {
        BidiStream s = raw.openBidi();
        s.send().write(typed(StreamType.SUBSCRIBE, Subscribe.live(0, "cam", "video", 60)));
        SessionWireTest.awaitTrue(() -> session.servedSubscriptions() == 1);
        GroupProducer g = video.createGroup(7);
        g.writeFrame(ascii("key"), 40_000);
        g.writeFrame(ascii("b"), 20_000); // a B-frame: time goes back
        g.writeFrame(ascii("p"), 80_000);
        g.close();
        StreamDecoder d = new StreamDecoder(WireLimits.DEFAULT);
        assertThat(read(s.recv(), d, Grammars.subscribeResponses(V))).isEqualTo(new SubscribeStart(7));
        readToEnd(raw.acceptUni()); // the server's SETUP comes first
        RecvStream u = raw.acceptUni();
        StreamDecoder gd = new StreamDecoder(WireLimits.DEFAULT);
        assertThat(read(u, gd, Grammars.streamType(false, V))).isEqualTo(StreamType.GROUP);
        var grammar = Grammars.group(V);
        assertThat(read(u, gd, grammar)).isEqualTo(new GroupHeader(0, 7));
        assertThat(read(u, gd, grammar)).isEqualTo(new Frame(ascii("key"), 40_000));
        assertThat(read(u, gd, grammar)).isEqualTo(new Frame(ascii("b"), 20_000));
        assertThat(read(u, gd, grammar)).isEqualTo(new Frame(ascii("p"), 80_000));
        assertThat(read(u, gd, grammar)).isNull();
    }

    /**
     * Parley as the subscriber of a 90 kHz publisher: it opens a TRACK stream next to its SUBSCRIBE, and the
     * frame timestamps it receives (zigzag deltas in the track's timescale) reach the model in microseconds.
     */
    @Test
    void theSubscriberAsksForTrackInfoAndKeepsTimestampsInMicroseconds() throws Exception {
        StreamDecoder ad = new StreamDecoder(WireLimits.DEFAULT);
        BidiStream announce = raw.acceptBidi();
        assertThat(read(announce.recv(), ad, Grammars.streamType(true, V))).isEqualTo(StreamType.ANNOUNCE);
        assertThat(read(announce.recv(), ad, Grammars.announcePlease(V)).prefix()).isEmpty();
        announce.send().write(Messages.encode(new dev.parley.net.moq.wire.AnnounceOk(7, 1), V));
        announce.send().write(Messages.encode(dev.parley.net.moq.wire.Announce.active("radio"), V));
        announce.send().flush();

        var remote = session.subscribe("radio", Duration.ofSeconds(5));
        var track = remote.subscribe(new TrackInfo("audio", 80));
        boolean sawTrack = false;
        boolean sawSubscribe = false;
        while (!(sawTrack && sawSubscribe)) {
            BidiStream b = raw.acceptBidi();
            StreamDecoder d = new StreamDecoder(WireLimits.DEFAULT);
            StreamType type = read(b.recv(), d, Grammars.streamType(true, V));
            if (type == StreamType.TRACK) {
                assertThat(read(b.recv(), d, Grammars.track(V))).isEqualTo(new Track("radio", "audio"));
                b.send().write(Messages.encode(new TrackProperties(80, false, Duration.ZERO, 90_000), V));
                b.send().finish();
                sawTrack = true;
            } else if (type == StreamType.SUBSCRIBE) {
                assertThat(read(b.recv(), d, Grammars.subscribeRequests(V))).isInstanceOfSatisfying(Subscribe.class,
                        sub -> assertThat(sub.track()).isEqualTo("audio"));
                b.send().write(Messages.encode(new SubscribeStart(3), V));
                b.send().flush();
                sawSubscribe = true;
            } else {
                assertThat(type).as("only TRACK and SUBSCRIBE here (a PROBE may come too)").isEqualTo(StreamType.PROBE);
            }
        }
        long[] ticks = {90_000, 91_800, 90_900, 9_000_000_000L}; // 1 s, 1.02 s, back to 1.01 s, 100000 s
        SendStream g2 = raw.openUni();
        WireWriter w2 = new WireWriter().varint(StreamType.GROUP.code());
        Messages.encode(new GroupHeader(0, 4), V, w2);
        Frame.HeaderWriter h2 = new Frame.HeaderWriter(V);
        for (long t : ticks) {
            byte[] head = h2.header(1, t);
            w2.raw(head, 0, head.length).raw(new byte[]{(byte) 'x'}, 0, 1);
        }
        g2.write(w2.toByteArray());
        g2.finish();
        var group = track.nextGroup(Duration.ofSeconds(5));
        while (group.sequence() != 4) {
            group = track.nextGroup(Duration.ofSeconds(5));
        }
        long[] micros = new long[ticks.length];
        for (int i = 0; i < ticks.length; i++) {
            assertThat(group.readFrame(Duration.ofSeconds(5))).containsExactly('x');
            micros[i] = group.timestamp(i);
        }
        assertThat(micros).containsExactly(1_000_000, 1_020_000, 1_010_000, 100_000_000_000L);
    }

    /** lite-05 SUBSCRIBE_UPDATE is live: its end group caps the subscription (SUBSCRIBE_END, then FIN). */
    @Test
    void subscribeUpdateEndGroupCapsWhatIsServed() throws Exception {
        BidiStream s = raw.openBidi();
        s.send().write(typed(StreamType.SUBSCRIBE, Subscribe.live(0, "cam", "video", 60)));
        SessionWireTest.awaitTrue(() -> session.servedSubscriptions() == 1);
        s.send().write(Messages.encode(new dev.parley.net.moq.wire.SubscribeUpdate(90, false, Duration.ZERO,
                OptionalLong.empty(), OptionalLong.of(8)), V));
        s.send().flush();
        Thread.sleep(200); // bounded: let the update land before the groups (it travels on another stream)
        for (long seq = 7; seq <= 9; seq++) {
            GroupProducer g = video.createGroup(seq);
            g.writeFrame(ascii("f" + seq), seq * 1000);
            g.close();
        }
        StreamDecoder d = new StreamDecoder(WireLimits.DEFAULT);
        var grammar = Grammars.subscribeResponses(V);
        assertThat(read(s.recv(), d, grammar)).isEqualTo(new SubscribeStart(7));
        assertThat(read(s.recv(), d, grammar)).isEqualTo(new dev.parley.net.moq.wire.SubscribeEnd(9));
        assertThat(read(s.recv(), d, grammar)).as("then FIN").isNull();
        readToEnd(raw.acceptUni()); // the server's SETUP
        java.util.Set<Long> served = new java.util.TreeSet<>();
        int unused = 0; // the stream opened ahead for the next group, reset unused when the subscription ends
        while (served.size() < 2 || raw.pendingUni() > 0) {
            RecvStream u = raw.acceptUni();
            StreamDecoder gd = new StreamDecoder(WireLimits.DEFAULT);
            try {
                assertThat(read(u, gd, Grammars.streamType(false, V))).isEqualTo(StreamType.GROUP);
            } catch (dev.parley.net.transport.StreamResetException e) {
                assertThat(e.code()).isEqualTo(MoqError.CANCEL.wireCode());
                unused++;
                continue;
            }
            served.add(((GroupHeader) read(u, gd, Grammars.group(V))).sequence());
        }
        assertThat(served).as("group 9 is past the cap").containsExactly(7L, 8L);
        assertThat(unused).isLessThanOrEqualTo(1);
    }

    /** lite-05 FETCH: a cached group comes back whole with its timed frames, then FIN; a missing one is reset NOT_FOUND. */
    @Test
    void fetchServesACachedGroupWhole() throws Exception {
        GroupProducer g = video.createGroup(12);
        g.writeFrame(ascii("key"), 400_000);
        g.writeFrame(ascii("p1"), 433_333);
        g.close();
        video.createGroup(13).close(); // a newer group: 12 stays cached
        BidiStream f = raw.openBidi();
        f.send().write(typed(StreamType.FETCH, new dev.parley.net.moq.wire.Fetch("cam", "video", 60, 12)));
        f.send().finish();
        byte[] answer = readToEnd(f.recv());
        Frame.HeaderWriter h = new Frame.HeaderWriter(V);
        WireWriter expected = new WireWriter();
        byte[] k = h.header(3, 400_000);
        byte[] p = h.header(2, 433_333);
        expected.raw(k, 0, k.length).raw(ascii("key"), 0, 3).raw(p, 0, p.length).raw(ascii("p1"), 0, 2);
        assertThat(answer).isEqualTo(expected.toByteArray());

        BidiStream missing = raw.openBidi();
        missing.send().write(typed(StreamType.FETCH, new dev.parley.net.moq.wire.Fetch("cam", "video", 60, 99)));
        missing.send().finish();
        assertThat(resetCode(missing.recv())).isEqualTo(MoqError.NOT_FOUND.wireCode());
        BidiStream noBroadcast = raw.openBidi();
        noBroadcast.send().write(typed(StreamType.FETCH, new dev.parley.net.moq.wire.Fetch("nope", "video", 60, 12)));
        noBroadcast.send().finish();
        assertThat(resetCode(noBroadcast.recv())).isEqualTo(MoqError.NOT_FOUND.wireCode());
    }

    @Test
    void aSecondSetupStreamClosesTheSession() throws Exception {
        Setup client = new Setup(OptionalLong.of(0), Optional.empty(), OptionalLong.of(0), OptionalLong.empty());
        for (int i = 0; i < 2; i++) {
            SendStream u = raw.openUni();
            u.write(typed(StreamType.SETUP, client));
            try {
                u.finish();
            } catch (dev.parley.net.transport.ConnectionClosedException closedOnTheSecondHeader) {
                // the session may close as soon as it reads the second stream's type, before its FIN
                assertThat(i).isEqualTo(1);
            }
        }
        assertThat(session.closed().get(10, TimeUnit.SECONDS)).isEqualTo(
                new CloseReason.Local(MoqError.PROTOCOL_VIOLATION.wireCode(), "second Setup stream"));
    }

    @Test
    void noProbeStreamTowardsAPeerWhoseSetupOffersNone() throws Exception {
        SendStream u = raw.openUni();
        u.write(typed(StreamType.SETUP, new Setup(OptionalLong.empty(), Optional.empty(), OptionalLong.empty(), OptionalLong.empty())));
        u.finish();
        // the session opens its Announce stream; a Probe stream would follow at once if it were going to
        BidiStream a = raw.acceptBidi();
        assertThat(read(a.recv(), new StreamDecoder(WireLimits.DEFAULT), Grammars.streamType(true, V))).isEqualTo(StreamType.ANNOUNCE);
        Thread.sleep(300); // bounded: proving an absence
        assertThat(raw.pendingBidi()).isZero();
    }
}
