package dev.parley.net.quic;

import dev.parley.net.identity.Identity;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.parley.net.quic.EndpointTest.ALPN;
import static dev.parley.net.quic.EndpointTest.echo;
import static dev.parley.net.quic.EndpointTest.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Authentication failures, refused protocols, garbage and silence: each fails alone, cleanly. */
@Timeout(60)
class EndpointSecurityTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private Endpoint endpoint(EndpointConfig config) {
        Endpoint e = Endpoint.bind(config);
        toClose.add(e);
        return e;
    }

    private Endpoint endpoint() {
        return endpoint(EndpointConfig.loopback(Identity.generate()));
    }

    private static String roundTrip(Connection conn, String text) throws InterruptedException {
        BidiStream s = conn.openBidi();
        s.send().write(text.getBytes(StandardCharsets.UTF_8));
        s.send().finish();
        return new String(readAll(s.recv()), StandardCharsets.UTF_8);
    }

    @Test
    void dialWithWrongExpectedIdFailsAndServerKeepsServing() throws Exception {
        Endpoint server = endpoint();
        Endpoint client = endpoint();
        server.register(ALPN, echo(new LinkedBlockingQueue<>()));

        EndpointAddr impostor = EndpointAddr.of(Identity.generate().id(), server.localAddress());
        CompletableFuture<Connection> wrong = client.connect(impostor, ALPN);
        assertThatThrownBy(() -> wrong.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(DialException.class)
                .hasMessageContaining("not the expected peer");

        Connection good = endpoint().connect(server.addr(), ALPN).get(10, TimeUnit.SECONDS);
        assertThat(roundTrip(good, "still serving")).isEqualTo("still serving");
        Connection retry = client.connect(server.addr(), ALPN).get(10, TimeUnit.SECONDS);
        assertThat(roundTrip(retry, "right key")).isEqualTo("right key");
    }

    @Test
    void unknownAlpnIsRefusedWhileAGoodConnectionWorks() throws Exception {
        Endpoint server = endpoint();
        Endpoint client = endpoint();
        var accepted = new LinkedBlockingQueue<Connection>();
        server.register(ALPN, echo(accepted));
        Connection good = client.connect(server.addr(), ALPN).get(10, TimeUnit.SECONDS);

        CompletableFuture<Connection> refused = client.connect(server.addr(), "/iroh-gossip/1");
        assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(DialException.class)
                .hasMessageContaining("serves none of the protocols /iroh-gossip/1");

        assertThat(roundTrip(good, "after refusal")).isEqualTo("after refusal");
        assertThat(accepted).hasSize(1);
        assertThat(good.closed()).isNotDone();
    }

    @Test
    void garbageDatagramsDoNotDisturbALiveConnection() throws Exception {
        Endpoint server = endpoint();
        Endpoint client = endpoint();
        server.register(ALPN, echo(new LinkedBlockingQueue<>()));
        Connection conn = client.connect(server.addr(), ALPN).get(10, TimeUnit.SECONDS);
        assertThat(roundTrip(conn, "before")).isEqualTo("before");

        Random random = new Random(42);
        try (DatagramSocket junk = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 500; i++) {
                byte[] payload = new byte[random.nextInt(1, 1400)];
                random.nextBytes(payload);
                if (i % 3 == 0) {
                    payload[0] = (byte) 0xc0; // long header
                } else if (i % 3 == 1) {
                    payload[0] = (byte) 0x40; // short header
                }
                junk.send(new DatagramPacket(payload, payload.length, server.localAddress()));
                junk.send(new DatagramPacket(payload, payload.length, client.localAddress()));
            }
            junk.send(new DatagramPacket(new byte[0], 0, server.localAddress()));
        }
        assertThat(roundTrip(conn, "after garbage")).isEqualTo("after garbage");
        assertThat(conn.closed()).isNotDone();
    }

    @Test
    void handshakeToSilentPortTimesOutWithinTheConfiguredTime() throws Exception {
        Endpoint client = endpoint(EndpointConfig.loopback(Identity.generate())
                .withHandshakeTimeout(Duration.ofMillis(1500)));
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            EndpointAddr nobody = EndpointAddr.of(Identity.generate().id(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()));
            long start = System.nanoTime();
            CompletableFuture<Connection> dial = client.connect(nobody, ALPN);
            assertThatThrownBy(() -> dial.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(DialException.class)
                    .hasMessageContaining("timed out");
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(elapsedMs).isBetween(1000L, 4000L);
        }
        // The endpoint is still usable afterwards.
        Endpoint server = endpoint();
        server.register(ALPN, echo(new LinkedBlockingQueue<>()));
        assertThat(roundTrip(client.connect(server.addr(), ALPN).get(10, TimeUnit.SECONDS), "ok")).isEqualTo("ok");
    }

    @Test
    void concurrentDialsShareOneConnection() throws Exception {
        Endpoint server = endpoint();
        Endpoint client = endpoint();
        var accepted = new LinkedBlockingQueue<Connection>();
        server.register(ALPN, echo(accepted));

        List<CompletableFuture<Connection>> dials = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            dials.add(client.connect(server.addr(), ALPN));
        }
        Connection first = dials.getFirst().get(10, TimeUnit.SECONDS);
        for (CompletableFuture<Connection> d : dials) {
            assertThat(d.get(10, TimeUnit.SECONDS)).isSameAs(first);
        }
        assertThat(client.connect(server.addr(), ALPN).get(10, TimeUnit.SECONDS)).isSameAs(first);
        assertThat(accepted.poll(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(accepted.poll(300, TimeUnit.MILLISECONDS)).isNull();

        // Once closed, the next dial makes a new connection.
        first.close(0, "done");
        first.closed().get(5, TimeUnit.SECONDS);
        Connection second = client.connect(server.addr(), ALPN).get(10, TimeUnit.SECONDS);
        assertThat(second).isNotSameAs(first);
        assertThat(roundTrip(second, "again")).isEqualTo("again");
    }

    @Test
    void closeCodeAndReasonReachThePeer() throws Exception {
        Endpoint server = endpoint();
        Endpoint client = endpoint();
        var accepted = new LinkedBlockingQueue<Connection>();
        server.register(ALPN, accepted::add);
        Connection conn = client.connect(server.addr(), ALPN).get(10, TimeUnit.SECONDS);
        Connection serverSide = accepted.poll(5, TimeUnit.SECONDS);
        assertThat(serverSide).isNotNull();

        conn.close(13, "not found");
        assertThat(conn.closed().get(5, TimeUnit.SECONDS)).isEqualTo(new CloseReason.Local(13, "not found"));
        assertThat(serverSide.closed().get(5, TimeUnit.SECONDS)).isEqualTo(new CloseReason.Remote(13, "not found"));
        assertThatThrownBy(serverSide::acceptBidi).isInstanceOf(dev.parley.net.transport.ConnectionClosedException.class);
    }
}
