package dev.parley.net.quic;

import dev.parley.net.identity.Identity;
import dev.parley.net.transport.PathInfo;
import dev.parley.net.transport.RelayAddress;
import dev.parley.net.relay.RelayServer;
import dev.parley.net.stun.StunServer;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Endpoints with a home relay (a real relay server and STUN responder on loopback): a ticket naming only
 * the id and the relay connects, and the CallMeMaybe exchange through the relay moves the call direct.
 */
@Timeout(60)
class RelayPathTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private String relay() {
        RelayServer server = RelayServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).threads(1).start();
        toClose.add(server);
        StunServer stun = StunServer.start(new InetSocketAddress("127.0.0.1", server.port()), server.group());
        toClose.add(stun); // closed before the server (whose event loops it shares)
        return server.url("127.0.0.1");
    }

    private Endpoint endpoint(String relay) {
        Endpoint e = Endpoint.bind(EndpointConfig.loopback(Identity.generate()).withRelay(relay));
        toClose.add(e);
        return e;
    }

    static void await(String what, BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aTicketWithOnlyTheIdAndTheRelayConnectsAndGoesDirect() throws Exception {
        String url = relay();
        Endpoint a = endpoint(url);
        Endpoint b = endpoint(url);
        LinkedBlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
        b.register(EndpointTest.ALPN, EndpointTest.echo(accepted));
        assertThat(b.addr().relayUrls()).containsExactly(url);
        await("both relay links", () -> a.paths().relayConnected() && b.paths().relayConnected(), 10_000);
        await("STUN answers", () -> !a.paths().reflexiveAddresses().isEmpty(), 10_000);
        assertThat(a.paths().reflexiveAddresses()).contains(a.localAddress());

        EndpointAddr ticket = new EndpointAddr(b.id(), List.of(), List.of(url));
        long start = System.nanoTime();
        Connection c = a.connect(ticket, EndpointTest.ALPN).get(10, TimeUnit.SECONDS);
        double connectedMs = (System.nanoTime() - start) / 1e6;
        BidiStream s = c.openBidi();
        s.send().write("through the relay".getBytes(StandardCharsets.UTF_8));
        s.send().finish();
        assertThat(new String(EndpointTest.readAll(s.recv()), StandardCharsets.UTF_8)).isEqualTo("through the relay");
        await("a direct path", () -> c.pathInfo().kind() == PathInfo.Kind.DIRECT, 5_000);
        double directMs = (System.nanoTime() - start) / 1e6;
        System.out.printf("relay-only ticket on loopback: connected %.0f ms, direct %.0f ms after the dial (%s)%n",
                connectedMs, directMs, c.pathInfo());
        assertThat(c.remoteAddress()).isEqualTo(b.localAddress());
        await("stats naming the direct address", () -> b.localAddress().equals(c.pathStats().remote()), 2_000);
        Connection in = accepted.poll(5, TimeUnit.SECONDS);
        assertThat(in).isNotNull();
        await("the acceptor goes direct too", () -> in.pathInfo().kind() == PathInfo.Kind.DIRECT, 5_000);
        // still works after the move
        BidiStream s2 = c.openBidi();
        s2.send().write("direct".getBytes(StandardCharsets.UTF_8));
        s2.send().finish();
        assertThat(new String(EndpointTest.readAll(s2.recv()), StandardCharsets.UTF_8)).isEqualTo("direct");
    }

    /**
     * A relay-only call (direct sends switched off on both sides, as behind symmetric NATs): it connects
     * and carries a bulk transfer; prints the dial time, the QUIC RTT and the throughput through the relay.
     */
    @Test
    void aRelayOnlyCallCarriesData() throws Exception {
        String url = relay();
        Endpoint a = endpoint(url);
        Endpoint b = endpoint(url);
        a.paths().allowDirect(false);
        b.paths().allowDirect(false);
        LinkedBlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
        b.register(EndpointTest.ALPN, EndpointTest.echo(accepted));
        await("both relay links", () -> a.paths().relayConnected() && b.paths().relayConnected(), 10_000);
        long start = System.nanoTime();
        Connection c = a.connect(new EndpointAddr(b.id(), b.addr().directAddresses(), List.of(url)), EndpointTest.ALPN)
                .get(10, TimeUnit.SECONDS);
        double dialMs = (System.nanoTime() - start) / 1e6;
        long[] small = new long[20];
        for (int i = 0; i < small.length; i++) {
            long t = System.nanoTime();
            BidiStream e = c.openBidi();
            e.send().write(new byte[100]);
            e.send().finish();
            assertThat(EndpointTest.readAll(e.recv())).hasSize(100);
            small[i] = (System.nanoTime() - t) / 1000;
        }
        java.util.Arrays.sort(small);
        System.out.printf("relay-only on loopback: 100-byte echo on a new stream: median %.1f ms, max %.1f ms%n",
                small[10] / 1e3, small[19] / 1e3);
        byte[] payload = new byte[4 * 1024 * 1024];
        new java.util.Random(1).nextBytes(payload);
        long t0 = System.nanoTime();
        BidiStream s = c.openBidi();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                s.send().write(payload);
                s.send().finish();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        byte[] back = EndpointTest.readAll(s.recv());
        writer.join(10_000);
        double secs = (System.nanoTime() - t0) / 1e9;
        assertThat(back).isEqualTo(payload);
        assertThat(c.pathInfo().kind()).isEqualTo(PathInfo.Kind.RELAY);
        // the stats (and so the overlay) name the relay, not the path layer's stand-in address
        await("stats naming the relay", () -> new RelayAddress(url).equals(c.pathStats().remote()), 2_000);
        assertThat(c.pathStats().relayed()).isTrue();
        System.out.printf("relay-only on loopback: dial %.0f ms, QUIC rtt %.1f ms, 4 MiB echoed in %.2f s (%.1f Mbit/s each way)%n",
                dialMs, c.pathStats().rtt().toNanos() / 1e6, secs, payload.length * 8 / secs / 1e6);
    }
}
