package dev.parley.net.quic;

import dev.parley.net.identity.Identity;
import dev.parley.net.path.PathInfo;
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
        Connection in = accepted.poll(5, TimeUnit.SECONDS);
        assertThat(in).isNotNull();
        await("the acceptor goes direct too", () -> in.pathInfo().kind() == PathInfo.Kind.DIRECT, 5_000);
        // still works after the move
        BidiStream s2 = c.openBidi();
        s2.send().write("direct".getBytes(StandardCharsets.UTF_8));
        s2.send().finish();
        assertThat(new String(EndpointTest.readAll(s2.recv()), StandardCharsets.UTF_8)).isEqualTo("direct");
    }
}
