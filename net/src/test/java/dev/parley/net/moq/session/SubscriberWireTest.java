package dev.parley.net.moq.session;

import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.MoqError;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.wire.Announce;
import dev.parley.net.moq.wire.AnnouncePlease;
import dev.parley.net.moq.wire.Grammars;
import dev.parley.net.moq.wire.GroupHeader;
import dev.parley.net.moq.wire.Messages;
import dev.parley.net.moq.wire.StreamDecoder;
import dev.parley.net.moq.wire.StreamType;
import dev.parley.net.moq.wire.Subscribe;
import dev.parley.net.moq.wire.SubscribeDrop;
import dev.parley.net.moq.wire.SubscribeOk;
import dev.parley.net.moq.wire.SubscribeRequest;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.SendStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static dev.parley.net.moq.session.RawPeer.hex;
import static dev.parley.net.moq.session.RawPeer.read;
import static dev.parley.net.moq.session.SessionWireTest.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The subscriber role of a {@link MoqSession} against a raw-bytes publisher (the in-memory double). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SubscriberWireTest {
    private MemoryConnection raw;
    private MoqSession session;
    private BidiStream announces;
    private StreamDecoder announceIn;

    @BeforeEach
    void setUp() throws Exception {
        MemoryConnection[] pair = MemoryConnection.pair();
        raw = pair[1];
        session = MoqSession.start(pair[0], SessionConfig.DEFAULT.withLimits(64, 2, 16));
        // the session opens its Announce stream with prefix "" (and a Probe stream) right away
        while (true) {
            BidiStream s = raw.acceptBidi();
            StreamDecoder d = RawPeer.decoder();
            StreamType t = read(s.recv(), d, Grammars.streamType(true));
            if (t == StreamType.ANNOUNCE) {
                assertThat(read(s.recv(), d, Grammars.announcePlease())).isEqualTo(new AnnouncePlease(""));
                announces = s;
                announceIn = d;
                return;
            }
        }
    }

    @AfterEach
    void tearDown() {
        session.close();
    }

    private void announce(Announce a) {
        announces.send().write(Messages.encode(a));
    }

    /** Accepts the next Subscribe stream the session opens and answers SUBSCRIBE_OK. */
    private BidiStream acceptSubscribe(Subscribe[] out) throws Exception {
        while (true) {
            BidiStream s = raw.acceptBidi();
            StreamDecoder d = RawPeer.decoder();
            if (read(s.recv(), d, Grammars.streamType(true)) == StreamType.SUBSCRIBE) {
                SubscribeRequest r = read(s.recv(), d, Grammars.subscribeRequests());
                out[0] = (Subscribe) r;
                s.send().write(Messages.encode(SubscribeOk.interop(out[0].priority())));
                return s;
            }
        }
    }

    @Test
    void groupsArriveOutOfOrderAndEmptyFramesSurvive() throws Exception {
        announce(Announce.active("live/cam"));
        BroadcastConsumer b = session.subscribe("live/cam", Duration.ofSeconds(10));
        TrackConsumer t = b.subscribe(new TrackInfo("video", 60)).maxLatency(Duration.ofSeconds(30));
        Subscribe[] sub = new Subscribe[1];
        acceptSubscribe(sub);
        assertThat(sub[0]).isEqualTo(Subscribe.live(0, "live/cam", "video", 60));

        SendStream g1 = raw.openUni();
        g1.write(concat(hex("00"), Messages.encode(new GroupHeader(0, 1)), hex("02 6869 00")));
        g1.finish();
        GroupConsumer first = t.nextGroup();
        assertThat(first.sequence()).isEqualTo(1);
        assertThat(first.readFrame()).isEqualTo("hi".getBytes());
        assertThat(first.readFrame()).isEmpty();
        assertThat(first.readFrame()).isNull();
        // a late, older group is tolerated (and skipped by this live reader); a newer one arrives
        SendStream g0 = raw.openUni();
        g0.write(concat(hex("00"), Messages.encode(new GroupHeader(0, 0)), hex("01 61")));
        g0.finish();
        SendStream g5 = raw.openUni();
        g5.write(concat(hex("00"), Messages.encode(new GroupHeader(0, 5)), hex("01 62")));
        g5.finish();
        GroupConsumer next = t.nextGroup();
        assertThat(next.sequence()).isEqualTo(5);
        assertThat(next.readFrame()).isEqualTo("b".getBytes());
        assertThat(session.isClosed()).isFalse();
    }

    @Test
    void aGroupStalledBehindANewerOneIsSkippedByItsReaderThenStoppedWithOldAndAborted() throws Exception {
        announce(Announce.active("live/cam"));
        TrackConsumer t = session.subscribe("live/cam", Duration.ofSeconds(10)).subscribe(new TrackInfo("video", 60));
        Subscribe[] sub = new Subscribe[1];
        acceptSubscribe(sub);
        SendStream g0 = raw.openUni();
        g0.write(concat(hex("00"), Messages.encode(new GroupHeader(0, 0)), hex("01 61")));
        GroupConsumer stalled = t.nextGroup(Duration.ofSeconds(5));
        assertThat(stalled.readFrameUnlessSuperseded(Duration.ofSeconds(5))).isEqualTo("a".getBytes());
        // group 0's stream never goes on (its packets lost for good); group 1 arrives whole
        long start = System.nanoTime();
        SendStream g1 = raw.openUni();
        g1.write(concat(hex("00"), Messages.encode(new GroupHeader(0, 1)), hex("01 62")));
        g1.finish();
        assertThat(stalled.readFrameUnlessSuperseded(Duration.ofSeconds(5))).as("given up, not waited on").isNull();
        assertThat(stalled.isSuperseded()).isTrue();
        GroupConsumer next = t.nextGroup(Duration.ofSeconds(5));
        assertThat(next.sequence()).isEqualTo(1);
        assertThat(next.readFrameUnlessSuperseded(Duration.ofSeconds(5))).isEqualTo("b".getBytes());
        assertThat(System.nanoTime() - start).as("the reader moved on long before the grace")
                .isLessThan(SessionConfig.DEFAULT.staleGroupGrace().toNanos());

        MemoryConnection mine = (MemoryConnection) session.connection();
        SessionWireTest.awaitTrue(() -> mine.stopsSent.containsKey(g0.id()));
        assertThat(mine.stopsSent.get(g0.id())).isEqualTo(MoqError.OLD.wireCode());
        assertThat(mine.stopsSent).as("the complete newer group is left alone").doesNotContainKey(g1.id());
        assertThatThrownBy(() -> stalled.copy().readFrame(Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.error()).isEqualTo(MoqError.OLD));
        assertThat(session.isClosed()).isFalse();
    }

    @Test
    void groupsForAClosedSubscriptionAreStoppedNotFatal() throws Exception {
        announce(Announce.active("x"));
        TrackConsumer t = session.subscribe("x").subscribe(new TrackInfo("t", 1));
        Subscribe[] sub = new Subscribe[1];
        BidiStream s = acceptSubscribe(sub);
        t.close(); // unused: the session FINs its half and stops ours
        assertThat(RawPeer.readToEnd(s.recv())).isEmpty();
        SendStream late = raw.openUni();
        late.write(concat(hex("00"), Messages.encode(new GroupHeader(sub[0].id(), 3)), hex("01 61")));
        SessionWireTest.awaitTrue(() -> session.connection() instanceof MemoryConnection m && m.stopsSent.containsKey(late.id()));
        assertThat(((MemoryConnection) session.connection()).stopsSent.get(late.id())).isEqualTo(MoqError.CANCEL.wireCode());
        assertThat(session.isClosed()).isFalse();
    }

    @Test
    void aDropOrResetFailsOnlyThatTrack() throws Exception {
        announce(Announce.active("x"));
        BroadcastConsumer b = session.subscribe("x");
        TrackConsumer dropped = b.subscribe(new TrackInfo("a", 1));
        Subscribe[] sub = new Subscribe[1];
        BidiStream s = raw.acceptBidi();
        while (true) {
            StreamDecoder d = RawPeer.decoder();
            if (read(s.recv(), d, Grammars.streamType(true)) == StreamType.SUBSCRIBE) {
                read(s.recv(), d, Grammars.subscribeRequests());
                break;
            }
            s = raw.acceptBidi();
        }
        s.send().write(Messages.encode(new SubscribeDrop(0, 0, 13)));
        assertThatThrownBy(dropped::nextGroup).isInstanceOf(MoqException.class)
                .satisfies(e -> assertThat(((MoqException) e).error()).isEqualTo(MoqError.PROTOCOL_VIOLATION));

        TrackConsumer reset = b.subscribe(new TrackInfo("b", 1));
        BidiStream s2 = acceptSubscribe(sub);
        s2.send().reset(MoqException.app(7, "gone").wireCode());
        assertThatThrownBy(reset::nextGroup).isInstanceOf(MoqException.class)
                .satisfies(e -> assertThat(((MoqException) e).appCode()).isEqualTo(7));
        assertThat(session.isClosed()).isFalse();
    }

    @Test
    void announcesEndAndTheStreamEndingEndsAll() throws Exception {
        announce(Announce.active("a"));
        announce(Announce.active("b"));
        BroadcastConsumer a = session.subscribe("a");
        BroadcastConsumer b = session.subscribe("b");
        announce(Announce.ended("a"));
        a.closed().get(10, TimeUnit.SECONDS);
        assertThat(b.isEnded()).isFalse();
        announces.send().finish();
        b.closed().get(10, TimeUnit.SECONDS);
        assertThat(session.isClosed()).isFalse();
    }

    @Test
    void tooManyAnnouncesStopTheAnnounceStreamOnly() throws Exception {
        announce(Announce.active("1"));
        announce(Announce.active("2"));
        announce(Announce.active("3")); // limit is 2 here
        assertThat(RawPeer.resetCode(announces.recv())).isEqualTo(MoqError.BOUNDS_EXCEEDED.wireCode());
        assertThat(session.isClosed()).isFalse();
    }

    @Test
    void aDoubleActiveAnnounceClosesTheSession() throws Exception {
        announce(Announce.active("a"));
        announce(Announce.active("a"));
        assertThat(session.closed().get(10, TimeUnit.SECONDS))
                .isEqualTo(new CloseReason.Local(MoqError.DUPLICATE.wireCode(), "broadcast a announced twice"));
    }

    @Test
    void anEndWithoutAStartClosesTheSession() throws Exception {
        announce(Announce.ended("ghost"));
        assertThat(session.closed().get(10, TimeUnit.SECONDS))
                .isEqualTo(new CloseReason.Local(MoqError.NOT_FOUND.wireCode(), "broadcast ghost ended without being active"));
    }
}
