package dev.parley.net.stun;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

/**
 * A STUN Binding responder on UDP: each well-formed Binding request gets a success response whose
 * XOR-MAPPED-ADDRESS is the request's source address. Anything else is counted and dropped; nothing a
 * sender writes can stop it. Runs on one event loop of the group it is given and never blocks.
 */
public final class StunServer implements AutoCloseable {
    /** The IANA STUN port. */
    public static final int DEFAULT_PORT = 3478;
    private static final System.Logger LOG = System.getLogger(StunServer.class.getName());

    private final Channel channel;
    private final LongAdder answered = new LongAdder();
    private final LongAdder ignored = new LongAdder();

    private StunServer(Channel channel) {
        this.channel = channel;
    }

    /** Binds {@code bind} (port 0 = ephemeral) on {@code group}; blocks until bound. */
    public static StunServer start(InetSocketAddress bind, EventLoopGroup group) {
        StunServer[] self = new StunServer[1];
        Channel ch = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                        self[0].onPacket(ctx, p);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        // A UDP socket error (e.g. ICMP unreachable) concerns one sender, never the server.
                        LOG.log(System.Logger.Level.DEBUG, "STUN socket error: " + cause);
                    }
                })
                .bind(bind).syncUninterruptibly().channel();
        self[0] = new StunServer(ch);
        return self[0];
    }

    private void onPacket(ChannelHandlerContext ctx, DatagramPacket p) {
        try {
            var tx = Stun.parseBindingRequest(p.content());
            if (tx.isEmpty()) {
                ignored.increment();
                return;
            }
            answered.increment();
            ctx.writeAndFlush(new DatagramPacket(Stun.bindingResponse(ctx.alloc(), tx.get(), p.sender()), p.sender()));
        } catch (RuntimeException e) {
            ignored.increment();
            LOG.log(System.Logger.Level.DEBUG, "STUN packet dropped: " + e);
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    public int port() {
        return localAddress().getPort();
    }

    /** Binding requests answered. */
    public long answered() {
        return answered.sum();
    }

    /** Packets that were not Binding requests. */
    public long ignored() {
        return ignored.sum();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
