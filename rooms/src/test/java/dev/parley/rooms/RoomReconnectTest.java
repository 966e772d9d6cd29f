package dev.parley.rooms;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.session.Moq;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.net.testing.UdpProxy;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.rooms.kv.KvConfig;
import dev.parley.rooms.testing.EventLog;
import dev.parley.rooms.ticket.RoomTicket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reconnecting over real QUIC on loopback: two room peers reach each other only through UDP proxies
 * (each advertises its proxy's address), so cutting both proxies (100 % loss) cuts every path between
 * them, as a network outage would.
 */
@Timeout(120)
class RoomReconnectTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    private record Peer(Endpoint endpoint, Room room, EventLog log, UdpProxy proxy) {
        EndpointId id() {
            return room.me();
        }

        long moqLinksTo(EndpointId other) {
            return endpoint.connections().stream()
                    .filter(c -> Moq.isMoqLite(c.protocol()) && c.remoteId().filter(other::equals).isPresent()).count();
        }
    }

    /** A peer behind its own proxy; others learn only the proxy's address. */
    private Peer join(RoomTicket ticket, String name, RoomOptions options) {
        Endpoint e = Endpoint.bind(EndpointConfig.loopback(Identity.generate()).withIdleTimeout(Duration.ofSeconds(3)));
        closeables.add(e);
        UdpProxy proxy = new UdpProxy(e.localAddress());
        closeables.add(proxy);
        Room r = Room.join(e, ticket, options.withDisplayName(name).withAdvertisedAddr(EndpointAddr.of(e.id(), proxy.address())));
        closeables.add(r);
        EventLog log = new EventLog(r);
        closeables.add(log);
        return new Peer(e, r, log, proxy);
    }

    private static RoomOptions options(Duration horizon, Duration refresh, Duration giveUp) {
        KvConfig d = KvConfig.defaults();
        return RoomOptions.defaults()
                .withKv(new KvConfig(horizon.toNanos(), refresh.toNanos(), d.antiEntropyIntervalNs(), d.maxKeyBytes(),
                        d.maxValueBytes(), d.maxScopes(), d.maxKeysPerScope()))
                .withReconnect(new ReconnectPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), giveUp));
    }

    /** No connection between the two bypasses the proxies (else cutting them would not cut the link). */
    private static void assertOnlyThroughProxies(Peer x, Peer y) {
        for (Peer[] pair : new Peer[][] {{x, y}, {y, x}}) {
            assertThat(pair[0].endpoint().connections()).noneMatch(c -> pair[1].endpoint().localAddress().equals(c.remoteAddress()));
        }
    }

    /** Names of all live threads, virtual ones included (a JSON thread dump). */
    private static List<String> threadNames() {
        try {
            java.nio.file.Path f = java.nio.file.Files.createTempFile("threads", ".json");
            java.nio.file.Files.delete(f);
            try {
                java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                        .dumpThreads(f.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(f.toFile());
                List<String> names = new ArrayList<>();
                for (var container : json.path("threadDump").path("threadContainers")) {
                    for (var t : container.path("threads")) {
                        names.add(t.path("name").asText());
                    }
                }
                return names;
            } finally {
                java.nio.file.Files.deleteIfExists(f);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void cut(Peer... peers) {
        for (Peer p : peers) {
            p.proxy().loss(100);
        }
    }

    private static void restore(Peer... peers) {
        for (Peer p : peers) {
            p.proxy().loss(0);
        }
    }

    private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** One group per 50 ms on track "video", each frame starting with its sequence number. */
    private BroadcastProducer videoBroadcast() {
        BroadcastProducer b = new BroadcastProducer();
        TrackProducer t = b.createTrack(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
        Thread w = Thread.ofVirtual().start(() -> {
            long seq = 0;
            try {
                while (!b.isEnded()) {
                    t.appendGroupWithFrame(RoomTest.checkedFrame(seq++, 1200));
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

    /** Reads three checked frames from the subscription and returns the last sequence number. */
    private static long readFrames(RoomEvent.BroadcastSubscribed sub) {
        try (TrackConsumer t = sub.broadcast().subscribe("video", TrackInfo.PRIORITY_VIDEO)) {
            long last = -1;
            for (int i = 0; i < 3; i++) {
                GroupConsumer g = t.nextGroup(Duration.ofSeconds(5));
                assertThat(g).isNotNull();
                byte[] f = g.readFrame(Duration.ofSeconds(5));
                assertThat(RoomTest.frameOk(f)).isTrue();
                last = ByteBuffer.wrap(f).getLong();
            }
            return last;
        }
    }

    private static boolean link(RoomEvent e, EndpointId peer, LinkState state) {
        return e.equals(new RoomEvent.PeerConnection(peer, state));
    }

    private static boolean camera(RoomEvent e, EndpointId peer) {
        return e instanceof RoomEvent.BroadcastSubscribed s && s.peer().equals(peer) && s.name().equals("camera");
    }

    private static long chats(Peer p, String text) {
        return p.log().snapshot().stream()
                .filter(e -> e instanceof RoomEvent.ChatReceived c && c.message().text().equals(text)).count();
    }

    @Test
    void aCutShorterThanThePresenceExpiryReconnectsAndResubscribes() throws Exception {
        RoomOptions opts = options(Duration.ofSeconds(40), Duration.ofSeconds(5), Duration.ofSeconds(60));
        Peer a = join(RoomTicket.generate(), "alice", opts);
        Peer b = join(a.room().ticket(), "bob", opts);
        a.room().handle().publish("camera", videoBroadcast()).get(5, TimeUnit.SECONDS);

        EventLog.Stamped joined = b.log().await(e -> e instanceof RoomEvent.PeerJoined j && j.peer().equals(a.id()), WAIT);
        EventLog.Stamped connecting = b.log().awaitAfter(joined, e -> link(e, a.id(), LinkState.CONNECTING), WAIT);
        b.log().awaitAfter(connecting, e -> link(e, a.id(), LinkState.CONNECTED), WAIT);
        a.log().await(e -> link(e, b.id(), LinkState.CONNECTED), WAIT);
        var first = (RoomEvent.BroadcastSubscribed) b.log().await(e -> camera(e, a.id()), WAIT).event();
        long before = readFrames(first);
        a.room().handle().sendChat("before the cut").get(5, TimeUnit.SECONDS);
        b.log().await(e -> e instanceof RoomEvent.ChatReceived c && c.message().text().equals("before the cut"), WAIT);

        assertOnlyThroughProxies(a, b);
        long t0 = System.nanoTime();
        cut(a, b);
        EventLog.Stamped down = b.log().await(e -> link(e, a.id(), LinkState.RECONNECTING), WAIT);
        System.out.println("cut noticed after " + (down.nanos() - t0) / 1_000_000 + " ms");
        // the subscription ends: the dead session may close it just before the link is reported down
        b.log().await(e -> e.equals(new RoomEvent.BroadcastEnded(a.id(), "camera")), WAIT);
        b.log().await(e -> e.equals(new RoomEvent.RoomConnection(LinkState.RECONNECTING)), WAIT);
        a.log().await(e -> link(e, b.id(), LinkState.RECONNECTING), WAIT);
        assertThat(first.broadcast().closed()).isDone();
        a.room().handle().sendChat("during the cut").get(5, TimeUnit.SECONDS);
        waitFor("re-dials on both sides", () -> a.room().redials() >= 1 && b.room().redials() >= 1);

        long t1 = System.nanoTime();
        restore(a, b);
        EventLog.Stamped up = b.log().awaitAfter(down, e -> link(e, a.id(), LinkState.CONNECTED), WAIT);
        System.out.println("recovered " + (up.nanos() - t1) / 1_000_000 + " ms after the link came back, after "
                + b.room().redials() + " re-dials");
        b.log().awaitAfter(down, e -> e.equals(new RoomEvent.RoomConnection(LinkState.CONNECTED)), WAIT);
        EventLog.Stamped aDown = a.log().await(e -> link(e, b.id(), LinkState.RECONNECTING), WAIT);
        a.log().awaitAfter(aDown, e -> link(e, b.id(), LinkState.CONNECTED), WAIT);
        var again = (RoomEvent.BroadcastSubscribed) b.log().awaitAfter(up, e -> camera(e, a.id()), WAIT).event();
        assertThat(again.broadcast()).isNotSameAs(first.broadcast());
        assertThat(readFrames(again)).isGreaterThan(before);

        // chat resumes where it stopped: the message sent during the cut arrives once, nothing repeats
        a.room().handle().sendChat("after the cut").get(5, TimeUnit.SECONDS);
        b.log().await(e -> e instanceof RoomEvent.ChatReceived c && c.message().text().equals("after the cut"), WAIT);
        var during = (RoomEvent.ChatReceived) b.log().await(e -> e instanceof RoomEvent.ChatReceived c
                && c.message().text().equals("during the cut"), WAIT).event();
        assertThat(during.fromHistory()).isFalse();
        assertThat(chats(b, "before the cut")).isEqualTo(1);
        assertThat(chats(b, "during the cut")).isEqualTo(1);
        assertThat(b.log().snapshot()).noneMatch(e -> e instanceof RoomEvent.PeerLeft);
        assertThat(a.log().snapshot()).noneMatch(e -> e instanceof RoomEvent.PeerLeft);
        assertThat(b.room().presentPeers().get()).containsExactly(a.id());
    }

    @Test
    void aCutLongerThanThePresenceExpiryEndsInPeerLeftAndStopsRedialing() throws Exception {
        RoomOptions opts = options(Duration.ofSeconds(8), Duration.ofSeconds(2), Duration.ofSeconds(60));
        Peer a = join(RoomTicket.generate(), "alice", opts);
        Peer b = join(a.room().ticket(), "bob", opts);
        a.room().handle().publish("camera", videoBroadcast()).get(5, TimeUnit.SECONDS);
        b.log().await(e -> camera(e, a.id()), WAIT);
        b.log().await(e -> link(e, a.id(), LinkState.CONNECTED), WAIT);
        assertThat(threadNames()).as("the dump sees the room's virtual threads").contains("room-chat-" + a.id().shortHex());

        cut(a, b);
        EventLog.Stamped down = b.log().await(e -> link(e, a.id(), LinkState.RECONNECTING), WAIT);
        EventLog.Stamped left = b.log().awaitAfter(down, e -> e instanceof RoomEvent.PeerLeft l && l.peer().equals(a.id()), WAIT);
        assertThat(((RoomEvent.PeerLeft) left.event()).reason()).isEqualTo(RoomEvent.LeaveReason.EXPIRED);
        assertThat(b.room().presentPeers().get()).isEmpty();
        // alone again: no peer is unreachable any more
        b.log().awaitAfter(left, e -> e.equals(new RoomEvent.RoomConnection(LinkState.CONNECTED)), WAIT);

        // retries stop: the dial in flight ends, no new ones start, no moq connection to alice remains
        waitFor("no moq connection to alice", () -> b.moqLinksTo(a.id()) == 0);
        String alice = a.id().shortHex();
        waitFor("no dial, feed or subscription thread for alice", () -> threadNames().stream().noneMatch(n ->
                n.equals("room-feed-" + alice) || n.equals("room-heartbeat-" + alice) || n.equals("room-chat-" + alice)
                        || n.startsWith("room-subscribe-" + alice)));
        long redials = b.room().redials();
        Thread.sleep(2500); // over twice the longest backoff: a live retry loop would have dialed again
        assertThat(b.room().redials()).isEqualTo(redials);
        assertThat(b.moqLinksTo(a.id())).isZero();
        assertThat(b.log().snapshot().subList(b.log().snapshot().indexOf(left.event()), b.log().snapshot().size()))
                .noneMatch(e -> e instanceof RoomEvent.PeerConnection);

        // once the network is back, gossip brings alice's fresh state and she is a new presence
        restore(a, b);
        EventLog.Stamped back = b.log().awaitAfter(left, e -> e instanceof RoomEvent.PeerJoined j && j.peer().equals(a.id()), WAIT);
        b.log().awaitAfter(back, e -> link(e, a.id(), LinkState.CONNECTED), WAIT);
        var sub = (RoomEvent.BroadcastSubscribed) b.log().awaitAfter(back, e -> camera(e, a.id()), WAIT).event();
        readFrames(sub);
    }
}
