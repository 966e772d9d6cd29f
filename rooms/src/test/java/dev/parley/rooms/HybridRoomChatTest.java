package dev.parley.rooms;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.moq.relay.JwtScopeResolver;
import dev.parley.net.moq.relay.MoqRelay;
import dev.parley.net.moq.relay.Permission;
import dev.parley.net.moq.relay.ScopePath;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.net.testing.UdpProxy;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.rooms.kv.KvConfig;
import dev.parley.rooms.relay.HybridRoute;
import dev.parley.rooms.testing.EventLog;
import dev.parley.rooms.ticket.RoomMode;
import dev.parley.rooms.ticket.RoomTicket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chat in a hybrid room across route switches, on loopback: the direct links go through UDP proxies
 * (each peer advertises its proxy), the relay over WebSocket does not, so cutting the proxies fails the
 * direct route alone. Each route's reader replays the sender's history when it starts; every message must
 * still reach the app exactly once.
 */
@Timeout(120)
class HybridRoomChatTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HybridRoute.Policy FAST = new HybridRoute.Policy(2_000, 2_000, 2_000);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    private record Peer(HybridRoom room, EventLog log, UdpProxy proxy) {
        EndpointId id() {
            return room.me();
        }
    }

    private String relay() {
        Endpoint e = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
        closeables.add(e);
        MoqRelay relay = new MoqRelay(new JwtScopeResolver(Optional.empty(),
                List.of(new JwtScopeResolver.PublicPrefix(ScopePath.parse("/parley/rooms"), Permission.READ_WRITE)),
                Clock.systemUTC())).attach(e);
        closeables.add(relay);
        InetSocketAddress ws = relay.listenWebSocket(new InetSocketAddress("127.0.0.1", 0), Optional.empty());
        return "http://127.0.0.1:" + ws.getPort() + "/";
    }

    private Peer join(RoomTicket ticket, String name) {
        Endpoint e = Endpoint.bind(EndpointConfig.loopback(Identity.generate()).withIdleTimeout(Duration.ofSeconds(3)));
        closeables.add(e);
        UdpProxy proxy = new UdpProxy(e.localAddress());
        closeables.add(proxy);
        KvConfig d = KvConfig.defaults();
        RoomOptions options = RoomOptions.defaults().withDisplayName(name)
                .withAdvertisedAddr(EndpointAddr.of(e.id(), proxy.address()))
                .withKv(new KvConfig(Duration.ofSeconds(60).toNanos(), Duration.ofSeconds(5).toNanos(), d.antiEntropyIntervalNs(),
                        d.maxKeyBytes(), d.maxValueBytes(), d.maxScopes(), d.maxKeysPerScope()))
                .withReconnect(new ReconnectPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(60)));
        HybridRoom r = HybridRoom.join(e, ticket, options, FAST);
        closeables.add(r);
        EventLog log = new EventLog(r);
        closeables.add(log);
        return new Peer(r, log, proxy);
    }

    private static void say(Peer from, Peer to, String text) throws Exception {
        from.room().handle().sendChat(text).get(5, TimeUnit.SECONDS);
        to.log().await(e -> e instanceof RoomEvent.ChatReceived c && c.message().text().equals(text), WAIT);
    }

    private static long chats(Peer p, String text) {
        return p.log().snapshot().stream()
                .filter(e -> e instanceof RoomEvent.ChatReceived c && c.message().text().equals(text)).count();
    }

    private static boolean route(RoomEvent e, EndpointId peer, boolean viaRelay) {
        return e.equals(new RoomEvent.PeerRoute(peer, viaRelay));
    }

    @Test
    void everyMessageArrivesOnceWhileThePeerMovesToTheRelayAndBack() throws Exception {
        RoomTicket ticket = RoomTicket.generate(RoomMode.HYBRID, relay());
        Peer alice = join(ticket, "alice");
        Peer bob = join(alice.room().ticket(), "bob");
        alice.log().await(e -> e.equals(new RoomEvent.PeerConnection(bob.id(), LinkState.CONNECTED)), WAIT);
        say(bob, alice, "one");
        say(bob, alice, "two");
        assertThat(alice.room().viaRelay(bob.id())).as("direct works").isFalse();

        bob.proxy().loss(100);
        alice.proxy().loss(100);
        EventLog.Stamped toRelay = alice.log().await(e -> route(e, bob.id(), true), WAIT);
        say(bob, alice, "three"); // through the relay, whose reader began with bob's history (one, two)

        bob.proxy().loss(0);
        alice.proxy().loss(0);
        alice.log().awaitAfter(toRelay, e -> route(e, bob.id(), false), WAIT);
        say(bob, alice, "four"); // direct again: that reader resumed where it stopped, before three

        for (String text : List.of("one", "two", "three", "four")) {
            assertThat(chats(alice, text)).as("'%s' shown", text).isEqualTo(1);
        }
    }
}
