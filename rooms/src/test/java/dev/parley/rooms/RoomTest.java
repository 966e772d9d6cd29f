package dev.parley.rooms;

import dev.parley.net.actor.ActorStoppedException;
import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.rooms.chat.ChatException;
import dev.parley.rooms.testing.ChildProcess;
import dev.parley.rooms.testing.EventLog;
import dev.parley.rooms.ticket.RoomTicket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rooms end to end on loopback QUIC: join by ticket, presence, auto-subscribe, chat, leave and crash. */
@Timeout(120)
class RoomTest {
    private static final Duration JOIN = Duration.ofSeconds(15);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    private record Peer(Room room, EventLog log) {
        EndpointId id() {
            return room.me();
        }
    }

    private Peer join(RoomTicket ticket, String name) {
        return join(ticket, name, RoomOptions.defaults());
    }

    private Peer join(RoomTicket ticket, String name, RoomOptions options) {
        Endpoint e = Endpoint.bind(EndpointConfig.loopback(Identity.generate()).withIdleTimeout(Duration.ofSeconds(3)));
        closeables.add(e);
        Room r = Room.join(e, ticket, options.withDisplayName(name));
        closeables.add(r);
        EventLog log = new EventLog(r);
        closeables.add(log);
        return new Peer(r, log);
    }

    /** A frame whose bytes can be checked: sequence, payload, CRC32 of both. */
    static byte[] checkedFrame(long seq, int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putLong(seq);
        for (int i = 8; i < size - 8; i++) {
            b.put((byte) (seq * 31 + i));
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, size - 8);
        b.putLong(crc.getValue());
        return b.array();
    }

    static boolean frameOk(byte[] f) {
        ByteBuffer b = ByteBuffer.wrap(f);
        CRC32 crc = new CRC32();
        crc.update(f, 0, f.length - 8);
        long seq = b.getLong();
        return b.getLong(f.length - 8) == crc.getValue() && f.length > 16 && f[8] == (byte) (seq * 31 + 8);
    }

