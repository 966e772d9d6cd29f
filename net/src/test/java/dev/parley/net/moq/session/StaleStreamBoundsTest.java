package dev.parley.net.moq.session;

import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.MoqError;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.wire.Announce;
import dev.parley.net.moq.wire.Grammars;
import dev.parley.net.moq.wire.GroupHeader;
import dev.parley.net.moq.wire.Messages;
import dev.parley.net.moq.wire.StreamDecoder;
import dev.parley.net.moq.wire.StreamType;
import dev.parley.net.moq.wire.SubscribeOk;
import dev.parley.net.moq.wire.SubscribeRequest;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.SendStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.parley.net.moq.session.RawPeer.hex;
import static dev.parley.net.moq.session.RawPeer.read;
import static dev.parley.net.moq.session.SessionWireTest.concat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under sustained loss every group stream may stall. Stale ones must be given up, or they pile up:
 * each holds a receive task, its buffered bytes and one of the peer's inbound stream slots, and once
 * the slots are used up even fresh groups are refused.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StaleStreamBoundsTest {
    private static final int SLOTS = 8;
    private static final int GROUPS = 60;
    private MoqSession session;

    @AfterEach
    void tearDown() {
        if (session != null) {
            session.close();
        }
    }

    @Test
    void groupsThatAllStallAreStoppedSoStreamsAndTheCacheStayBounded() throws Exception {
        MemoryConnection[] pair = MemoryConnection.pair();
        MemoryConnection raw = pair[1];
        session = MoqSession.start(pair[0], SessionConfig.DEFAULT.withLimits(SLOTS, 2, 4)
                .withStaleGroupGrace(Duration.ofMillis(20)));
        BidiStream announces = acceptOfType(raw, StreamType.ANNOUNCE, Grammars.announcePlease());
        announces.send().write(Messages.encode(Announce.active("cam")));
        TrackConsumer t = session.subscribe("cam", Duration.ofSeconds(10)).subscribe(new TrackInfo("video", 60));
        BidiStream sub = acceptOfType(raw, StreamType.SUBSCRIBE, Grammars.subscribeRequests());
        sub.send().write(Messages.encode(SubscribeOk.interop(60)));
        MemoryConnection mine = (MemoryConnection) session.connection();

        List<SendStream> streams = new ArrayList<>();
        for (int seq = 0; seq < GROUPS; seq++) {
            // every group gets its first frame, then its stream stalls for good
            SendStream g = raw.openUni();
            g.write(concat(hex("00"), Messages.encode(new GroupHeader(0, seq)), hex("01"), new byte[]{(byte) seq}));
            streams.add(g);
            // the session takes it (and its slot) before the next one is opened: otherwise a stream still
            // queued is not yet counted below and two could arrive for one free slot
            SessionWireTest.awaitTrue(() -> mine.pendingUni() == 0);
            if (seq >= SLOTS - 1) {
                // a slot frees once the stale stream SLOTS-1 groups back is stopped
                SendStream old = streams.get(seq - (SLOTS - 2));
                SessionWireTest.awaitTrue(() -> mine.stopsSent.containsKey(old.id()));
                // the stop is sent before its receive task ends and gives the slot back
                SessionWireTest.awaitTrue(() -> session.inboundStreams() < SLOTS);
            }
        }
        GroupConsumer newest = t.nextGroup(Duration.ofSeconds(5));
        for (int i = 0; i < GROUPS && newest.sequence() < GROUPS - 1; i++) {
            newest = t.nextGroup(Duration.ofSeconds(5)); // the live cursor only moves forward
        }
        assertThat(newest.sequence()).as("the newest stalled group still reaches the reader").isEqualTo(GROUPS - 1);
        assertThat(newest.readFrameUnlessSuperseded(Duration.ofSeconds(5))).containsExactly((byte) (GROUPS - 1));

        for (SendStream s : streams.subList(0, GROUPS - 1)) {
            SessionWireTest.awaitTrue(() -> mine.stopsSent.containsKey(s.id()));
            assertThat(mine.stopsSent.get(s.id())).as("stream %d", s.id()).isEqualTo(MoqError.OLD.wireCode());
        }
        assertThat(mine.stopsSent).as("the newest group is left open").doesNotContainKey(streams.getLast().id());
        assertThat(mine.stopsSent.values()).as("no stream was refused for lack of slots")
                .doesNotContain(MoqError.BOUNDS_EXCEEDED.wireCode());
        assertThat(session.isClosed()).isFalse();
    }

    private static BidiStream acceptOfType(MemoryConnection raw, StreamType type,
                                           dev.parley.net.moq.wire.Grammar<?> first) throws Exception {
        while (true) {
            BidiStream s = raw.acceptBidi();
            StreamDecoder d = RawPeer.decoder();
            if (read(s.recv(), d, Grammars.streamType(true)) == type) {
                read(s.recv(), d, first);
                return s;
            }
        }
    }
}
