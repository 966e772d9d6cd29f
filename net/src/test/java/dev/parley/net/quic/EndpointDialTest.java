package dev.parley.net.quic;

import dev.parley.net.identity.Identity;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.net.transport.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.parley.net.quic.EndpointTest.ALPN;
import static dev.parley.net.quic.EndpointTest.echo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Dialing a peer with several addresses: a silent address or another endpoint answering at one of them
 * (wrong key) must not cost the dial its good address, the losers are closed, and the address a peer
 * last had a connection with us at is tried first. 127.0.0.2 is loopback too on Linux; it sorts after
 * 127.0.0.1, so the bad address comes first in the canonical order.
 */
@Timeout(60)
class EndpointDialTest {
    private static final InetAddress FIRST = loopback("127.0.0.1");
    private static final InetAddress SECOND = loopback("127.0.0.2");
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private static InetAddress loopback(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private Endpoint endpoint(InetAddress bind) {
        Endpoint e = Endpoint.bind(EndpointConfig.of(Identity.generate()).withBindAddress(new InetSocketAddress(bind, 0)));
        toClose.add(e);
        return e;
    }

    /** A UDP socket that never answers and counts what reaches it, with the time of the last datagram. */
    private static final class Silent implements AutoCloseable {
        final DatagramSocket socket;
        final AtomicLong datagrams = new AtomicLong();
        final AtomicLong lastNanos = new AtomicLong();
        final AtomicLong firstNanos = new AtomicLong();
        final Thread reader;

        Silent(InetAddress bind) throws Exception {
            socket = new DatagramSocket(new InetSocketAddress(bind, 0));
            socket.setSoTimeout(200);
            reader = Thread.ofPlatform().daemon().start(() -> {
                byte[] buf = new byte[2048];
                while (!socket.isClosed()) {
                    try {
                        socket.receive(new DatagramPacket(buf, buf.length));
                        datagrams.incrementAndGet();
                        lastNanos.set(System.nanoTime());
                        firstNanos.compareAndSet(0, lastNanos.get());
                    } catch (SocketTimeoutException e) {
                        // poll the closed flag
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    private Silent silent(InetAddress bind) throws Exception {
        Silent s = new Silent(bind);
        toClose.add(s);
        return s;
    }

    @Test
    void aSilentAddressAheadOfTheGoodOneCostsNoTimeoutAndIsAbandonedOnceTheDialWins() throws Exception {
        Silent dead = silent(FIRST);
        Endpoint server = endpoint(SECOND);
        server.register(ALPN, echo(new LinkedBlockingQueue<>()));
        Endpoint client = endpoint(FIRST);
        EndpointAddr peer = new EndpointAddr(server.id(), List.of(dead.address(), server.localAddress()), List.of());
        assertThat(peer.directAddresses().getFirst()).isEqualTo(dead.address());

        long start = System.nanoTime();
        Connection conn = client.connect(peer, ALPN).get(10, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(conn.remoteAddress()).isEqualTo(server.localAddress());
        assertThat(ms).as("a handshake timeout is 10 s; the dial took %d ms", ms).isLessThan(2000);
        assertThat(dead.datagrams.get()).as("the silent address was tried").isPositive();
        // The abandoned attempt sends at most its close; no handshake retransmissions follow (the first
        // would come after ~1 s).
        long won = System.nanoTime();
        Thread.sleep(1800);
        long afterWin = (dead.lastNanos.get() - won) / 1_000_000;
        assertThat(afterWin).as("last datagram to the silent address %d ms after the dial won", afterWin).isLessThan(300);
    }

    @Test
    void anotherEndpointAnsweringAtOneAddressDoesNotFailTheDial() throws Exception {
        Endpoint impostor = endpoint(FIRST); // a different local process on 127.0.0.1, say
        impostor.register(ALPN, echo(new LinkedBlockingQueue<>()));
        Endpoint server = endpoint(SECOND);
        server.register(ALPN, echo(new LinkedBlockingQueue<>()));
        Endpoint client = endpoint(FIRST);
        EndpointAddr peer = new EndpointAddr(server.id(), List.of(impostor.localAddress(), server.localAddress()), List.of());

        Connection conn = client.connect(peer, ALPN).get(10, TimeUnit.SECONDS);
        assertThat(conn.remoteId()).contains(server.id());
        assertThat(conn.remoteAddress()).isEqualTo(server.localAddress());
    }

    @Test
    void whenEveryAddressAnswersWithTheWrongKeyTheKeyMismatchIsReported() throws Exception {
        Endpoint a = endpoint(FIRST);
        Endpoint b = endpoint(SECOND);
        a.register(ALPN, echo(new LinkedBlockingQueue<>()));
        b.register(ALPN, echo(new LinkedBlockingQueue<>()));
        Endpoint client = endpoint(FIRST);
        EndpointAddr nobody = new EndpointAddr(Identity.generate().id(), List.of(a.localAddress(), b.localAddress()), List.of());
        assertThatThrownBy(() -> client.connect(nobody, ALPN).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(DialException.class)
                .hasMessageContaining("not the expected peer");
    }

    @Test
    void theAddressAPeerLastConnectedFromIsTriedFirst() throws Exception {
        Silent dead = silent(FIRST);
        Endpoint home = endpoint(FIRST);
        Endpoint peer = endpoint(SECOND);
        peer.register(ALPN, echo(new LinkedBlockingQueue<>()));
        home.register("other", echo(new LinkedBlockingQueue<>()));
        // the peer connects to us first: we see where it comes from
        peer.connect(home.addr(), "other").get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (home.connections().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10); // the server side completes its handshake a moment after the client
        }
        assertThat(home.connections()).singleElement().satisfies(c -> assertThat(c.remoteAddress()).isEqualTo(peer.localAddress()));

        EndpointAddr reported = new EndpointAddr(peer.id(), List.of(dead.address(), peer.localAddress()), List.of());
        assertThat(reported.directAddresses().getFirst()).isEqualTo(dead.address());
        long start = System.nanoTime();
        Connection conn = home.connect(reported, ALPN).get(10, TimeUnit.SECONDS);
        assertThat(conn.remoteAddress()).isEqualTo(peer.localAddress());
        // The other address is tried only as the second attempt, a stagger later (if the handshake with
        // the seen one took that long at all).
        if (dead.datagrams.get() > 0) {
            long triedAfterMs = (dead.firstNanos.get() - start) / 1_000_000;
            assertThat(triedAfterMs).as("the other address was tried %d ms after the dial started", triedAfterMs)
                    .isGreaterThanOrEqualTo(Endpoint.DIAL_STAGGER_MS - 10);
        }
    }

    @Test
    void dialOrderPutsTheSeenAddressFirstOnlyWhenItIsACandidate() {
        var a = new InetSocketAddress(FIRST, 1);
        var b = new InetSocketAddress(SECOND, 2);
        var c = new InetSocketAddress(SECOND, 3);
        assertThat(Endpoint.dialOrder(List.of(a, b), b)).containsExactly(b, a);
        assertThat(Endpoint.dialOrder(List.of(a, b), c)).containsExactly(a, b);
        assertThat(Endpoint.dialOrder(List.of(a, b), null)).containsExactly(a, b);
    }

    @Test
    void aWildcardEndpointAdvertisesLoopbackOnlyWhenItHasNothingElse() throws Exception {
        InetAddress lan = InetAddress.getByName("198.18.3.4");
        InetAddress v6 = InetAddress.getByName("::1");
        assertThat(Endpoint.advertisable(List.of(FIRST, lan, v6), true)).containsExactly(lan);
        assertThat(Endpoint.advertisable(List.of(FIRST, v6), true)).containsExactly(InetAddress.getLoopbackAddress());
        assertThat(Endpoint.advertisable(List.of(), true)).containsExactly(InetAddress.getLoopbackAddress());
    }

    @Test
    void aDualStackEndpointAdvertisesRoutableIpv6AfterIpv4() throws Exception {
        InetAddress lan = InetAddress.getByName("10.77.1.2");
        InetAddress global = InetAddress.getByName("2001:db8:1:1::2");
        InetAddress uniqueLocal = InetAddress.getByName("fd00::2");
        InetAddress linkLocal = InetAddress.getByName("fe80::1%1");
        InetAddress standIn = new dev.parley.net.path.MappedAddresses().of(
                dev.parley.net.identity.Identity.generate().id()).getAddress();
        List<InetAddress> found = List.of(global, linkLocal, FIRST, InetAddress.getByName("::1"), lan, standIn, uniqueLocal);
        assertThat(Endpoint.advertisable(found, true)).as("IPv4 first, then global and unique-local IPv6")
                .containsExactly(lan, global, uniqueLocal);
        assertThat(Endpoint.advertisable(found, false)).as("an IPv4-only socket cannot take IPv6").containsExactly(lan);
        assertThat(Endpoint.advertisable(List.of(global), true)).as("an IPv6-only host").containsExactly(global);
        List<InetAddress> many = new java.util.ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            many.add(InetAddress.getByName("2001:db8:1:1::" + i));
        }
        assertThat(Endpoint.advertisable(many, true)).as("temporary addresses do not flood the ticket")
                .hasSize(Endpoint.MAX_IPV6_ADVERTISED).containsExactlyElementsOf(many.subList(0, Endpoint.MAX_IPV6_ADVERTISED));
    }

    @Test
    void aWildcardEndpointHereAdvertisesItsInterfacesIpv6WhenTheSocketIsDualStack() throws Exception {
        try (Endpoint e = Endpoint.bind(EndpointConfig.of(Identity.generate()))) {
            boolean dualStack = e.localAddress().getAddress() instanceof java.net.Inet6Address;
            List<InetAddress> routableV6 = new java.util.ArrayList<>();
            for (var nif : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp()) {
                    for (InetAddress a : java.util.Collections.list(nif.getInetAddresses())) {
                        int first = a.getAddress()[0] & 0xff;
                        if (a instanceof java.net.Inet6Address && ((first & 0xe0) == 0x20 || (first & 0xfe) == 0xfc)) {
                            routableV6.add(InetAddress.getByAddress(a.getAddress()));
                        }
                    }
                }
            }
            List<InetAddress> advertised = e.addr().directAddresses().stream().map(InetSocketAddress::getAddress).toList();
            System.out.println("dual-stack socket: " + dualStack + "; advertised " + advertised + "; routable IPv6 here " + routableV6);
            if (dualStack) {
                assertThat(advertised).containsAll(routableV6.subList(0, Math.min(routableV6.size(), Endpoint.MAX_IPV6_ADVERTISED)));
            } else {
                assertThat(advertised).allMatch(a -> a instanceof java.net.Inet4Address);
            }
        }
    }

    @Test
    void theAddrListsTheStunReportedPublicAddressAfterTheLocalOnesButNeverLoopback() throws Exception {
        var lan = new InetSocketAddress(InetAddress.getByName("10.77.1.2"), 4000);
        var nat = new InetSocketAddress(InetAddress.getByName("198.18.1.1"), 61000);
        var loop = new InetSocketAddress(InetAddress.getLoopbackAddress(), 4000);
        assertThat(Endpoint.withReflexive(List.of(lan), List.of(nat))).containsExactly(lan, nat);
        assertThat(Endpoint.withReflexive(List.of(lan), List.of(nat, lan))).as("no duplicates").containsExactly(lan, nat);
        assertThat(Endpoint.withReflexive(List.of(lan), List.of(loop))).as("a relay on this machine").containsExactly(lan);
        assertThat(Endpoint.withReflexive(List.of(lan), List.of())).containsExactly(lan);
    }

    @Test
    void whenEveryAddressTimesOutTheErrorNamesThemAll() {
        EndpointAddr peer = new EndpointAddr(Identity.generate().id(),
                List.of(new InetSocketAddress(FIRST, 1), new InetSocketAddress(SECOND, 2)), List.of());
        DialException e = Endpoint.mostTelling(List.of(new DialException("handshake with x timed out after 10 ms"),
                new DialException("handshake with y timed out after 10 ms")), peer, peer.directAddresses());
        assertThat(e.getMessage()).startsWith("cannot reach " + peer.id().shortHex() + " at any of [")
                .contains("127.0.0.2:2", "timed out");
        DialException refused = Endpoint.mostTelling(List.of(new DialException("handshake with x timed out after 10 ms"),
                new DialException("the endpoint y refused the connection: it does not serve protocol p")), peer,
                peer.directAddresses());
        assertThat(refused.getMessage()).contains("refused");
    }
}
