package dev.parley.net.moq.session;

import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.MoqError;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.wire.Announce;
import dev.parley.net.moq.wire.Frame;
import dev.parley.net.moq.wire.Grammars;
import dev.parley.net.moq.wire.GroupHeader;
import dev.parley.net.moq.wire.Messages;
import dev.parley.net.moq.wire.Probe;
import dev.parley.net.moq.wire.StreamDecoder;
import dev.parley.net.moq.wire.StreamType;
import dev.parley.net.moq.wire.Subscribe;
import dev.parley.net.moq.wire.SubscribeOk;
import dev.parley.net.moq.wire.WireWriter;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.PathStats;
import dev.parley.net.transport.RecvStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static dev.parley.net.moq.session.RawPeer.hex;
import static dev.parley.net.moq.session.RawPeer.read;
import static dev.parley.net.moq.session.RawPeer.readExactly;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link MoqSession} serving a peer that speaks raw bytes, over the in-memory connection double: the
 * exact lite-03 bytes the npm client sends and expects, and the error paths real QUIC cannot trigger
 * on demand.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SessionWireTest {
    private MemoryConnection raw;
    private MemoryConnection served;
    private MoqSession session;
    private BroadcastProducer demo;
    private TrackProducer catalog;

    @BeforeEach
    void setUp() {
        MemoryConnection[] pair = MemoryConnection.pair();
        raw = pair[0];
        served = pair[1];
        session = MoqSession.start(served, SessionConfig.DEFAULT.withLimits(64, 16, 2));
        demo = new BroadcastProducer();
        catalog = demo.createTrack(new TrackInfo("catalog.json", 100));
        session.publish("demo", demo.consume());
    }

    @AfterEach
    void tearDown() {
        session.close();
    }

    @Test
    void announcesLikeTheNpmClientExpects() throws Exception {
        BidiStream s = raw.openBidi();
        s.send().write(hex("01 01 00"));
        assertThat(readExactly(s.recv(), 8)).isEqualTo(hex("07 01 04 64656d6f 00"));

        demo.close(); // ended
        assertThat(readExactly(s.recv(), 8)).isEqualTo(hex("07 00 04 64656d6f 00"));

        session.close(0, "bye"); // FIN when closing
        assertThat(RawPeer.readToEnd(s.recv())).isEmpty();
    }

    @Test
    void announcesOnlyUnderThePrefixWithRelativeSuffixes() throws Exception {
        BroadcastProducer alice = new BroadcastProducer();
        session.publish("room/alice.hang", alice.consume());
        BidiStream s = raw.openBidi();
        WireWriter w = new WireWriter().varint(1);
        Messages.encode(new dev.parley.net.moq.wire.AnnouncePlease("room"), w);
        s.send().write(w.toByteArray());
        StreamDecoder d = RawPeer.decoder();
        assertThat(read(s.recv(), d, Grammars.announces())).isEqualTo(Announce.active("alice.hang"));
        alice.close();
        assertThat(read(s.recv(), d, Grammars.announces())).isEqualTo(Announce.ended("alice.hang"));
    }

    @Test
    void subscribeGetsExactlyOneOkThenGroupStreams() throws Exception {
        BidiStream s = raw.openBidi();
        byte[] subscribe = concat(hex("02 18 00 04"), ascii("demo"), hex("0c"), ascii("catalog.json"), hex("64 00 00 00 00"));
        s.send().write(subscribe);
        assertThat(readExactly(s.recv(), 7)).isEqualTo(hex("00 05 64 00 00 00 00"));
        awaitTrue(() -> session.servedSubscriptions() == 1);

        GroupProducer g = catalog.appendGroup();
        g.writeFrame(concat(hex("00"), ascii("key")));
        g.writeFrame(new byte[0]);
        g.close();

        RecvStream group = raw.acceptUni();
        assertThat(RawPeer.readToEnd(group)).isEqualTo(concat(hex("00 02 00 00"), hex("04 00"), ascii("key"), hex("00")));

        catalog.close(); // track ends: the subscribe stream FINs with nothing after the single OK
        assertThat(RawPeer.readToEnd(s.recv())).isEmpty();
    }

    @Test
    void unknownBroadcastOrTrackResetsOnlyThatStream() throws Exception {
        BidiStream s = raw.openBidi();
        s.send().write(subscribeBytes(Subscribe.live(0, "nope", "catalog.json", 1)));
        assertThat(RawPeer.resetCode(s.recv())).isEqualTo(MoqError.NOT_FOUND.wireCode());
        BidiStream t = raw.openBidi();
        t.send().write(subscribeBytes(Subscribe.live(1, "demo", "video", 1)));
        assertThat(RawPeer.resetCode(t.recv())).isEqualTo(MoqError.NOT_FOUND.wireCode());
        assertStillServing();
    }

    @Test
    void unknownStreamTypeIsResetWithoutHarmingTheSession() throws Exception {
        for (int type : new int[]{0, 3, 5, 0x3f}) {
            BidiStream s = raw.openBidi();
            s.send().write(new byte[]{(byte) type});
            assertThat(RawPeer.resetCode(s.recv())).isEqualTo(MoqError.UNEXPECTED_STREAM.wireCode());
        }
        assertThat(session.isClosed()).isFalse();
        assertStillServing();
    }

    @Test
    void garbageOnASubscribeStreamResetsItWithDecode() throws Exception {
        BidiStream s = raw.openBidi();
        s.send().write(hex("02 03 00 01 ff")); // string of length 1 that is not UTF-8
        assertThat(RawPeer.resetCode(s.recv())).isEqualTo(MoqError.DECODE.wireCode());
        assertThat(served.stopsSent).containsEntry(s.id(), MoqError.DECODE.wireCode());
        BidiStream big = raw.openBidi();
        big.send().write(hex("02 bfffffff")); // a 1 GiB message is refused from its length
        assertThat(RawPeer.resetCode(big.recv())).isEqualTo(MoqError.BOUNDS_EXCEEDED.wireCode());
        assertStillServing();
    }

    @Test
    void subscriptionLimitResetsTheExtraOne() throws Exception {
        BidiStream a = raw.openBidi();
        a.send().write(subscribeBytes(Subscribe.live(0, "demo", "catalog.json", 1)));
        readExactly(a.recv(), 7);
        BidiStream b = raw.openBidi();
        b.send().write(subscribeBytes(Subscribe.live(1, "demo", "catalog.json", 1)));
        readExactly(b.recv(), 7);
        BidiStream c = raw.openBidi();
        c.send().write(subscribeBytes(Subscribe.live(2, "demo", "catalog.json", 1)));
        assertThat(RawPeer.resetCode(c.recv())).isEqualTo(MoqError.BOUNDS_EXCEEDED.wireCode());
        // closing one frees a slot
        a.send().finish();
        awaitTrue(() -> session.servedSubscriptions() == 1);
        BidiStream d = raw.openBidi();
        d.send().write(subscribeBytes(Subscribe.live(3, "demo", "catalog.json", 1)));
        assertThat(readExactly(d.recv(), 7)).isEqualTo(Messages.encode(SubscribeOk.interop(1)));
    }

    @Test
    void unsubscribingByFinStopsGroupsAndResetsTheOnesInFlight() throws Exception {
        BidiStream s = raw.openBidi();
        s.send().write(subscribeBytes(Subscribe.live(0, "demo", "catalog.json", 1)));
        readExactly(s.recv(), 7);
        awaitTrue(() -> session.servedSubscriptions() == 1);
        GroupProducer open = catalog.appendGroup();
        open.writeFrame(ascii("first"));
        RecvStream inFlight = raw.acceptUni();
        readExactly(inFlight, 4 + 1 + 5);
        s.send().finish();
        assertThat(RawPeer.resetCode(inFlight)).isEqualTo(MoqError.CANCEL.wireCode());
        awaitTrue(() -> session.servedSubscriptions() == 0);
    }

    @Test
    void groupStreamsArePrioritisedByTrackThenNewestGroup() throws Exception {
        TrackProducer audio = demo.createTrack(new TrackInfo("audio", TrackInfo.PRIORITY_AUDIO));
        TrackProducer video = demo.createTrack(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
        BidiStream a = raw.openBidi();
        a.send().write(subscribeBytes(Subscribe.live(0, "demo", "audio", 0)));
        BidiStream v = raw.openBidi();
        v.send().write(subscribeBytes(Subscribe.live(1, "demo", "video", 0)));
        readExactly(a.recv(), 7);
        readExactly(v.recv(), 7);
        awaitTrue(() -> session.servedSubscriptions() == 2);
        GroupProducer v0 = video.createGroup(0);
        v0.writeFrame(ascii("v0")); // a group's stream opens with its first frame
        RecvStream sv0 = raw.acceptUni();
        GroupProducer v1 = video.createGroup(1);
        v1.writeFrame(ascii("v1")); // a group's stream opens with its first frame
        RecvStream sv1 = raw.acceptUni();
        GroupProducer a0 = audio.createGroup(0);
        a0.writeFrame(ascii("a0")); // a group's stream opens with its first frame
        RecvStream sa0 = raw.acceptUni();
        awaitTrue(() -> served.priorities.size() == 3);
        long pv0 = served.priorities.get(sv0.id());
        long pv1 = served.priorities.get(sv1.id());
        long pa0 = served.priorities.get(sa0.id());
        assertThat(pv1).isGreaterThan(pv0);
        assertThat(pa0).isGreaterThan(pv1);
        // the subscriber's priority dominates and sits in the top byte that band-only bindings read
        a0.close();
        a.send().finish(); // frees a subscription slot (the limit is 2 here)
        awaitTrue(() -> session.servedSubscriptions() == 1);
        BidiStream hi = raw.openBidi();
        hi.send().write(subscribeBytes(Subscribe.live(2, "demo", "video", 200)));
        readExactly(hi.recv(), 7);
        awaitTrue(() -> session.servedSubscriptions() == 2);
        GroupProducer v2 = video.createGroup(2);
        awaitTrue(() -> served.priorities.values().stream().anyMatch(p -> p >>> 48 == 200));
        assertThat(pa0 >>> 48).isZero();
        v2.close();
        v0.close();
        v1.close();
    }

    @Test
    void aGroupStillBeingSentWhenANewerOneStartsYieldsToItAndIsResetWithOldAfterTheGrace() throws Exception {
        TrackProducer video = demo.createTrack(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
        BidiStream v = raw.openBidi();
        v.send().write(subscribeBytes(Subscribe.live(0, "demo", "video", TrackInfo.PRIORITY_VIDEO)));
        readExactly(v.recv(), 7);
        awaitTrue(() -> session.servedSubscriptions() == 1);
        GroupProducer g0 = video.appendGroup();
        g0.writeFrame(ascii("key0"));
        RecvStream s0 = raw.acceptUni();
        readExactly(s0, 4 + 1 + 4);
        awaitTrue(() -> served.priorities.containsKey(s0.id()));
        assertThat(served.priorities.get(s0.id()) >>> 48).isEqualTo(TrackInfo.PRIORITY_VIDEO);

        long start = System.nanoTime();
        GroupProducer g1 = video.appendGroup();
        g1.writeFrame(ascii("key1"));
        g1.close();
        RecvStream s1 = raw.acceptUni();
        byte[] newer = RawPeer.readToEnd(s1); // the newer group arrives whole, with a FIN
        assertThat(new String(newer, 4 + 1, 4, StandardCharsets.US_ASCII)).isEqualTo("key1");
        awaitTrue(() -> served.priorities.get(s0.id()) >>> 48 == TrackInfo.PRIORITY_VIDEO - 32);
        assertThat(served.priorities.get(s1.id()) >>> 48).isEqualTo(TrackInfo.PRIORITY_VIDEO);

        assertThat(RawPeer.resetCode(s0)).isEqualTo(MoqError.OLD.wireCode());
        assertThat(System.nanoTime() - start).as("not before the grace")
                .isGreaterThanOrEqualTo(SessionConfig.DEFAULT.staleGroupGrace().toNanos() - TimeUnit.MILLISECONDS.toNanos(20));
        assertThat(g0.isEnded()).as("only this subscriber's copy is dropped, not the producer's group").isFalse();
        assertStillServing();
    }

    @Test
    void anAbortedGroupOrTrackIsResetWithItsCode() throws Exception {
        BidiStream s = raw.openBidi();
        s.send().write(subscribeBytes(Subscribe.live(0, "demo", "catalog.json", 1)));
        readExactly(s.recv(), 7);
        awaitTrue(() -> session.servedSubscriptions() == 1);
        GroupProducer g = catalog.appendGroup();
        g.writeFrame(ascii("partial"));
        RecvStream u = raw.acceptUni();
        g.abort(dev.parley.net.moq.model.MoqException.app(3, "encoder died"));
        assertThat(RawPeer.resetCode(u)).isEqualTo(64 + 3);
        catalog.abort(MoqError.CACHE_FULL);
        assertThat(RawPeer.resetCode(s.recv())).isEqualTo(MoqError.CACHE_FULL.wireCode());
    }

    @Test
    void theInboundStreamLimitResetsTheExtraStream() throws Exception {
        MemoryConnection[] pair = MemoryConnection.pair();
        MoqSession limited = MoqSession.start(pair[1], SessionConfig.DEFAULT.withLimits(2, 16, 16));
        try {
            limited.publish("demo", demo.consume());
            BidiStream a = pair[0].openBidi();
            a.send().write(hex("01 01 00"));
            BidiStream b = pair[0].openBidi();
            b.send().write(hex("01 01 00"));
            readExactly(a.recv(), 8);
            readExactly(b.recv(), 8);
            BidiStream c = pair[0].openBidi();
            try {
                c.send().write(hex("01 01 00"));
            } catch (dev.parley.net.transport.StreamResetException e) {
                assertThat(e.code()).isEqualTo(MoqError.BOUNDS_EXCEEDED.wireCode()); // refused on arrival
            }
            assertThat(RawPeer.resetCode(c.recv())).isEqualTo(MoqError.BOUNDS_EXCEEDED.wireCode());
            a.send().reset(0); // a served stream ends: its slot frees up
            awaitTrue(() -> {
                try {
                    BidiStream d = pair[0].openBidi();
                    d.send().write(hex("01 01 00"));
                    byte[] got = new byte[8];
                    return d.recv().read(got, 0, 8) > 0;
                } catch (dev.parley.net.transport.StreamResetException e) {
                    return false;
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
        } finally {
            limited.close();
        }
    }

    @Test
    void probeStreamCarriesDeliveryRateInBitsAndIsNeverReset() throws Exception {
        BidiStream p = raw.openBidi();
        p.send().write(hex("04"));
        served.setPathStats(stats(125_000)); // 1 Mbit/s
        StreamDecoder d = RawPeer.decoder();
        assertThat(read(p.recv(), d, Grammars.probes())).isEqualTo(new Probe(1_000_000));
        served.setPathStats(stats(250_000));
        assertThat(read(p.recv(), d, Grammars.probes())).isEqualTo(new Probe(2_000_000));
        // garbage from the subscriber does not reset our half of the probe stream
        p.send().write(hex("05 ff"));
        served.setPathStats(stats(1_000_000));
        assertThat(read(p.recv(), d, Grammars.probes())).isEqualTo(new Probe(8_000_000));
        assertThat(served.resetsSent).doesNotContainKey(p.id());
    }

    @Test
    void groupForAnUnknownSubscriptionClosesTheSession() throws Exception {
        var u = raw.openUni();
        u.write(concat(hex("00"), Messages.encode(new GroupHeader(5, 0))));
        CloseReason reason = session.closed().get(10, TimeUnit.SECONDS);
        assertThat(reason).isEqualTo(new CloseReason.Local(MoqError.PROTOCOL_VIOLATION.wireCode(),
                "group for unknown subscription 5"));
    }

    @Test
    void closedReportsLocalAndRemoteCloses() throws Exception {
        raw.close(42, "done");
        assertThat(session.closed().get(10, TimeUnit.SECONDS)).isEqualTo(new CloseReason.Remote(42, "done"));
    }

    private void assertStillServing() throws Exception {
        BidiStream s = raw.openBidi();
        s.send().write(hex("01 01 00"));
        assertThat(readExactly(s.recv(), 8)).isEqualTo(hex("07 01 04 64656d6f 00"));
    }

    private static PathStats stats(long deliveryRate) {
        PathStats e = PathStats.empty(null, false);
        return new PathStats(Instant.now(), null, false, Duration.ofMillis(1), Duration.ofMillis(1), 10_000,
                deliveryRate, 0, 0, 0, 0, 0, 0);
    }

    static byte[] subscribeBytes(Subscribe s) {
        WireWriter w = new WireWriter().varint(StreamType.SUBSCRIBE.code());
        Messages.encode(s, w);
        return w.toByteArray();
    }

    static void awaitTrue(BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static {
        // Frame is referenced for its size prefix in other tests; keep the import honest here.
        Frame.header(0);
    }
}
