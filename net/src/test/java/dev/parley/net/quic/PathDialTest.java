package dev.parley.net.quic;

import dev.parley.net.identity.Identity;
import dev.parley.net.path.MappedAddresses;
import dev.parley.net.path.PathInfo;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dials through the path layer on loopback: the ticket names a relay nobody can reach, so the layer
 * carries the handshake on the direct candidates, QUIC sees only the peers' stand-in addresses, and the
 * acceptor maps the dialer's source to the dialer's id from the Ping that precedes its Initial.
 */
@Timeout(30)
class PathDialTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private Endpoint endpoint() {
        Endpoint e = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
        toClose.add(e);
        return e;
    }

    @org.junit.jupiter.api.RepeatedTest(2)
    void aTicketWithARelayIsDialedThroughThePathLayerAndGoesDirect() throws Exception {
        Endpoint a = endpoint();
        Endpoint b = endpoint();
        LinkedBlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
        b.register(EndpointTest.ALPN, EndpointTest.echo(accepted));
        EndpointAddr ticket = new EndpointAddr(b.id(), b.addr().directAddresses(), List.of("http://127.0.0.1:9"));

        long start = System.nanoTime();
        Connection c = a.connect(ticket, EndpointTest.ALPN).get(10, TimeUnit.SECONDS);
        System.out.printf("path dial on loopback: connected in %.1f ms%n", (System.nanoTime() - start) / 1e6);
        BidiStream s = c.openBidi();
        s.send().write("hello".getBytes(StandardCharsets.UTF_8));
        s.send().finish();
        assertThat(new String(EndpointTest.readAll(s.recv()), StandardCharsets.UTF_8)).isEqualTo("hello");

        assertThat(c.pathInfo().kind()).isEqualTo(PathInfo.Kind.DIRECT);
        assertThat(c.remoteAddress()).isEqualTo(b.localAddress());
        assertThat(((QuicConnection) c).toString()).contains("fd15:70a:510b");

        Connection in = accepted.poll(5, TimeUnit.SECONDS);
        assertThat(in).isNotNull();
        assertThat(((QuicConnection) in).peer()).isEqualTo(a.id());
        // the acceptor saw the dialer through its stand-in (the Ping came first) and now goes direct
        assertThat(b.paths().peerOf(((QuicConnection) in).channelRemote())).isEqualTo(a.id());
        assertThat(in.remoteAddress()).isEqualTo(a.localAddress());
        assertThat(MappedAddresses.isMapped(in.remoteAddress())).isFalse();
    }

    @Test
    void aPlainTicketStillDialsPlainly() throws Exception {
        Endpoint a = endpoint();
        Endpoint b = endpoint();
        LinkedBlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
        b.register(EndpointTest.ALPN, EndpointTest.echo(accepted));
        long start = System.nanoTime();
        Connection c = a.connect(b.addr(), EndpointTest.ALPN).get(10, TimeUnit.SECONDS);
        System.out.printf("plain dial on loopback: connected in %.1f ms%n", (System.nanoTime() - start) / 1e6);
        assertThat(c.remoteAddress()).isEqualTo(b.localAddress());
        assertThat(((QuicConnection) c).channelRemote()).isEqualTo(b.localAddress());
        Connection in = accepted.poll(5, TimeUnit.SECONDS);
        assertThat(((QuicConnection) in).channelRemote()).isEqualTo(a.localAddress());
    }
}
