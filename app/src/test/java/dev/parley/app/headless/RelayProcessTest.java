package dev.parley.app.headless;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.qmux.QmuxClient;
import dev.parley.net.relay.RelayClient;
import dev.parley.net.relay.RelayLink;
import dev.parley.net.stun.Stun;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code parley relay} as a child JVM: URL first (the media relay's second), relaying, STUN on the same port
 * number, a moq-lite session on the media relay, SIGTERM exits 0.
 */
@Timeout(60)
class RelayProcessTest {
    @Test
    void relaysPacketsAnswersStunAndStopsCleanly() throws Exception {
        Process relay = PublishWatchEndToEndTest.parley("relay", "--listen", "127.0.0.1:0",
                "--media-listen", "127.0.0.1:0", "--public", "/");
        var group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            var lines = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
            String url = lines.readLine();
            assertThat(url).as("first stdout line; stderr:%n%s", PublishWatchEndToEndTest.stderr("relay"))
                    .matches("http://127\\.0\\.0\\.1:\\d+/");
            String media = lines.readLine();
            assertThat(media).matches("ws://127\\.0\\.0\\.1:\\d+/");
            try (QmuxClient client = new QmuxClient()) {
                MoqSession session = MoqSession.start(client.connect(media + "room"));
                Thread.sleep(200);
                assertThat(session.isClosed()).as("a session at a public scope stays open").isFalse();
                session.close();
            }
            int port = URI.create(url).getPort();
            Identity a = Identity.generate();
            Identity b = Identity.generate();
            BlockingQueue<String> got = new ArrayBlockingQueue<>(4);
            RelayLink.Listener toB = new RelayLink.Listener() {
                @Override
                public void onDatagram(EndpointId source, ByteBuf datagram) {
                    got.add(source.shortHex() + " " + datagram.toString(StandardCharsets.UTF_8));
                    datagram.release();
                }
            };
            try (RelayLink la = RelayClient.connect(url, a, group, (s, d) -> d.release());
                 RelayLink lb = RelayClient.connect(url, b, group, toB)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!(la.isConnected() && lb.isConnected()) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(la.send(b.id(), Unpooled.copiedBuffer("via the relay", StandardCharsets.UTF_8))).isTrue();
                assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo(a.id().shortHex() + " via the relay");
            }
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                udp.setSoTimeout(5000);
                byte[] tx = new byte[12];
                tx[0] = 42;
                ByteBuf req = Stun.bindingRequest(ByteBufAllocator.DEFAULT, tx);
                byte[] bytes = ByteBufUtil.getBytes(req);
                req.release();
                udp.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", port)));
                DatagramPacket p = new DatagramPacket(new byte[512], 512);
                udp.receive(p);
                var res = Stun.parseBindingResponse(Unpooled.wrappedBuffer(p.getData(), 0, p.getLength())).orElseThrow();
                assertThat(res.mapped()).isEqualTo(udp.getLocalSocketAddress());
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            relay.destroy(); // SIGTERM
            assertThat(relay.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(relay.exitValue()).isZero();
        assertThat(PublishWatchEndToEndTest.stderr("relay")).contains("STUN on udp").doesNotContain("Exception");
    }
}