    /** Starts writing one checked frame per group every 50 ms on track "video" of a new broadcast. */
    private BroadcastProducer videoBroadcast() {
        BroadcastProducer b = new BroadcastProducer();
        TrackProducer t = b.createTrack(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
        Thread w = Thread.ofVirtual().start(() -> {
            long seq = 0;
            try {
                while (!b.isEnded()) {
                    t.appendGroupWithFrame(checkedFrame(seq++, 1200));
                    Thread.sleep(50);
                }
            } catch (InterruptedException | RuntimeException ended) {
                // stop writing
            }
        });
        closeables.add(w::interrupt);
        closeables.add(b);
        return b;
    }

    private static boolean joined(RoomEvent e, EndpointId who) {
        return e instanceof RoomEvent.PeerJoined j && j.peer().equals(who);
    }

    @Test
    void peersJoinThroughOneTicketSeeEachOtherSubscribeChatAndLeave() throws Exception {
        Peer a = join(RoomTicket.generate(), "alice");
        RoomTicket ticket = a.room().ticket();
        assertThat(ticket.toString()).startsWith("parley-room:").hasSizeLessThan(2000);
        assertThat(ticket.bootstrap().getFirst().id()).isEqualTo(a.id());
        Peer b = join(ticket, "bob");
        Peer c = join(ticket, "carol");
        Peer d = join(ticket, "dave");
        List<Peer> all = List.of(a, b, c, d);
        for (Peer p : all) {
            for (Peer q : all) {
                if (p != q) {
                    p.log().await(e -> joined(e, q.id()), JOIN);
                }
            }
        }
        RoomEvent.PeerJoined bobSeen = (RoomEvent.PeerJoined) a.log().await(e -> joined(e, b.id()), JOIN).event();
        assertThat(bobSeen.displayName()).contains("bob");
        assertThat(a.room().presentPeers().get()).containsExactlyInAnyOrder(b.id(), c.id(), d.id());

        // a publishes video: everyone else subscribes automatically and gets checked frames
        a.room().handle().publish("camera", videoBroadcast()).get(5, TimeUnit.SECONDS);
        for (Peer p : List.of(b, c, d)) {
            var sub = (RoomEvent.BroadcastSubscribed) p.log().await(e -> e instanceof RoomEvent.BroadcastSubscribed s
                    && s.peer().equals(a.id()) && s.name().equals("camera"), JOIN).event();
            try (TrackConsumer t = sub.broadcast().subscribe("video", TrackInfo.PRIORITY_VIDEO)) {
                for (int i = 0; i < 3; i++) {
                    GroupConsumer g = t.nextGroup(Duration.ofSeconds(5));
                    assertThat(g).isNotNull();
                    byte[] f = g.readFrame(Duration.ofSeconds(5));
                    assertThat(f).hasSize(1200);
                    assertThat(frameOk(f)).isTrue();
                }
            }
        }

        // chat: the sender is the session's peer
        b.room().handle().sendChat("hello from bob ✓").get(5, TimeUnit.SECONDS);
        for (Peer p : List.of(a, c, d)) {
            var m = (RoomEvent.ChatReceived) p.log().await(e -> e instanceof RoomEvent.ChatReceived r
                    && r.message().text().equals("hello from bob ✓"), JOIN).event();
            assertThat(m.message().from()).isEqualTo(b.id());
            assertThat(m.fromHistory()).isFalse();
        }
        // a burst arrives complete and in order (groups overtake each other; gaps are repaired from history)
        for (int i = 0; i < 8; i++) {
            c.room().handle().sendChat("burst " + i);
        }
        c.room().handle().sendChat("burst end").get(5, TimeUnit.SECONDS);
        a.log().await(ev -> ev instanceof RoomEvent.ChatReceived r && r.message().text().equals("burst end"), JOIN);
        List<String> burst = a.log().snapshot().stream()
                .filter(ev -> ev instanceof RoomEvent.ChatReceived r && r.message().from().equals(c.id()))
                .map(ev -> ((RoomEvent.ChatReceived) ev).message().text()).toList();
        assertThat(burst).containsExactly("burst 0", "burst 1", "burst 2", "burst 3", "burst 4", "burst 5", "burst 6",
                "burst 7", "burst end");
        assertThatThrownBy(() -> b.room().handle().sendChat("x".repeat(4097)).get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ChatException.class);

        // a late joiner gets bob's recent message from history, once
        Peer e = join(ticket, "eve");
        var hist = (RoomEvent.ChatReceived) e.log().await(ev -> ev instanceof RoomEvent.ChatReceived r
                && r.message().text().equals("hello from bob ✓"), JOIN).event();
        assertThat(hist.fromHistory()).isTrue();
        assertThat(hist.message().from()).isEqualTo(b.id());
        e.log().await(ev -> ev instanceof RoomEvent.BroadcastSubscribed s && s.peer().equals(a.id()), JOIN);

        // unpublish: subscribers drop it
        a.room().handle().unpublish("camera").get(5, TimeUnit.SECONDS);
        b.log().await(ev -> ev.equals(new RoomEvent.BroadcastEnded(a.id(), "camera")), Duration.ofSeconds(5));

        // a clean leave is seen by everyone within 1 s
        long t0 = System.nanoTime();
        d.room().handle().leave().get(5, TimeUnit.SECONDS);
        for (Peer p : List.of(a, b, c, e)) {
            EventLog.Stamped left = p.log().await(ev -> ev.equals(new RoomEvent.PeerLeft(d.id(), RoomEvent.LeaveReason.LEFT)),
                    Duration.ofSeconds(2));
            assertThat((left.nanos() - t0) / 1_000_000).as("PeerLeft latency ms").isLessThan(1000);
        }
        assertThatThrownBy(() -> d.room().handle().sendChat("too late").get())
                .hasCauseInstanceOf(ActorStoppedException.class);
        assertThat(a.room().kvStats().rejected()).isZero();
    }

    @Test
    void aKilledPeerIsReconnectingWithinFiveSecondsThenLeftAfterTheGiveUpTime() throws Exception {
        Duration giveUp = Duration.ofSeconds(2);
        RoomOptions opts = RoomOptions.defaults()
                .withReconnect(new ReconnectPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), giveUp));
        Peer a = join(RoomTicket.generate(), "alice", opts);
        Peer b = join(a.room().ticket(), "bob", opts);
        b.log().await(e -> joined(e, a.id()), JOIN);
        ChildProcess child = ChildProcess.start(RoomChildMain.class, a.room().ticket().toString());
        closeables.add(child);
        EndpointId childId = EndpointId.fromHex(child.awaitReady(30));
        a.log().await(e -> joined(e, childId), JOIN);
        b.log().await(e -> joined(e, childId), JOIN);
        Thread.sleep(2000); // heartbeats flowing on every link
        long t0 = System.nanoTime();
        child.kill();
        for (Peer p : List.of(a, b)) {
            EventLog.Stamped down = p.log().await(e -> e.equals(new RoomEvent.PeerConnection(childId, LinkState.RECONNECTING)),
                    Duration.ofSeconds(8));
            long downMs = (down.nanos() - t0) / 1_000_000;
            EventLog.Stamped left = p.log().awaitAfter(down, e -> e instanceof RoomEvent.PeerLeft l && l.peer().equals(childId),
                    Duration.ofSeconds(10));
            long ms = (left.nanos() - t0) / 1_000_000;
            System.out.println("killed peer reconnecting after " + downMs + " ms, reported left after " + ms + " ms: "
                    + left.event());
            assertThat(((RoomEvent.PeerLeft) left.event()).reason()).isEqualTo(RoomEvent.LeaveReason.FAILED);
            assertThat(downMs).isLessThan(5000);
            assertThat(ms - downMs).isBetween(giveUp.toMillis() - 100, giveUp.toMillis() + 2000);
        }
        // the others never lost each other
        assertThat(a.log().snapshot()).noneMatch(e -> e instanceof RoomEvent.PeerConnection c && c.peer().equals(b.id())
                && c.state() == LinkState.RECONNECTING);
        assertThat(a.room().presentPeers().get()).containsExactly(b.id());
        // the room keeps working
        a.room().handle().sendChat("still here").get(5, TimeUnit.SECONDS);
        b.log().await(e -> e instanceof RoomEvent.ChatReceived r && r.message().text().equals("still here"), JOIN);
    }

    @Test
    void forgedPeerStateFromARoguePeerIsDroppedAndCounted() throws Exception {
        Peer a = join(RoomTicket.generate(), "alice");
        RoomTicket ticket = a.room().ticket();
        Peer b = join(ticket, "bob");
        b.log().await(e -> joined(e, a.id()), JOIN);
        // a rogue gossip member rewrites alice's state with its own key
        Endpoint re = Endpoint.bind(EndpointConfig.loopback(Identity.generate()).withIdleTimeout(Duration.ofSeconds(3)));
        closeables.add(re);
        var rogue = new dev.parley.rooms.gossip.net.GossipNode(re, dev.parley.rooms.gossip.proto.GossipConfig.defaults());
        closeables.add(rogue);
        var topic = rogue.join(ticket.topic(), ticket.bootstrap());
        topic.joined().get(10, TimeUnit.SECONDS);
        var mallory = dev.parley.rooms.kv.EntrySigner.of(re.id(), re.identity()::sign);
        long now = System.currentTimeMillis() * 1_000_000L;
        var real = dev.parley.rooms.kv.SignedEntry.sign(mallory, dev.parley.rooms.presence.PeerState.KEY, now,
                new dev.parley.rooms.presence.PeerState(List.of(), java.util.Optional.of("mallory")).encode());
        var forged = new dev.parley.rooms.kv.SignedEntry(a.id(), real.key(), now, real.value(), real.signature());
        topic.broadcast(forged.encode());
        topic.broadcast(new byte[] {0, 1, 2}); // not even an entry
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((b.room().kvStats().forged() < 1 || b.room().kvStats().malformed() < 1) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(b.room().kvStats().forged()).isEqualTo(1);
        assertThat(b.room().kvStats().malformed()).isEqualTo(1);
        assertThat(b.log().snapshot()).noneMatch(e -> e instanceof RoomEvent.PeerUpdated u && u.state().displayName().isPresent()
                && u.state().displayName().get().equals("mallory"));
        // the room still works
        a.room().handle().setDisplayName("alice 2").get(5, TimeUnit.SECONDS);
        b.log().await(e -> e instanceof RoomEvent.PeerUpdated u && u.peer().equals(a.id())
                && u.state().displayName().equals(java.util.Optional.of("alice 2")), JOIN);
    }

    @Test
    void invalidAndOversizedChatFromAHandBuiltPeerIsDroppedAndCounted() throws Exception {
        Peer a = join(RoomTicket.generate(), "alice");
        RoomTicket ticket = a.room().ticket();
        // a peer built by hand: valid signed state, but a chat track with bad frames
        HandBuiltPeer hb = handBuiltPeer(ticket);
        Endpoint re = hb.endpoint();
        TrackProducer chat = hb.chat();
        a.log().await(e -> joined(e, re.id()), JOIN);
        // alice's subscription to the chat track has reached the hand-built peer
        long deadline = System.nanoTime() + JOIN.toNanos();
        while (chat.consumerCount() == 0) {
            assertThat(System.nanoTime()).as("alice subscribes to the chat track").isLessThan(deadline);
            Thread.sleep(20);
        }
        chat.appendGroupWithFrame(new byte[] {(byte) 0xc3, 0x28});          // invalid UTF-8
        Thread.sleep(200); // this peer has no history track to repair gaps from: keep the groups in order
        chat.appendGroupWithFrame(new byte[4097]);                           // oversized
        Thread.sleep(200);
        chat.appendGroupWithFrame("fine".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var ok = (RoomEvent.ChatReceived) a.log().await(e -> e instanceof RoomEvent.ChatReceived r
                && r.message().text().equals("fine"), JOIN).event();
        assertThat(ok.message().from()).isEqualTo(re.id());
        assertThat(a.room().invalidChat()).isEqualTo(2);
        assertThat(a.log().snapshot()).filteredOn(e -> e instanceof RoomEvent.ChatReceived).hasSize(1);
    }

    @Test
    void aLeavingHeartbeatOverTheDirectLinkIsALeaveEvenWithoutGossip() throws Exception {
        Peer a = join(RoomTicket.generate(), "alice");
        RoomTicket ticket = a.room().ticket();
        // a hand-built peer whose gossip stays silent about leaving: only its heartbeat says so
        HandBuiltPeer hb = handBuiltPeer(ticket);
        Endpoint re = hb.endpoint();
        TrackProducer heartbeat = hb.heartbeat();
        a.log().await(e -> e instanceof RoomEvent.PeerConnection c && c.peer().equals(re.id())
                && c.state() == LinkState.CONNECTED, JOIN);

        for (int i = 0; i < 3; i++) {
            heartbeat.appendGroupWithFrame(new byte[] {RoomFeed.HEARTBEAT_ALIVE});
        }
        heartbeat.appendGroupWithFrame(new byte[] {Room.HEARTBEAT_LEAVING});
        var left = (RoomEvent.PeerLeft) a.log().await(e -> e instanceof RoomEvent.PeerLeft l && l.peer().equals(re.id()),
                Duration.ofSeconds(5)).event();
        assertThat(left.reason()).isEqualTo(RoomEvent.LeaveReason.LEFT);
        assertThat(hb.topic().hasQuit()).as("the gossip side never said goodbye").isFalse();
    }

    @Test
    void aLinkClosedWithTheLeftCodeIsALeaveWithoutHeartbeatOrGossip() throws Exception {
        Peer a = join(RoomTicket.generate(), "alice");
        RoomTicket ticket = a.room().ticket();
        // a hand-built peer that says nothing about leaving but closing its moq link with the left code
        // (what a leaving room does, in case its last beat and leave marker were still queued)
        HandBuiltPeer hb = handBuiltPeer(ticket);
        Endpoint re = hb.endpoint();
        TrackProducer heartbeat = hb.heartbeat();
        a.log().await(e -> e instanceof RoomEvent.PeerConnection c && c.peer().equals(re.id())
                && c.state() == LinkState.CONNECTED, JOIN);

        heartbeat.appendGroupWithFrame(new byte[] {RoomFeed.HEARTBEAT_ALIVE});
        assertThat(hb.moq().sessions()).isNotEmpty();
        for (var session : hb.moq().sessions()) {
            session.close(Room.LEFT_CLOSE_CODE, "left the room");
        }
        var left = (RoomEvent.PeerLeft) a.log().await(e -> e instanceof RoomEvent.PeerLeft l && l.peer().equals(re.id()),
                Duration.ofSeconds(5)).event();
        assertThat(left.reason()).isEqualTo(RoomEvent.LeaveReason.LEFT);
        assertThat(hb.topic().hasQuit()).as("the gossip side never said goodbye").isFalse();
    }

    /** A room peer built by hand from the parts: its room broadcast, gossip membership and signed state. */
    private record HandBuiltPeer(Endpoint endpoint, dev.parley.net.moq.session.Moq moq,
                                 dev.parley.rooms.gossip.net.GossipTopic topic, TrackProducer chat, TrackProducer heartbeat) {}

    /** Joins {@code ticket}'s room as a hand-built peer (valid signed state, empty broadcast list). */
    private HandBuiltPeer handBuiltPeer(RoomTicket ticket) throws Exception {
        Endpoint re = Endpoint.bind(EndpointConfig.loopback(Identity.generate()).withIdleTimeout(Duration.ofSeconds(3)));
        closeables.add(re);
        var moq = dev.parley.net.moq.session.Moq.attach(re, dev.parley.net.moq.session.Moq.Options.DEFAULT.withAutoAccept(true));
        closeables.add(moq);
        BroadcastProducer roomCast = new BroadcastProducer();
        closeables.add(roomCast);
        TrackProducer chat = roomCast.createTrack(new TrackInfo("chat", TrackInfo.PRIORITY_CHAT));
        roomCast.createTrack(new TrackInfo("chat.history", TrackInfo.PRIORITY_CHAT));
        TrackProducer heartbeat = roomCast.createTrack(new TrackInfo(Room.HEARTBEAT_TRACK, TrackInfo.PRIORITY_CHAT));
        moq.publish(Room.ROOM_BROADCAST, roomCast.consume());
        var node = new dev.parley.rooms.gossip.net.GossipNode(re, dev.parley.rooms.gossip.proto.GossipConfig.defaults());
        closeables.add(node);
        var topic = node.join(ticket.topic(), ticket.bootstrap());
        topic.joined().get(10, TimeUnit.SECONDS);
        var signer = dev.parley.rooms.kv.EntrySigner.of(re.id(), re.identity()::sign);
        long now = System.currentTimeMillis() * 1_000_000L;
        topic.broadcast(dev.parley.rooms.kv.SignedEntry.sign(signer, dev.parley.rooms.presence.PeerState.ADDR_KEY, now,
                re.addr().encode()).encode());
        topic.broadcast(dev.parley.rooms.kv.SignedEntry.sign(signer, dev.parley.rooms.presence.PeerState.KEY, now + 1,
                dev.parley.rooms.presence.PeerState.empty().encode()).encode());
        return new HandBuiltPeer(re, moq, topic, chat, heartbeat);
    }
}
