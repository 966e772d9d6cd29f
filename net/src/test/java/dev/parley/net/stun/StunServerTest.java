package dev.parley.net.stun;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** The responder over a real loopback UDP socket. */
class StunServerTest {
    private static EventLoopGroup group;
    private static StunServer server;

    @BeforeAll
    static void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = StunServer.start(new InetSocketAddress("127.0.0.1", 0), group);
    }

    @AfterAll
    static void stop() {
        server.close();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void answersWithTheSocketAddressItSaw() throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(3000);
            byte[] tx = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
            var req = Stun.bindingRequest(ByteBufAllocator.DEFAULT, tx);
            byte[] bytes = ByteBufUtil.getBytes(req);
            req.release();
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
            // garbage first: it must be ignored, not stop the server
            s.send(new DatagramPacket(new byte[]{(byte) 0xff, 0, 1}, 3, to));
            s.send(new DatagramPacket(bytes, bytes.length, to));
            byte[] buf = new byte[1500];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            var res = Stun.parseBindingResponse(Unpooled.wrappedBuffer(buf, 0, p.getLength())).orElseThrow();
            assertThat(res.txId()).isEqualTo(tx);
            assertThat(res.mapped()).isEqualTo(s.getLocalSocketAddress());
            assertThat(server.ignored()).isGreaterThanOrEqualTo(1);
            assertThat(server.answered()).isGreaterThanOrEqualTo(1);
            // a truncated request gets no answer
            s.send(new DatagramPacket(bytes, 19, to));
            s.setSoTimeout(300);
            try {
                s.receive(p);
                throw new AssertionError("a 19-byte packet was answered");
            } catch (SocketTimeoutException expected) {
                // nothing came back
            }
        }
    }
}
