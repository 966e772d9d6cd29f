package dev.parley.net.relay;

import dev.parley.net.identity.Identity;
import dev.parley.net.relay.RelayFrame.*;
import dev.parley.net.relay.RelayMetrics.Drop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The relay over real loopback sockets, driven by raw-frame clients. */
class RelayServerTest {
    private static EventLoopGroup clients;
    private RelayServer server;

    @BeforeAll
    static void group() {
        clients = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() {
        clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void start() {
        server = RelayServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RawRelaySocket auth(Identity id) throws Exception {
        return RawRelaySocket.authenticated(clients, server.port(), id);
    }

    private static ByteBuf bytes(int n, int fill) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) fill);
        return Unpooled.wrappedBuffer(b);
    }

    private static RelayToClientDatagram nextDatagram(RawRelaySocket s) throws InterruptedException {
        RelayFrame f = s.nextNonPing();
        assertThat(f).isInstanceOf(RelayToClientDatagram.class);
        return (RelayToClientDatagram) f;
    }

    @Test
    void authenticatedClientsExchangeDatagramsBothWaysWithTheirRealSourceId() throws Exception {
        Identity a = Identity.generate();
        Identity b = Identity.generate();
        try (RawRelaySocket sa = auth(a); RawRelaySocket sb = auth(b)) {
            assertThat(server.metrics().clients()).isEqualTo(2);
            sa.send(new ClientToRelayDatagram(b.id(), RelayFrame.Datagrams.single(bytes(1200, 7))));
            RelayToClientDatagram got = nextDatagram(sb);
            assertThat(got.source()).isEqualTo(a.id());
            assertThat(ByteBufUtil.getBytes(got.datagrams().contents())).hasSize(1200).containsOnly(7);
            got.release();
            sb.send(new ClientToRelayDatagram(a.id(), new Datagrams(2, 0, bytes(10, 3))));
            RelayToClientDatagram back = nextDatagram(sa);
            assertThat(back.source()).isEqualTo(b.id());
            assertThat(back.datagrams().ecn()).isEqualTo(2);
            back.release();
            // a batch stays a batch with its segment size
            sa.send(new ClientToRelayDatagram(b.id(), new Datagrams(0, 500, bytes(1300, 1))));
            RelayToClientDatagram batch = nextDatagram(sb);
            assertThat(batch.type()).isEqualTo(7);
            assertThat(batch.datagrams().segmentSize()).isEqualTo(500);
            assertThat(batch.datagrams().contents().readableBytes()).isEqualTo(1300);
            batch.release();
            assertThat(server.metrics().packetsForwarded()).isEqualTo(1 + 1 + 3);
            assertThat(server.metrics().bytesForwarded()).isEqualTo(1200 + 10 + 1300);
        }
    }

    @Test
    void aClientCannotSendAsAnotherId() throws Exception {
        Identity a = Identity.generate();
        Identity b = Identity.generate();
        Identity victim = Identity.generate();
        try (RawRelaySocket sa = auth(a); RawRelaySocket sb = auth(b); RawRelaySocket sv = auth(victim)) {
            // A relay-to-client frame naming the victim as source is not a client frame: refused, connection closed
            sa.send(new RelayToClientDatagram(victim.id(), Datagrams.single(bytes(5, 1))));
            assertThat(sa.awaitClose()).startsWith("1002").contains("RelayToClientDatagram");
            // whatever b sends arrives with b's id, never another
            sb.send(new ClientToRelayDatagram(victim.id(), Datagrams.single(bytes(5, 2))));
            RelayToClientDatagram got = nextDatagram(sv);
            assertThat(got.source()).isEqualTo(b.id());
            got.release();
        }
    }

    @Test
    void forgedSignatureIsRefusedWithAReason() throws Exception {
        Identity claimed = Identity.generate();
        Identity signer = Identity.generate();
        try (RawRelaySocket s = RawRelaySocket.open(clients, server.port(), RelayServer.SUBPROTOCOL_V2, true)) {
            var challenge = (ServerChallenge) s.next();
            // signed with another key, claiming claimed's id
            s.send(new ClientAuth(claimed.id(), signer.sign(RelayAuth.message(challenge.challenge()))));
            RelayFrame f = s.next();
            assertThat(f).isInstanceOf(ServerDeniesAuth.class);
            assertThat(((ServerDeniesAuth) f).reason()).contains("signature does not verify");
            assertThat(s.awaitClose()).contains("signature does not verify");
        }
        assertThat(server.metrics().authRefusals()).isEqualTo(1);
        assertThat(server.metrics().clients()).isZero();
    }

