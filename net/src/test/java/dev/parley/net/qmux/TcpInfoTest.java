package dev.parley.net.qmux;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code TCP_INFO} counters read through FFM, against what a loopback connection really carried. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpInfoTest {
    @Test
    void bytesAcknowledgedAndNotSentFollowWhatThePeerReads() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "TCP_INFO is read from epoll sockets on Linux: " + Epoll.unavailabilityCause());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, TcpTransport.ioHandlerFactory());
        try {
            Channel[] accepted = new Channel[1];
            Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childOption(ChannelOption.AUTO_READ, false) // reads nothing until told: the sender's data waits
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            accepted[0] = ctx.channel();
                        }

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ReferenceCountUtil.release(msg);
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Channel client = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(server.localAddress()).sync().channel();

            int small = 100_000;
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[small])).sync();
            TcpInfo idle = await(client, i -> i.bytesAcked() >= small);
            assertThat(idle.bytesAcked()).as("a peer's kernel acknowledges what fits its window").isEqualTo(small);
            assertThat(idle.notsentBytes()).isZero();
            assertThat(idle.sacked()).as("nothing lost on loopback: nothing selectively acknowledged").isZero();
            assertThat(idle.delivered()).isEqualTo(idle.bytesAcked());

            long big = 32L << 20; // more than both sockets' buffers hold
            for (int i = 0; i < 32; i++) {
                client.writeAndFlush(Unpooled.wrappedBuffer(new byte[1 << 20]));
            }
            TcpInfo stalled = await(client, i -> i.notsentBytes() > 0 && i.unacked() == 0);
            System.out.printf("[tcp-info] reader stalled: %d B acknowledged, %d B not sent%n", stalled.bytesAcked(), stalled.notsentBytes());
            assertThat(stalled.bytesAcked()).isLessThan(small + big);
            assertThat(stalled.sndMss()).isPositive();

            accepted[0].config().setAutoRead(true);
            TcpInfo done = await(client, i -> i.bytesAcked() == small + big);
            assertThat(done.notsentBytes()).isZero();
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static TcpInfo await(Channel ch, Predicate<TcpInfo> done) throws InterruptedException {
        TcpInfo last = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            last = TcpTransport.tcpInfo(ch).orElseThrow(() -> new AssertionError("no TCP_INFO from an epoll socket"));
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("TCP_INFO never showed what was expected; last " + last);
    }
}
