package dev.parley.net.relay;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.relay.RelayFrame.*;
import dev.parley.net.stun.Stun;
import dev.parley.net.stun.StunServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of everything a stranger can send the relay: frame bytes to the codec, garbage frames and
 * garbage bytes to a live server, STUN packets to the parser and to a live responder. Over 100k cases
 * in a normal run; the seed is printed and can be fixed with {@code -Dparley.fuzz.seed=N}.
 */
@Timeout(120)
class RelayFuzzTest {
    private static final long SEED = Long.getLong("parley.fuzz.seed", System.nanoTime());
    private static final EndpointId ID = Identity.fromSecret(new byte[32]).id();
    private static EventLoopGroup group;

    @BeforeAll
    static void start() {
        System.out.println("RelayFuzzTest seed " + SEED + " (-Dparley.fuzz.seed=" + SEED + " repeats it)");
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Valid encodings of every frame type: the seeds that mutations start from. */
    private static List<byte[]> seeds(SplittableRandom r) {
        byte[] sig = new byte[64];
        r.nextBytes(sig);
        List<RelayFrame> frames = List.of(new ServerChallenge(new byte[16]), new ClientAuth(ID, sig), new ServerConfirmsAuth(),
                new ServerDeniesAuth("nope"), new ClientToRelayDatagram(ID, Datagrams.single(Unpooled.wrappedBuffer(new byte[40]))),
                new ClientToRelayDatagram(ID, new Datagrams(1, 10, Unpooled.wrappedBuffer(new byte[35]))),
                new RelayToClientDatagram(ID, Datagrams.single(Unpooled.wrappedBuffer(new byte[3]))),
                new RelayToClientDatagram(ID, new Datagrams(3, 7, Unpooled.wrappedBuffer(new byte[14]))),
                new EndpointGone(ID), new Ping(1), new Pong(2), new Health("h"), new Restarting(3, 4), new Status(0));
        return frames.stream().map(f -> {
            ByteBuf b = RelayFrameCodec.encode(ByteBufAllocator.DEFAULT, f);
            try {
                return ByteBufUtil.getBytes(b);
            } finally {
                b.release();
            }
        }).toList();
    }

    /** Random bytes, or a valid frame with flipped bytes, cut short, extended, or retyped. */
    static byte[] mutate(SplittableRandom r, List<byte[]> seeds) {
        int mode = r.nextInt(5);
        if (mode == 0) {
            byte[] b = new byte[r.nextInt(0, 200)];
            r.nextBytes(b);
            return b;
        }
        byte[] b = seeds.get(r.nextInt(seeds.size())).clone();
        switch (mode) {
            case 1 -> {
                for (int i = r.nextInt(1, 4); i > 0 && b.length > 0; i--) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
            }
            case 2 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
            case 3 -> b = java.util.Arrays.copyOf(b, b.length + r.nextInt(1, 40));
            default -> b[0] = (byte) r.nextInt(256);
        }
        return b;
    }

    @Test
    void theCodecEitherDecodesOrThrowsItsOwnException() {
        SplittableRandom r = new SplittableRandom(SEED);
        List<byte[]> seeds = seeds(r);
        int decoded = 0;
        int refused = 0;
        for (int i = 0; i < 60_000; i++) {
            byte[] wire = mutate(r, seeds);
            ByteBuf in = Unpooled.wrappedBuffer(wire);
            try {
                RelayFrame f = RelayFrameCodec.decode(in);
                decoded++;
                // whatever decodes re-encodes to the same bytes
                ByteBuf again = RelayFrameCodec.encode(ByteBufAllocator.DEFAULT, f);
                try {
                    if (!java.util.Arrays.equals(ByteBufUtil.getBytes(again), wire)) {
                        throw new AssertionError("case " + i + " re-encodes differently: " + ByteBufUtil.hexDump(wire));
                    }
                } finally {
                    again.release(); // releases a datagram frame's slice with it
                }
            } catch (RelayProtocolException e) {
                refused++;
                if (e.getMessage() == null || e.getMessage().isBlank()) {
                    throw new AssertionError("case " + i + " refused without a reason", e);
                }
            }
            if (in.refCnt() != 1) { // plain checks: assertion objects would dominate 60k cases
                throw new AssertionError("case " + i + " leaked its input: " + ByteBufUtil.hexDump(wire));
            }
        }
        System.out.println("codec fuzz: " + decoded + " decoded, " + refused + " refused");
        assertThat(decoded).isPositive();
        assertThat(refused).isPositive();
    }

    @Test
    void stunParsersNeverThrow() {
        SplittableRandom r = new SplittableRandom(SEED + 1);
        byte[] tx = new byte[12];
        ByteBuf v6 = Stun.bindingResponse(ByteBufAllocator.DEFAULT, tx, new InetSocketAddress("fd00::5", 9));
        ByteBuf req = Stun.bindingRequest(ByteBufAllocator.DEFAULT, tx);
        List<byte[]> seeds = List.of(ByteBufUtil.getBytes(v6), ByteBufUtil.getBytes(req));
        v6.release();
        req.release();
        int parsed = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] p = mutate(r, seeds);
            if (r.nextBoolean() && p.length >= 8) { // keep the cookie so the parsers look deeper
                p[0] &= 0x3f;
                p[4] = 0x21; p[5] = 0x12; p[6] = (byte) 0xa4; p[7] = 0x42;
            }
            ByteBuf b = Unpooled.wrappedBuffer(p);
            Stun.isStun(b);
            if (Stun.parseBindingResponse(b).isPresent() | Stun.parseBindingRequest(b).isPresent()) {
                parsed++;
            }
            if (b.readerIndex() != 0) {
                throw new AssertionError("a STUN parser moved the reader index: " + ByteBufUtil.hexDump(p));
            }
        }
        System.out.println("STUN parser fuzz: " + parsed + " of 30000 parsed");
    }

    @Test
    void aLiveRelayAndStunResponderSurviveGarbage() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED + 2);
        List<byte[]> seeds = seeds(r);
        long directBefore = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        try (RelayServer server = RelayServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).start();
             StunServer stun = StunServer.start(new InetSocketAddress("127.0.0.1", 0), server.group())) {
            Identity a = Identity.generate();
            Identity b = Identity.generate();
            int cases = 0;
            // 1. an authenticated client sends 21k frames a client may send with random contents: pings and
            //    datagrams to random, absent or real destinations, of random sizes and batch shapes
            try (RawRelaySocket sa = RawRelaySocket.authenticated(group, server.port(), a);
                 RawRelaySocket sb = RawRelaySocket.authenticated(group, server.port(), b)) {
                for (int i = 0; i < 21_000; i++) {
                    RelayFrame f = switch (r.nextInt(4)) {
                        case 0 -> new Ping(r.nextLong());
                        case 1 -> {
                            byte[] id = new byte[32];
                            r.nextBytes(id);
                            yield new ClientToRelayDatagram(EndpointId.of(id), Datagrams.single(Unpooled.wrappedBuffer(new byte[r.nextInt(1, 1500)])));
                        }
                        case 2 -> new ClientToRelayDatagram(b.id(), Datagrams.single(Unpooled.wrappedBuffer(new byte[r.nextInt(1, 1500)])));
                        default -> new ClientToRelayDatagram(b.id(), new Datagrams(r.nextInt(4), r.nextInt(1, 2000),
                                Unpooled.wrappedBuffer(new byte[r.nextInt(1, 5000)])));
                    };
                    sa.channel.write(new BinaryWebSocketFrame(RelayFrameCodec.encode(sa.channel.alloc(), f)));
                    if (i % 256 == 0) {
                        sa.channel.flush();
                        drain(sb);
                        drain(sa);
                    }
                    cases++;
                }
                sa.channel.writeAndFlush(new BinaryWebSocketFrame(RelayFrameCodec.encode(sa.channel.alloc(), new Ping(7)))).sync();
                RelayFrame pong;
                do {
                    pong = sa.next();
                    pong.release();
                } while (!(pong instanceof Pong p && p.data() == 7));
                drain(sb);
            }
            // 2. mutated frames, one connection each, before and after authentication: each closes only itself
            for (int i = 0; i < 200; i++) {
                boolean authed = r.nextBoolean();
                try (RawRelaySocket s = authed ? RawRelaySocket.authenticated(group, server.port(), Identity.generate())
                        : RawRelaySocket.open(group, server.port(), RelayServer.SUBPROTOCOL_V2, true)) {
                    for (int k = 0; k < 5; k++) {
                        s.channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(mutate(r, seeds))));
                        cases++;
                    }
                    s.channel.flush();
                }
            }
            // 3. raw garbage on the TCP port: random bytes, then broken HTTP
            for (int i = 0; i < 100; i++) {
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                    s.setSoTimeout(2000);
                    OutputStream out = s.getOutputStream();
                    byte[] junk = new byte[r.nextInt(1, 3000)];
                    r.nextBytes(junk);
                    if (r.nextBoolean()) {
                        System.arraycopy("GET /relay HTTP/1.1\r\n".getBytes(), 0, junk, 0, Math.min(21, junk.length));
                    }
                    out.write(junk);
                    out.flush();
                    cases++;
                } catch (java.io.IOException closedByServer) {
                    cases++; // the server hung up on the garbage: that is the point
                }
            }
            // 4. UDP garbage and mutated STUN at the responder
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                InetSocketAddress to = new InetSocketAddress("127.0.0.1", stun.port());
                byte[] tx = new byte[12];
                ByteBuf req = Stun.bindingRequest(ByteBufAllocator.DEFAULT, tx);
                List<byte[]> stunSeeds = List.of(ByteBufUtil.getBytes(req));
                req.release();
                for (int i = 0; i < 5_000; i++) {
                    byte[] p = mutate(r, stunSeeds);
                    udp.send(new DatagramPacket(p, p.length, to));
                    cases++;
                }
                // still answers a good request
                udp.setSoTimeout(200);
                byte[] good = stunSeeds.getFirst();
                boolean answered = false;
                for (int attempt = 0; attempt < 20 && !answered; attempt++) {
                    udp.send(new DatagramPacket(good, good.length, to));
                    DatagramPacket p = new DatagramPacket(new byte[600], 600);
                    try {
                        while (true) {
                            udp.receive(p);
                            var res = Stun.parseBindingResponse(Unpooled.wrappedBuffer(p.getData(), 0, p.getLength()));
                            if (res.isPresent() && res.get().mapped().equals(udp.getLocalSocketAddress())) {
                                answered = true;
                                break;
                            }
                        }
                    } catch (java.net.SocketTimeoutException e) {
                        // the mutated requests' answers are drained; try again
                    }
                }
                assertThat(answered).as("STUN still answers after the garbage").isTrue();
            }
            // the relay still works for newcomers, and no connection of the fuzzing is left registered
            Identity c = Identity.generate();
            Identity d = Identity.generate();
            try (RawRelaySocket sc = RawRelaySocket.authenticated(group, server.port(), c);
                 RawRelaySocket sd = RawRelaySocket.authenticated(group, server.port(), d)) {
                sc.send(new ClientToRelayDatagram(d.id(), Datagrams.single(Unpooled.wrappedBuffer(new byte[]{1, 2, 3}))));
                RelayFrame got = sd.nextNonPing();
                assertThat(got).isInstanceOf(RelayToClientDatagram.class);
                assertThat(((RelayToClientDatagram) got).source()).isEqualTo(c.id());
                got.release();
                RelayClientTest.await(() -> server.metrics().clients() == 2, 5000, "only the two newcomers registered");
            }
            long grew = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() - directBefore;
            System.out.println("live fuzz: " + cases + " cases; drops " + server.metrics().prometheus().lines()
                    .filter(l -> l.startsWith("parley_relay_dropped")).toList() + "; pooled direct memory grew " + (grew >> 10) + " KiB");
            assertThat(cases).isGreaterThan(26_000);
            assertThat(grew).as("pooled direct memory growth").isLessThan(64L << 20);
        }
    }

    private static void drain(RawRelaySocket s) {
        RelayFrame f;
        while ((f = s.received.poll()) != null) {
            f.release();
        }
    }
}