    @Test
    void replayedSignatureForAnotherChallengeIsRefused() throws Exception {
        Identity a = Identity.generate();
        try (RawRelaySocket s = RawRelaySocket.open(clients, server.port(), RelayServer.SUBPROTOCOL_V2, true)) {
            s.next();
            s.send(RelayAuth.answer(a, new ServerChallenge(new byte[16]))); // answers a challenge it was not given
            assertThat(s.next()).isInstanceOf(ServerDeniesAuth.class);
        }
    }

    @Test
    void datagramsBeforeAuthAreRefused() throws Exception {
        try (RawRelaySocket s = RawRelaySocket.open(clients, server.port(), RelayServer.SUBPROTOCOL_V2, true)) {
            s.next();
            s.send(new ClientToRelayDatagram(Identity.generate().id(), Datagrams.single(bytes(3, 0))));
            RelayFrame f = s.next();
            assertThat(f).isInstanceOf(ServerDeniesAuth.class);
            assertThat(((ServerDeniesAuth) f).reason()).contains("expected ClientAuth");
            assertThat(s.awaitClose()).isNotEmpty();
        }
    }

    @Test
    void silenceAfterTheChallengeTimesOut() throws Exception {
        server.close();
        server = RelayServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .limits(new RelayServer.Limits(512, 0, 0, Duration.ofSeconds(15), Duration.ofMillis(300))).start();
        try (RawRelaySocket s = RawRelaySocket.open(clients, server.port(), RelayServer.SUBPROTOCOL_V2, true)) {
            s.next();
            RelayFrame f = s.next();
            assertThat(((ServerDeniesAuth) f).reason()).contains("no ClientAuth within 300 ms");
        }
    }

    @Test
    void peersThatWereSentPacketsLearnWhenTheSenderLeaves() throws Exception {
        Identity a = Identity.generate();
        Identity b = Identity.generate();
        Identity c = Identity.generate();
        try (RawRelaySocket sb = auth(b); RawRelaySocket sc = auth(c)) {
            RawRelaySocket sa = auth(a);
            sa.send(new ClientToRelayDatagram(b.id(), Datagrams.single(bytes(4, 4))));
            nextDatagram(sb).release();
            sa.close();
            RelayFrame gone = sb.nextNonPing();
            assertThat(gone).isEqualTo(new EndpointGone(a.id()));
            // c never got anything from a: no EndpointGone for it
            Thread.sleep(200);
            assertThat(sc.received).noneMatch(f -> f instanceof EndpointGone);
            assertThat(server.metrics().clients()).isEqualTo(2);
        }
    }

    @Test
    void aNewerConnectionWithTheSameIdTakesOver() throws Exception {
        Identity a = Identity.generate();
        Identity b = Identity.generate();
        try (RawRelaySocket old = auth(a); RawRelaySocket sb = auth(b)) {
            try (RawRelaySocket newer = auth(a)) {
                assertThat(old.nextNonPing()).isEqualTo(new Status(Status.SAME_ENDPOINT_ID_CONNECTED));
                assertThat(old.awaitClose()).contains("same endpoint id connected");
                sb.send(new ClientToRelayDatagram(a.id(), Datagrams.single(bytes(8, 8))));
                RelayToClientDatagram got = nextDatagram(newer);
                assertThat(got.source()).isEqualTo(b.id());
                got.release();
                // the old connection's close did not unregister the newer one
                assertThat(server.metrics().clients()).isEqualTo(2);
                assertThat(server.metrics().takeovers()).isEqualTo(1);
            }
        }
    }

