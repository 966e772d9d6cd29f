package dev.parley.net.relay;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link RelayClient} against the real relay over loopback. */
class RelayClientTest {
    private static EventLoopGroup group;

    @BeforeAll
    static void group() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Records what a link delivers. */
    static final class Inbox implements RelayLink.Listener {
        final BlockingQueue<String> datagrams = new LinkedBlockingQueue<>();
        final BlockingQueue<EndpointId> gone = new LinkedBlockingQueue<>();
        final BlockingQueue<Boolean> changes = new LinkedBlockingQueue<>();

        @Override
        public void onDatagram(EndpointId source, ByteBuf datagram) {
            datagrams.add(source.shortHex() + ":" + new String(ByteBufUtil.getBytes(datagram), java.nio.charset.StandardCharsets.UTF_8));
            datagram.release();
        }

        @Override
        public void onEndpointGone(EndpointId id) {
            gone.add(id);
        }

        @Override
        public void onConnectionChanged(boolean connected) {
            changes.add(connected);
        }
    }

    static void await(BooleanSupplier condition, long millis, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " not within " + millis + " ms");
            }
            Thread.sleep(5);
        }
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void relayUrlsMapToTheWebSocketPath() {
        assertThat(RelayClient.webSocketUri("http://198.18.0.1:3340/")).hasToString("ws://198.18.0.1:3340/relay");
        assertThat(RelayClient.webSocketUri("https://relay.example/")).hasToString("wss://relay.example:443/relay");
        assertThat(RelayClient.webSocketUri("http://[fd00::1]:80")).hasToString("ws://[fd00::1]:80/relay");
        assertThat(RelayClient.webSocketUri("ws://h:1/relay")).hasToString("ws://h:1/relay");
        assertThatThrownBy(() -> RelayClient.webSocketUri("ftp://x/")).hasMessageContaining("http(s)://host:port/");
        assertThat(RelayClient.stunAddress("http://198.18.0.1:3340/")).isEqualTo(InetSocketAddress.createUnresolved("198.18.0.1", 3340));
        assertThat(RelayClient.stunAddress("https://[fd00::1]/")).isEqualTo(InetSocketAddress.createUnresolved("fd00::1", 443));
    }

    @Test
    void twoClientsTalkThroughTheRelayAndLearnWhenOneLeaves() throws Exception {
        try (RelayServer server = RelayServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).start()) {
            String url = server.url("127.0.0.1");
            Identity a = Identity.generate();
            Identity b = Identity.generate();
            Inbox ia = new Inbox();
            Inbox ib = new Inbox();
            RelayLink la = RelayClient.connect(url, a, group, ia);
            try (RelayLink lb = RelayClient.connect(url, b, group, ib)) {
                assertThat(la.url()).isEqualTo(url);
                assertThat(ia.changes.poll(5, TimeUnit.SECONDS)).isTrue();
                assertThat(ib.changes.poll(5, TimeUnit.SECONDS)).isTrue();
                assertThat(la.send(b.id(), text("hello b"))).isTrue();
                assertThat(ib.datagrams.poll(5, TimeUnit.SECONDS)).isEqualTo(a.id().shortHex() + ":hello b");
                assertThat(lb.send(a.id(), text("hello a"))).isTrue();
                assertThat(ia.datagrams.poll(5, TimeUnit.SECONDS)).isEqualTo(b.id().shortHex() + ":hello a");
                // too big or empty: refused at once, and the buffer is released
                ByteBuf big = Unpooled.buffer(RelayFrameCodec.MAX_PACKET_SIZE + 1).writeZero(RelayFrameCodec.MAX_PACKET_SIZE + 1);
                assertThat(la.send(b.id(), big)).isFalse();
                assertThat(big.refCnt()).isZero();
                la.close();
                assertThat(ib.gone.poll(5, TimeUnit.SECONDS)).isEqualTo(a.id());
                assertThat(la.isConnected()).isFalse();
                ByteBuf after = text("late");
                assertThat(la.send(b.id(), after)).isFalse();
                assertThat(after.refCnt()).isZero();
            }
        }
    }

    @Test
    void reconnectsAfterTheRelayRestartsOnTheSamePort() throws Exception {
        Identity a = Identity.generate();
        Identity b = Identity.generate();
        Inbox ia = new Inbox();
        Inbox ib = new Inbox();
        RelayServer server = RelayServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).start();
        int port = server.port();
        String url = server.url("127.0.0.1");
        try (RelayLink la = RelayClient.connect(url, a, group, ia); RelayLink lb = RelayClient.connect(url, b, group, ib)) {
            await(() -> la.isConnected() && lb.isConnected(), 5000, "both connected");
            server.close();
            assertThat(ia.changes.poll(5, TimeUnit.SECONDS)).isTrue();
            assertThat(ia.changes.poll(5, TimeUnit.SECONDS)).as("disconnect reported").isFalse();
            Thread.sleep(300); // a few failed redials while the relay is down
            long restarted = System.nanoTime();
            server = RelayServer.builder().bind(new InetSocketAddress("127.0.0.1", port)).start();
            await(() -> la.isConnected() && lb.isConnected(), 5000, "both reconnected");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
            System.out.println("relay client reconnected " + ms + " ms after the relay came back");
            assertThat(ms).isLessThan(2000); // backoff is still short after 300 ms of failures
            assertThat(la.send(b.id(), text("again"))).isTrue();
            assertThat(ib.datagrams.poll(5, TimeUnit.SECONDS)).isEqualTo(a.id().shortHex() + ":again");
        } finally {
            server.close();
        }
    }

    @Test
    void aSilentRelayIsDetectedAndRedialled() throws Exception {
        // A TCP listener that accepts and never answers: the WebSocket upgrade times out and the client keeps trying.
        try (var silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Inbox inbox = new Inbox();
            var opts = new RelayClient.Options(java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(200),
                    java.time.Duration.ofMillis(200), java.time.Duration.ofMillis(600), java.time.Duration.ofMillis(300),
                    512, java.util.Optional.empty());
            try (RelayLink link = RelayClient.connect("http://127.0.0.1:" + silent.getLocalPort() + "/", Identity.generate(),
                    group, inbox, opts)) {
                silent.setSoTimeout(3000);
                java.util.List<java.net.Socket> accepted = new java.util.ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    accepted.add(silent.accept()); // three dials within 3 s each: it gave up on each and redialled
                }
                assertThat(link.isConnected()).isFalse();
                for (var s : accepted) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aHealthyIdleLinkStaysUpOnPingsAlone() throws Exception {
        try (RelayServer server = RelayServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).start()) {
            Inbox inbox = new Inbox();
            var opts = new RelayClient.Options(java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(200),
                    java.time.Duration.ofMillis(200), java.time.Duration.ofMillis(600), java.time.Duration.ofSeconds(2),
                    512, java.util.Optional.empty());
            try (RelayLink link = RelayClient.connect(server.url("127.0.0.1"), Identity.generate(), group, inbox, opts)) {
                assertThat(inbox.changes.poll(5, TimeUnit.SECONDS)).isTrue();
                // nothing but the client's pings for well past the 600 ms deadline: still up
                Thread.sleep(1500);
                assertThat(inbox.changes).isEmpty();
                assertThat(link.isConnected()).isTrue();
            }
        }
    }

    @Test
    void aRelayThatGoesSilentIsDroppedAndRedialled() throws Exception {
        try (RelayServer server = RelayServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).start();
             BlackholeProxy proxy = new BlackholeProxy(server.port())) {
            Inbox inbox = new Inbox();
            var opts = new RelayClient.Options(java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(200),
                    java.time.Duration.ofMillis(300), java.time.Duration.ofMillis(900), java.time.Duration.ofSeconds(2),
                    512, java.util.Optional.empty());
            try (RelayLink link = RelayClient.connect("http://127.0.0.1:" + proxy.port() + "/", Identity.generate(), group, inbox, opts)) {
                assertThat(inbox.changes.poll(5, TimeUnit.SECONDS)).isTrue();
                long t0 = System.nanoTime();
                proxy.blackhole(true); // the path dies without a FIN or RST, like a lost NAT mapping
                assertThat(inbox.changes.poll(5, TimeUnit.SECONDS)).as("loss of the link reported").isFalse();
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                System.out.println("silent relay detected after " + ms + " ms (deadline 900 ms)");
                assertThat(ms).isBetween(800L, 3000L);
                proxy.blackhole(false);
                assertThat(inbox.changes.poll(5, TimeUnit.SECONDS)).as("redialled through the healed path").isTrue();
                assertThat(link.isConnected()).isTrue();
            }
        }
    }

    /** A TCP forwarder whose path can be cut silently: while blackholed it swallows bytes both ways. */
    static final class BlackholeProxy implements AutoCloseable {
        private final java.net.ServerSocket listener = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        private final java.util.List<java.net.Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile boolean blackhole;

        BlackholeProxy(int target) throws java.io.IOException {
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        java.net.Socket in = listener.accept();
                        java.net.Socket out = new java.net.Socket("127.0.0.1", target);
                        sockets.add(in);
                        sockets.add(out);
                        pump(in, out);
                        pump(out, in);
                    }
                } catch (java.io.IOException closed) {
                    // proxy closed
                }
            });
        }

        private void pump(java.net.Socket from, java.net.Socket to) {
            Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[16384];
                try (from; to) {
                    int n;
                    while ((n = from.getInputStream().read(buf)) >= 0) {
                        if (!blackhole) {
                            to.getOutputStream().write(buf, 0, n);
                        }
                    }
                } catch (java.io.IOException e) {
                    // either side closed
                }
            });
        }

        int port() {
            return listener.getLocalPort();
        }

        void blackhole(boolean on) {
            blackhole = on;
        }

        @Override
        public void close() throws java.io.IOException {
            listener.close();
            for (java.net.Socket s : sockets) {
                s.close();
            }
        }
    }
}
