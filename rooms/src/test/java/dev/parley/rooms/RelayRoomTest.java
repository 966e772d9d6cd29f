package dev.parley.rooms;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.relay.JwtScopeResolver;
import dev.parley.net.moq.relay.MoqRelay;
import dev.parley.net.moq.relay.Permission;
import dev.parley.net.moq.relay.ScopePath;
import dev.parley.net.moq.session.Moq;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.rooms.relay.HybridRoute;
import dev.parley.rooms.relay.RelayPaths;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rooms through a real moq-lite relay ({@link MoqRelay} on loopback WebSocket, anonymous read-write under
 * {@code /parley/rooms} as {@code parley relay --public /parley/rooms} runs it): Parley participants and a
 * browser-like client that only publishes a {@code camera}, the relay's refusals, and a hybrid room whose
 * direct links cannot work falling back to the relay.
 */
@Timeout(120)
class RelayRoomTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    private String relay(Permission permission) {
        Endpoint e = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
        closeables.add(e);
        MoqRelay relay = new MoqRelay(new JwtScopeResolver(Optional.empty(),
                permission == null ? List.of() : List.of(new JwtScopeResolver.PublicPrefix(ScopePath.parse("/parley/rooms"), permission)),
                Clock.systemUTC())).attach(e);
        closeables.add(relay);
        InetSocketAddress ws = relay.listenWebSocket(new InetSocketAddress("127.0.0.1", 0), Optional.empty());
        relays.add(relay);
        relayEndpoints.add(e);
        return "http://127.0.0.1:" + ws.getPort() + "/";
    }

    private final List<MoqRelay> relays = new ArrayList<>();
    private final List<Endpoint> relayEndpoints = new ArrayList<>();

    /** The last relay's raw QUIC address named by its key: {@code moql://<id>@127.0.0.1:port/}. */
    private String keyedUrl() {
        Endpoint e = relayEndpoints.getLast();
        return "moql://" + e.id().hex() + "@127.0.0.1:" + e.localAddress().getPort() + "/";
    }

    private record Peer(JoinedRoom room, EventLog log) {
        EndpointId id() {
            return room.me();
        }
    }

    private Peer join(RoomTicket ticket, String name) {
        return join(ticket, name, RoomOptions.defaults(), null);
    }

    private Peer join(RoomTicket ticket, String name, RoomOptions options, HybridRoute.Policy policy) {
        Endpoint e = Endpoint.bind(EndpointConfig.loopback(Identity.generate()).withIdleTimeout(Duration.ofSeconds(3)));
        closeables.add(e);
        RoomOptions o = options.withDisplayName(name);
        JoinedRoom r = policy != null ? HybridRoom.join(e, ticket, o, policy) : JoinedRoom.join(e, ticket, o);
        closeables.add(r);
        EventLog log = new EventLog(r);
        closeables.add(log);
        return new Peer(r, log);
    }

    /** A camera-like broadcast: a {@code video} track with a group every 50 ms until closed. */
    private BroadcastProducer camera() {
        BroadcastProducer b = new BroadcastProducer();
        TrackProducer video = b.createTrack(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
        AtomicBoolean on = new AtomicBoolean(true);
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                for (long i = 0; on.get(); i++) {
                    video.appendGroupWithFrame(("frame " + i).getBytes());
                    Thread.sleep(50);
                }
            } catch (InterruptedException | RuntimeException e) {
                // closed
            }
        });
        closeables.add(() -> {
            on.set(false);
            t.join(1000);
            b.close();
        });
        return b;
    }

    private static String readFrame(BroadcastConsumer b) {
        try (TrackConsumer t = b.subscribe("video", TrackInfo.PRIORITY_VIDEO)) {
            GroupConsumer g = t.nextGroup(Duration.ofSeconds(5));
            return g == null ? null : new String(g.readFrame());
        }
    }

    private static RoomEvent.BroadcastSubscribed subscribed(Peer p, EndpointId from, String name) throws InterruptedException {
        return (RoomEvent.BroadcastSubscribed) p.log().await(e -> e instanceof RoomEvent.BroadcastSubscribed s
                && s.peer().equals(from) && s.name().equals(name), WAIT).event();
    }

    @Test
    void parleyPeersAndABrowserMeetThroughTheRelay() throws Exception {
        String url = relay(Permission.READ_WRITE);
        RoomTicket ticket = RoomTicket.generate(RoomMode.RELAY, url);
        Peer alice = join(ticket, "alice");
        Peer bob = join(RoomTicket.parse(alice.room().ticket().toString()), "bob");
        assertThat(alice.room().ticket().mode()).isEqualTo(RoomMode.RELAY);
        alice.room().handle().publish("camera", camera()).get(5, TimeUnit.SECONDS);
        bob.room().handle().publish("camera", camera()).get(5, TimeUnit.SECONDS);

        // a browser: a plain moq-lite client at the room's scope publishing only <id>/camera
        Moq browserMoq = new Moq(p -> CompletableFuture.failedFuture(new IllegalStateException("no")), Moq.Options.DEFAULT);
        closeables.add(browserMoq);
        MoqSession browser = browserMoq.connect(url.replace("http", "ws") + RelayPaths.roomScope(ticket.topic()))
                .get(10, TimeUnit.SECONDS);
        BroadcastProducer browserCam = camera();
        browserCam.createTrack(new TrackInfo("catalog.json", TrackInfo.PRIORITY_CATALOG))
                .appendGroupWithFrame("{\"video\":{},\"user\":{\"name\":\"Carla (browser)\"}}".getBytes());
        browser.publish("browser-test-1/camera", browserCam.consume());
        EndpointId browserId = new RelayPaths.Participant("browser-test-1").endpointId();

        for (Peer p : List.of(alice, bob)) {
            Peer other = p == alice ? bob : alice;
            p.log().await(e -> e instanceof RoomEvent.PeerJoined j && j.peer().equals(other.id()), WAIT);
            p.log().await(e -> e instanceof RoomEvent.PeerRoute r && r.peer().equals(other.id()) && r.viaRelay(), WAIT);
            p.log().await(e -> e instanceof RoomEvent.PeerUpdated u && u.peer().equals(other.id())
                    && u.state().displayName().equals(Optional.of(other == alice ? "alice" : "bob")), WAIT);
            assertThat(readFrame(subscribed(p, other.id(), "camera").broadcast())).startsWith("frame ");
            p.log().await(e -> e instanceof RoomEvent.PeerJoined j && j.peer().equals(browserId)
                    && j.displayName().orElse("").startsWith("Browser"), WAIT);
            assertThat(readFrame(subscribed(p, browserId, "camera").broadcast())).startsWith("frame ");
            p.log().await(e -> e instanceof RoomEvent.PeerUpdated u && u.peer().equals(browserId)
                    && u.state().displayName().equals(Optional.of("Carla (browser)")), WAIT);
        }
        assertThat(alice.room().presentPeers().get(5, TimeUnit.SECONDS)).containsExactlyInAnyOrder(bob.id(), browserId);

        // the browser sees both Parley participants' cameras at the contract's paths
        assertThat(readFrame(browser.subscribe(alice.id().hex() + "/camera", WAIT))).startsWith("frame ");

        bob.room().handle().sendChat("hi through the relay").get(5, TimeUnit.SECONDS);
        var chat = (RoomEvent.ChatReceived) alice.log().await(e -> e instanceof RoomEvent.ChatReceived c
                && c.message().text().equals("hi through the relay"), WAIT).event();
        assertThat(chat.message().from()).isEqualTo(bob.id());

        // the browser leaves (its camera ends), then bob leaves cleanly
        browser.close();
        alice.log().await(e -> e instanceof RoomEvent.PeerLeft l && l.peer().equals(browserId)
                && l.reason() == RoomEvent.LeaveReason.LEFT, WAIT);
        bob.room().handle().leave().get(5, TimeUnit.SECONDS);
        alice.log().await(e -> e instanceof RoomEvent.PeerLeft l && l.peer().equals(bob.id())
                && l.reason() == RoomEvent.LeaveReason.LEFT, WAIT);
        alice.log().await(e -> e instanceof RoomEvent.BroadcastEnded b && b.peer().equals(bob.id()), WAIT);
    }

    @Test
    void aRoomThroughARelayNamedByItsKeyRunsOverRawQuic() throws Exception {
        relay(Permission.READ_WRITE);
        RoomTicket ticket = RoomTicket.generate(RoomMode.RELAY, keyedUrl());
        Peer alice = join(ticket, "alice");
        Peer bob = join(RoomTicket.parse(alice.room().ticket().toString()), "bob");
        alice.room().handle().publish("camera", camera()).get(5, TimeUnit.SECONDS);
        assertThat(readFrame(subscribed(bob, alice.id(), "camera").broadcast())).startsWith("frame ");
        bob.room().handle().sendChat("over quic, by key").get(5, TimeUnit.SECONDS);
        alice.log().await(e -> e instanceof RoomEvent.ChatReceived c && c.message().text().equals("over quic, by key"), WAIT);
        assertThat(relays.getFirst().sessions()).as("both on the relay's raw QUIC endpoint")
                .allSatisfy(s -> assertThat(s.connection().binding()).isEqualTo("quic")).hasSize(2);
    }

    @Test
    void whenOurRelaySessionDropsTheRoomReconnectsAndSubscribesAfresh() throws Exception {
        String url = relay(Permission.READ_WRITE);
        RoomTicket ticket = RoomTicket.generate(RoomMode.RELAY, url);
        Peer alice = join(ticket, "alice");
        Peer bob = join(ticket, "bob");
        bob.room().handle().publish("camera", camera()).get(5, TimeUnit.SECONDS);
        subscribed(alice, bob.id(), "camera");
        var before = alice.log().await(e -> e instanceof RoomEvent.PeerConnection c && c.peer().equals(bob.id())
                && c.state() == LinkState.CONNECTED, WAIT);

        // alice's relay session drops (her network blinks; from the relay's side bob never went away)
        ((RelayRoom) alice.room()).relaySession().orElseThrow().close(0x10, "network blip");
        var down = alice.log().awaitAfter(before, e -> e instanceof RoomEvent.PeerConnection c && c.peer().equals(bob.id())
                && c.state() == LinkState.RECONNECTING, WAIT);
        alice.log().awaitAfter(before, e -> e instanceof RoomEvent.BroadcastEnded b && b.peer().equals(bob.id()), WAIT);
        alice.log().awaitAfter(down, e -> e instanceof RoomEvent.PeerConnection c && c.peer().equals(bob.id())
                && c.state() == LinkState.CONNECTED, WAIT);
        var again = (RoomEvent.BroadcastSubscribed) alice.log().awaitAfter(down, e -> e instanceof RoomEvent.BroadcastSubscribed b
                && b.peer().equals(bob.id()) && b.name().equals("camera"), WAIT).event();
        assertThat(readFrame(again.broadcast())).as("frames flow again after the relay session came back").startsWith("frame ");
        Thread.sleep(3_500); // past the resync window: bob was re-announced, so he stays
        assertThat(alice.log().snapshot()).noneMatch(e -> e instanceof RoomEvent.PeerLeft);
        assertThat(alice.room().presentPeers().get(5, TimeUnit.SECONDS)).containsExactly(bob.id());
    }

    @Test
    void aDrainingRelayThatNamesAnotherMovesTheRoomThere() throws Exception {
        String a = relay(Permission.READ_WRITE);
        MoqRelay relayA = relays.getLast();
        String b = relay(Permission.READ_WRITE);
        RoomTicket ticket = RoomTicket.generate(RoomMode.RELAY, a);
        Peer alice = join(ticket, "alice");
        Peer bob = join(ticket, "bob");
        bob.room().handle().publish("camera", camera()).get(5, TimeUnit.SECONDS);
        var first = alice.log().await(e -> e instanceof RoomEvent.BroadcastSubscribed s && s.peer().equals(bob.id())
                && s.name().equals("camera"), WAIT);

        // relay A drains; its GOAWAY names B (no path: each peer keeps the room's scope there)
        Thread drain = Thread.ofVirtual().start(() -> relayA.drain(Duration.ofSeconds(10), b));
        var again = (RoomEvent.BroadcastSubscribed) alice.log().awaitAfter(first, e -> e instanceof RoomEvent.BroadcastSubscribed s
                && s.peer().equals(bob.id()) && s.name().equals("camera"), WAIT).event();
        assertThat(readFrame(again.broadcast())).as("bob's frames reach alice through relay B").startsWith("frame ");
        String bScope = dev.parley.net.moq.session.MoqRelayUrl.parse(b).under(RelayPaths.roomScope(ticket.topic())).toString();
        assertThat(((RelayRoom) alice.room()).scopeUrl().toString()).isEqualTo(bScope);
        assertThat(((RelayRoom) bob.room()).scopeUrl().toString()).isEqualTo(bScope);
        drain.join(Duration.ofSeconds(12));
        assertThat(relayA.sessionCount()).as("both left relay A").isZero();
    }

    @Test
    void aRelayThatOnlyLetsUsReadOrNotAtAllIsAClearError() {
        RoomTicket readOnly = RoomTicket.generate(RoomMode.RELAY, relay(Permission.READ_ONLY));
        assertThatThrownBy(() -> join(readOnly, "reader"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not let this peer publish")
                .hasMessageContaining("code 6");
        RoomTicket closed = RoomTicket.generate(RoomMode.RELAY, relay(null));
        assertThatThrownBy(() -> join(closed, "nobody"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no token");
        RoomTicket nobodyHome = RoomTicket.generate(RoomMode.RELAY, "http://127.0.0.1:1/");
        assertThatThrownBy(() -> join(nobodyHome, "lost"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot reach the moq relay");
    }

    @Test
    void aHybridRoomStaysDirectWhileThatWorksAndFallsBackPerPeerWhenItDoesNot() throws Exception {
        HybridRoute.Policy fast = new HybridRoute.Policy(5_000, 2_000, 2_000); // loopback joins take up to ~2 s
        String url = relay(Permission.READ_WRITE);
        RoomTicket ticket = RoomTicket.generate(RoomMode.HYBRID, url);
        Peer alice = join(ticket, "alice", RoomOptions.defaults(), fast);
        Peer bob = join(alice.room().ticket(), "bob", RoomOptions.defaults(), fast);
        alice.room().handle().publish("camera", camera()).get(5, TimeUnit.SECONDS);
        bob.room().handle().publish("camera", camera()).get(5, TimeUnit.SECONDS);
        assertThat(readFrame(subscribed(alice, bob.id(), "camera").broadcast())).startsWith("frame ");
        assertThat(readFrame(subscribed(bob, alice.id(), "camera").broadcast())).startsWith("frame ");
        Thread.sleep(fast.fallbackAfterMs() + 500); // bounded: long enough for a wrong fallback to show
        assertThat(((HybridRoom) alice.room()).viaRelay(bob.id())).as("direct works: no relay").isFalse();
        assertThat(alice.log().snapshot()).noneMatch(e -> e instanceof RoomEvent.PeerRoute);
        MoqRelay relay = relays.getFirst();
        assertThat(relay.sessions()).hasSize(2);

        // carol joins with no peer to bootstrap from (as if no direct path existed): gossip never links her,
        // so each side reaches the other through the relay after the fallback time
        Peer carol = join(new RoomTicket(ticket.topic(), List.of(), RoomMode.HYBRID, ticket.moqRelay()), "carol",
                RoomOptions.defaults(), fast);
        carol.room().handle().publish("camera", camera()).get(5, TimeUnit.SECONDS);

        alice.log().await(e -> e instanceof RoomEvent.PeerRoute r && r.peer().equals(carol.id()) && r.viaRelay(), WAIT);
        assertThat(readFrame(subscribed(alice, carol.id(), "camera").broadcast())).startsWith("frame ");
        carol.log().await(e -> e instanceof RoomEvent.PeerRoute r && r.peer().equals(alice.id()) && r.viaRelay(), WAIT);
        assertThat(readFrame(subscribed(carol, alice.id(), "camera").broadcast())).startsWith("frame ");
        assertThat(((HybridRoom) alice.room()).viaRelay(bob.id())).as("bob stays direct").isFalse();
    }
}
