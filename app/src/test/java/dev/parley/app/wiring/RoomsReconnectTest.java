package dev.parley.app.wiring;

import dev.parley.app.service.BgraFrame;
import dev.parley.app.service.ConnectionState;
import dev.parley.app.service.JoinRequest;
import dev.parley.app.service.Participant;
import dev.parley.app.service.RoomSession;
import dev.parley.app.service.RoomUpdate;
import dev.parley.app.service.SourceSelection;
import dev.parley.net.testing.UdpProxy;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.rooms.ReconnectPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A network outage between two app call services over real QUIC, encoders and decoders: each room
 * advertises a UDP proxy in front of its endpoint, so cutting the proxies cuts every path between them.
 * The tile goes "reconnecting", the banner shows, and both recover on their own with video flowing.
 */
@Timeout(150)
class RoomsReconnectTest {
    @TempDir
    Path configA;
    @TempDir
    Path configB;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<UdpProxy> proxies = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        for (UdpProxy p : proxies) {
            p.close();
        }
    }

    private RoomsCallService behindProxy(Path config) {
        return RoomsCallServiceTest.service(config, (endpoint, options) -> {
            UdpProxy proxy = new UdpProxy(endpoint.localAddress());
            proxies.add(proxy);
            return options.withAdvertisedAddr(EndpointAddr.of(endpoint.id(), proxy.address()))
                    .withReconnect(new ReconnectPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(60)));
        });
    }

    private record Log(List<RoomUpdate> events) {
        Log() {
            this(new CopyOnWriteArrayList<>());
        }

        /** Waits for an event matching {@code p} at or after index {@code from}; returns its index. */
        int await(int from, Predicate<RoomUpdate> p, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (int i = from; i < events.size(); i++) {
                    if (p.test(events.get(i))) {
                        return i;
                    }
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no matching event within " + timeout + "; got " + events);
        }
    }

    private static Predicate<RoomUpdate> tileState(String id, ConnectionState state) {
        return e -> e instanceof RoomUpdate.ParticipantChanged c && c.id().equals(id) && c.connection() == state;
    }

    /** Waits until the tile renders {@code n} new frames. */
    private static void awaitFrames(Participant tile, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int seen = 0;
        while (seen < n) {
            assertThat(System.nanoTime()).as("frames within 20 s").isLessThan(deadline);
            BgraFrame f = tile.video().poll();
            if (f != null) {
                f.close();
                seen++;
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aNetworkOutageShowsReconnectingAndRecoversWithVideo() throws Exception {
        RoomSession a = behindProxy(configA).create(new JoinRequest("alice", SourceSelection.testSources())).get(30, TimeUnit.SECONDS);
        closeables.add(a);
        RoomSession b = behindProxy(configB).join(a.ticket(), new JoinRequest("bob", SourceSelection.testSources()))
                .get(30, TimeUnit.SECONDS);
        closeables.add(b);
        Log bLog = new Log();
        b.subscribe(bLog.events()::add);
        String alice = a.self().id();
        int joined = bLog.await(0, e -> e instanceof RoomUpdate.ParticipantJoined j && j.participant().id().equals(alice),
                Duration.ofSeconds(15));
        Participant tile = ((RoomUpdate.ParticipantJoined) bLog.events().get(joined)).participant();
        bLog.await(joined, tileState(alice, ConnectionState.CONNECTED), Duration.ofSeconds(15));
        awaitFrames(tile, 5);

        proxies.forEach(p -> p.loss(100));
        int down = bLog.await(joined, tileState(alice, ConnectionState.RECONNECTING), Duration.ofSeconds(15));
        bLog.await(joined, e -> e.equals(new RoomUpdate.SelfConnectionChanged(ConnectionState.RECONNECTING)),
                Duration.ofSeconds(15));
        assertThat(bLog.events()).noneMatch(e -> e instanceof RoomUpdate.ParticipantLeft);

        long restored = System.nanoTime();
        proxies.forEach(p -> p.loss(0));
        bLog.await(down, tileState(alice, ConnectionState.CONNECTED), Duration.ofSeconds(30));
        bLog.await(down, e -> e.equals(new RoomUpdate.SelfConnectionChanged(ConnectionState.CONNECTED)), Duration.ofSeconds(30));
        while (tile.video().poll() instanceof BgraFrame stale) {
            stale.close();
        }
        awaitFrames(tile, 5);
        System.out.printf("tile recovered with video %d ms after the network came back%n",
                (System.nanoTime() - restored) / 1_000_000);
        assertThat(bLog.events()).noneMatch(e -> e instanceof RoomUpdate.ParticipantLeft);
    }
}