    @Test
    void closingTheRelayTellsClientsItIsRestarting() throws Exception {
        try (RawRelaySocket s = auth(Identity.generate())) {
            server.close();
            assertThat(s.nextNonPing()).isEqualTo(new Restarting(RelayServer.RESTART_RECONNECT_MS, RelayServer.RESTART_TRY_FOR_MS));
            assertThat(s.awaitClose()).isNotNull();
        } finally {
            server = RelayServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).start(); // for @AfterEach
        }
    }

    @Test
    void v1ClientsAreServedToo() throws Exception {
        Identity a = Identity.generate();
        try (RawRelaySocket s = RawRelaySocket.open(clients, server.port(), RelayServer.SUBPROTOCOL_V1, true)) {
            var challenge = (ServerChallenge) s.next();
            s.send(RelayAuth.answer(a, challenge));
            assertThat(s.next()).isInstanceOf(ServerConfirmsAuth.class);
            s.send(new Ping(42));
            assertThat(s.nextNonPing()).isEqualTo(new Pong(42));
        }
    }

    @Test
    void datagramsToAnAbsentPeerAndOversizeOnesAreDroppedAndCounted() throws Exception {
        Identity a = Identity.generate();
        Identity b = Identity.generate();
        try (RawRelaySocket sa = auth(a); RawRelaySocket sb = auth(b)) {
            sa.send(new ClientToRelayDatagram(Identity.generate().id(), Datagrams.single(bytes(100, 0))));
            // a single datagram over 64 KiB (the codec refuses to write one, so build the frame by hand)
            ByteBuf big = Unpooled.buffer();
            big.writeByte(4).writeBytes(b.id().bytes()).writeByte(0).writeBytes(new byte[RelayFrameCodec.MAX_PACKET_SIZE + 1]);
            sa.sendRaw(big);
            // a WebSocket message over 1 MiB fails only that connection
            try (RawRelaySocket flood = auth(Identity.generate())) {
                ByteBuf huge = Unpooled.buffer();
                huge.writeByte(5).writeBytes(b.id().bytes()).writeByte(0).writeShort(1200).writeBytes(new byte[RelayFrameCodec.MAX_FRAME_SIZE + 10]);
                flood.sendRaw(huge);
                assertThat(flood.awaitClose()).isNotEmpty();
            }
            sa.send(new ClientToRelayDatagram(b.id(), Datagrams.single(bytes(10, 9))));
            RelayToClientDatagram ok = nextDatagram(sb);
            assertThat(ok.datagrams().contents().readableBytes()).isEqualTo(10); // the oversize one never arrived
            ok.release();
            assertThat(server.metrics().drops(Drop.NO_DESTINATION)).isEqualTo(1);
            assertThat(server.metrics().drops(Drop.OVERSIZE)).isEqualTo(2);
        }
    }

    @Test
    void aFullQueueDropsAndCountsWhileOtherClientsAreUnaffected() throws Exception {
        Identity sender = Identity.generate();
        Identity stalled = Identity.generate();
        Identity healthy = Identity.generate();
        try (RawRelaySocket s = auth(sender); RawRelaySocket h = auth(healthy);
             RawRelaySocket st = RawRelaySocket.open(clients, server.port(), RelayServer.SUBPROTOCOL_V2, true)) {
            var challenge = (ServerChallenge) st.next();
            st.send(RelayAuth.answer(stalled, challenge));
            assertThat(st.next()).isInstanceOf(ServerConfirmsAuth.class);
            st.channel.config().setAutoRead(false); // stops reading: the kernel buffers fill, then the relay's queue
            byte[] payload = new byte[16 * 1024];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int sent = 0;
            while (server.metrics().drops(Drop.QUEUE_FULL) == 0 && System.nanoTime() < deadline) {
                for (int i = 0; i < 64; i++) {
                    s.channel.write(new io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame(RelayFrameCodec.encode(
                            s.channel.alloc(), new ClientToRelayDatagram(stalled.id(), Datagrams.single(Unpooled.wrappedBuffer(payload))))));
                    sent++;
                }
                s.channel.writeAndFlush(new io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame(RelayFrameCodec.encode(
                        s.channel.alloc(), new ClientToRelayDatagram(healthy.id(), Datagrams.single(bytes(20, 5)))))).sync();
            }
            assertThat(server.metrics().drops(Drop.QUEUE_FULL)).as("drops after %d packets", sent).isPositive();
            // the healthy client got its packets while the stalled one's queue overflowed
            s.send(new ClientToRelayDatagram(healthy.id(), Datagrams.single(bytes(21, 6))));
            int healthyGot = 0;
            while (true) {
                RelayToClientDatagram got = nextDatagram(h);
                int size = got.datagrams().contents().readableBytes();
                got.release();
                assertThat(got.source()).isEqualTo(sender.id());
                if (size == 21) {
                    break;
                }
                healthyGot++;
            }
            assertThat(healthyGot).as("every healthy packet sent while the other queue overflowed").isEqualTo(sent / 64);
        }
    }

    @Test
    void theRateLimitDropsTheExcessOfOneClientOnly() throws Exception {
        server.close();
        server = RelayServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).rateLimit(20_000, 100_000).start();
        Identity a = Identity.generate();
        Identity b = Identity.generate();
        try (RawRelaySocket sa = auth(a); RawRelaySocket sb = auth(b)) {
            for (int i = 0; i < 100; i++) { // 100 × 10 KB at once: the 100 KB burst lets about 10 through
                sa.channel.write(new io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame(RelayFrameCodec.encode(
                        sa.channel.alloc(), new ClientToRelayDatagram(b.id(), Datagrams.single(bytes(10_000, 1))))));
            }
            sa.channel.flush();
            sb.send(new ClientToRelayDatagram(a.id(), Datagrams.single(bytes(10, 1))));
            nextDatagram(sa).release(); // b is not limited by a's excess

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.metrics().drops(Drop.RATE_LIMITED) + server.metrics().packetsForwarded() < 101 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long limited = server.metrics().drops(Drop.RATE_LIMITED);
            assertThat(limited).isBetween(85L, 90L);
            assertThat(server.metrics().packetsForwarded()).isEqualTo(100 - limited + 1);
        }
    }

    @Test
    void httpProbesAndMetrics() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        String base = "http://127.0.0.1:" + server.port();
        var ping = http.send(HttpRequest.newBuilder(URI.create(base + "/ping")).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ping.statusCode()).isEqualTo(200);
        var g204 = http.send(HttpRequest.newBuilder(URI.create(base + "/generate_204")).header("X-Tailscale-Challenge", "abc123")
                .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(g204.statusCode()).isEqualTo(204);
        assertThat(g204.headers().firstValue("X-Tailscale-Response")).hasValue("response abc123");
        var missing = http.send(HttpRequest.newBuilder(URI.create(base + "/nothing-here")).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        var relayWithoutUpgrade = http.send(HttpRequest.newBuilder(URI.create(base + "/relay")).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(relayWithoutUpgrade.statusCode()).isEqualTo(426);
        try (RawRelaySocket sa = auth(Identity.generate())) {
            sa.send(new ClientToRelayDatagram(Identity.generate().id(), Datagrams.single(bytes(5, 0))));
            Thread.sleep(100);
            var metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("content-type").orElse("")).startsWith("text/plain; version=0.0.4");
            assertThat(metrics.body()).contains("parley_relay_clients 1\n")
                    .contains("parley_relay_dropped_packets_total{reason=\"no_destination\"} 1\n")
                    .contains("# TYPE parley_relay_packets_forwarded_total counter");
        }
    }

    @Test
    void aSilentTcpConnectionIsClosed() throws Exception {
        server.close();
        server = RelayServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).httpIdleTimeout(Duration.ofMillis(300)).start();
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            long t0 = System.nanoTime();
            assertThat(s.getInputStream().read()).as("closed by the relay").isEqualTo(-1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(200L, 3000L);
        }
        // an upgraded, authenticated connection is not subject to it
        try (RawRelaySocket a = auth(Identity.generate())) {
            Thread.sleep(600);
            a.send(new Ping(5));
            assertThat(a.nextNonPing()).isEqualTo(new Pong(5));
        }
    }

    @Test
    void otherPathsGoToTheirRoute() throws Exception {
        server.close();
        server = RelayServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .route("/moq", (ctx, req) -> {
                    var res = new io.netty.handler.codec.http.DefaultFullHttpResponse(req.protocolVersion(),
                            io.netty.handler.codec.http.HttpResponseStatus.OK,
                            Unpooled.copiedBuffer("moq here " + req.uri(), java.nio.charset.StandardCharsets.UTF_8));
                    res.headers().setInt("content-length", res.content().readableBytes());
                    req.release();
                    ctx.writeAndFlush(res);
                }).start();
        HttpClient http = HttpClient.newHttpClient();
        var res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/moq/x"))
                .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.body()).isEqualTo("moq here /moq/x");
    }

    @Test
    void serverPingsAndClosesAClientThatNeverAnswers() throws Exception {
        server.close();
        server = RelayServer.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .limits(new RelayServer.Limits(512, 0, 0, Duration.ofMillis(200), Duration.ofSeconds(5))).start();
        try (RawRelaySocket s = auth(Identity.generate())) {
            assertThat(s.next()).isInstanceOf(Ping.class); // not answered
            assertThat(s.awaitClose()).contains("no pong");
        }
    }
}
