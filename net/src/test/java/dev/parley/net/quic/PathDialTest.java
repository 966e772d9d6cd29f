package dev.parley.net.quic;

import dev.parley.net.identity.Identity;
import dev.parley.net.path.MappedAddresses;
import dev.parley.net.transport.PathInfo;
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

    /**
     * Garbage with the disco magic, forged and replayed disco packets and marked Initials from an unknown
     * source are dropped (counted) and the endpoint still serves a path-layer dial at once afterwards.
     */
    @Test
    void fuzzedDiscoPacketsNeverStopTheEndpoint() throws Exception {
        Endpoint a = endpoint();
        Endpoint b = endpoint();
        LinkedBlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
        b.register(EndpointTest.ALPN, EndpointTest.echo(accepted));
        Identity mallory = Identity.generate();
        java.util.Random random = new java.util.Random(7);
        int sent = 0;
        long start = System.nanoTime();
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", 0))) {
            byte[] valid;
            io.netty.buffer.ByteBuf enc = dev.parley.net.path.Disco.encode(io.netty.buffer.ByteBufAllocator.DEFAULT, mallory,
                    new dev.parley.net.path.Disco.Ping(new byte[12]));
            valid = new byte[enc.readableBytes()];
            enc.readBytes(valid);
            enc.release();
            for (int i = 0; i < 6000; i++) {
                byte[] p;
                switch (i % 4) {
                    case 0 -> {
                        p = valid.clone();
                        p[random.nextInt(p.length)] ^= 1;
                    }
                    case 1 -> {
                        p = new byte[6 + random.nextInt(400)];
                        random.nextBytes(p);
                        System.arraycopy(valid, 0, p, 0, 6);
                    }
                    case 2 -> { // a marked Initial nobody pings for
                        p = new byte[1200];
                        random.nextBytes(p);
                        p[0] = (byte) 0xc3;
                        p[1] = 0; p[2] = 0; p[3] = 0; p[4] = 1;
                        p[5] = 20;
                        System.arraycopy(dev.parley.net.path.PathLayer.DIAL_MARKER, 0, p, 6, 4);
                    }
                    default -> p = valid; // a valid ping from a stranger, answered with a Pong
                }
                s.send(new java.net.DatagramPacket(p, p.length, b.localAddress()));
                sent++;
                if (i % 500 == 0) {
                    Thread.sleep(5); // let the receive buffer drain a little
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (b.paths().discoReceived() < 2000 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        System.out.printf("endpoint fuzz: %d packets sent in %.0f ms; disco received %d, rejected %d%n", sent,
                (System.nanoTime() - start) / 1e6, b.paths().discoReceived(), b.paths().discoRejected());
        assertThat(b.paths().discoRejected()).isGreaterThan(1000);

        long dial = System.nanoTime();
        EndpointAddr ticket = new EndpointAddr(b.id(), b.addr().directAddresses(), List.of("http://127.0.0.1:9"));
        Connection c = a.connect(ticket, EndpointTest.ALPN).get(10, TimeUnit.SECONDS);
        BidiStream st = c.openBidi();
        st.send().write("still here".getBytes(StandardCharsets.UTF_8));
        st.send().finish();
        assertThat(new String(EndpointTest.readAll(st.recv()), StandardCharsets.UTF_8)).isEqualTo("still here");
        System.out.printf("endpoint fuzz: a dial afterwards connected in %.0f ms%n", (System.nanoTime() - dial) / 1e6);
    }
}
