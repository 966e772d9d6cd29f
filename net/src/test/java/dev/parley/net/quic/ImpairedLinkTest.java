package dev.parley.net.quic;

import dev.parley.net.identity.Identity;
import dev.parley.net.testing.UdpProxy;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.Connection;
import dev.parley.net.transport.PathStats;
import dev.parley.net.transport.SendStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.parley.net.quic.EndpointTest.ALPN;
import static dev.parley.net.quic.EndpointTest.readAll;
import static org.assertj.core.api.Assertions.assertThat;

/** QUIC through the loopback impairment proxy: data survives loss, and the stats show the impairment. */
@Timeout(90)
class ImpairedLinkTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private Connection[] connectThrough(UdpProxy proxy, Endpoint server, Endpoint client,
                                        LinkedBlockingQueue<Connection> accepted) throws Exception {
        Connection c = client.connect(EndpointAddr.of(server.id(), proxy.address()), ALPN).get(30, TimeUnit.SECONDS);
        Connection s = accepted.poll(30, TimeUnit.SECONDS);
        return new Connection[] {c, s};
    }

    private Endpoint bind() {
        Endpoint e = Endpoint.bind(EndpointConfig.loopback(Identity.generate()).withHandshakeTimeout(Duration.ofSeconds(20)));
        toClose.add(e);
        return e;
    }

    @Test
    void dataArrivesIntactThroughTenPercentLoss() throws Exception {
        Endpoint server = bind();
        Endpoint client = bind();
        var accepted = new LinkedBlockingQueue<Connection>();
        server.register(ALPN, accepted::add);
        UdpProxy proxy = new UdpProxy(server.localAddress(), 11).loss(10);
        toClose.add(proxy);

        Connection[] pair = connectThrough(proxy, server, client, accepted);
        byte[] payload = new byte[1024 * 1024];
        new Random(5).nextBytes(payload);
        SendStream out = pair[0].openUni();
        Thread.ofVirtual().start(() -> {
            out.write(payload);
            out.finish();
        });
        byte[] received = readAll(pair[1].acceptUni());
        assertThat(MessageDigest.getInstance("SHA-256").digest(received))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(payload));
        assertThat(proxy.dropped()).isPositive();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pair[0].pathStats().packetsLost() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        PathStats stats = pair[0].pathStats();
        assertThat(stats.packetsLost()).isPositive();
        assertThat(stats.lossRateSince(PathStats.empty(stats.remote(), false))).isBetween(0.01, 0.5);
    }

    @Test
    void addedDelayShowsInRttAndCanChangeWhileRunning() throws Exception {
        Endpoint server = bind();
        Endpoint client = bind();
        var accepted = new LinkedBlockingQueue<Connection>();
        server.register(ALPN, conn -> {
            accepted.add(conn);
            try {
                while (true) {
                    BidiStream s = conn.acceptBidi();
                    byte[] b = new byte[1];
                    while (s.recv().read(b, 0, 1) > 0) {
                        s.send().write(b.clone());
                        s.send().flush();
                    }
                }
            } catch (InterruptedException | RuntimeException done) {
                // connection closed
            }
        });
        UdpProxy proxy = new UdpProxy(server.localAddress()).delay(Duration.ofMillis(40));
        toClose.add(proxy);
        Connection[] pair = connectThrough(proxy, server, client, accepted);

        BidiStream ping = pair[0].openBidi();
        pingPong(ping, 10);
        Duration slow = pair[0].pathStats().rtt();
        assertThat(slow).isGreaterThanOrEqualTo(Duration.ofMillis(70));

        proxy.delay(Duration.ZERO);
        pingPong(ping, 40);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pair[0].pathStats().rtt().compareTo(Duration.ofMillis(40)) > 0 && System.nanoTime() < deadline) {
            pingPong(ping, 5);
        }
        assertThat(pair[0].pathStats().rtt()).isLessThan(slow);
    }

    @Test
    void aVanishedPeerEndsInAnIdleTimeoutAndBlockedCallsFail() throws Exception {
        Endpoint server = bind();
        Endpoint client = Endpoint.bind(EndpointConfig.loopback(Identity.generate()).withIdleTimeout(Duration.ofSeconds(1)));
        toClose.add(client);
        var accepted = new LinkedBlockingQueue<Connection>();
        server.register(ALPN, accepted::add);
        UdpProxy proxy = new UdpProxy(server.localAddress());
        toClose.add(proxy);
        Connection[] pair = connectThrough(proxy, server, client, accepted);
        BidiStream waiting = pair[0].openBidi();
        waiting.send().write(new byte[] {1});
        waiting.send().flush();

        proxy.loss(100); // the peer vanishes
        var reason = pair[0].closed().get(20, TimeUnit.SECONDS);
        assertThat(reason).isInstanceOf(dev.parley.net.transport.CloseReason.TransportError.class);
        assertThat(reason.toString()).contains("idle timeout");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> waiting.recv().read(new byte[1], 0, 1))
                .isInstanceOf(dev.parley.net.transport.ConnectionClosedException.class);
        assertThat(pair[1].closed().get(40, TimeUnit.SECONDS)).isNotNull(); // the other side times out too
    }

    private static void pingPong(BidiStream s, int times) throws InterruptedException {
        byte[] b = new byte[1];
        for (int i = 0; i < times; i++) {
            s.send().write(new byte[] {(byte) i});
            s.send().flush();
            assertThat(s.recv().read(b, 0, 1)).isEqualTo(1);
        }
        Thread.sleep(QuicConnection.STATS_INTERVAL.toMillis() + 50); // let a stats sample happen
    }
}
