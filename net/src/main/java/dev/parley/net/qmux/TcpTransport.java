package dev.parley.net.qmux;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The TCP transport Parley's WebSocket servers and clients run on: Netty's native epoll on Linux, NIO
 * elsewhere (or when the native library cannot load). Epoll matters for a relay: a WebSocket watcher
 * costs one socket write per frame, and NIO's selector adds its own locking, key sets and a
 * {@code selectNow} per event-loop turn on top of every one (docs/bench-moq-relay.md).
 * {@code -Dparley.tcp=nio} forces NIO.
 *
 * <p>What a socket holds below QMux is kept small ({@link #sendQueue}): QMux orders streams by priority,
 * but only among the bytes it has not handed on yet. Netty's outbound buffer and the kernel's send buffer
 * (autotuned to megabytes) are FIFO queues under it, so behind a bottleneck an audio frame, a PROBE or a
 * reset group waited behind seconds of video there. The kernel takes new writes only while it holds less
 * than {@link #NOTSENT_LOWAT} unsent ({@code TCP_NOTSENT_LOWAT}; what is in flight is TCP's congestion
 * window, untouched), though it still lets a write grow its last unsent segment buffer (53-65 kB unsent
 * seen behind a 200 kbit/s link), and Netty holds at most the write-buffer marks; the rest waits in
 * QMux's stream queues, in priority order, where a reset discards it. Behind that link capture → paint
 * went from 6.2-6.6 s to 2.0-4.0 s (docs/bench-network.md). NIO cannot set {@code TCP_NOTSENT_LOWAT};
 * there only Netty's share shrinks.
 */
final class TcpTransport {
    private static final boolean EPOLL = !"nio".equals(System.getProperty("parley.tcp")) && epollLoads();
    /** Unsent bytes in the kernel below which it takes another write. */
    static final int NOTSENT_LOWAT = 8 << 10;
    /** Netty turns unwritable above 16 kB (a QMux record) and writable again below 8 kB; QMux's pump waits for that. */
    static final WriteBufferWaterMark WRITE_MARKS = new WriteBufferWaterMark(8 << 10, 16 << 10);

    private TcpTransport() {
    }

    private static boolean epollLoads() {
        try {
            return Epoll.isAvailable();
        } catch (LinkageError e) { // the native jar is not on the class path (a non-Linux build)
            return false;
        }
    }

    static IoHandlerFactory ioHandlerFactory() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    static Class<? extends ServerSocketChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static Class<? extends SocketChannel> channel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** The send-queue limits on the accepted sockets of a server. */
    static ServerBootstrap sendQueue(ServerBootstrap b) {
        b.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WRITE_MARKS);
        if (EPOLL) {
            b.childOption(EpollChannelOption.TCP_NOTSENT_LOWAT, (long) NOTSENT_LOWAT);
        }
        return b;
    }

    /** The send-queue limits on a client socket. */
    static Bootstrap sendQueue(Bootstrap b) {
        b.option(ChannelOption.WRITE_BUFFER_WATER_MARK, WRITE_MARKS);
        if (EPOLL) {
            b.option(EpollChannelOption.TCP_NOTSENT_LOWAT, (long) NOTSENT_LOWAT);
        }
        return b;
    }

    /** The socket's {@code TCP_INFO} where the transport exposes its descriptor (epoll on Linux). */
    static java.util.Optional<TcpInfo> tcpInfo(Channel channel) {
        if (channel instanceof EpollSocketChannel epoll && epoll.isActive()) {
            return TcpInfo.read(epoll.fd().intValue());
        }
        return java.util.Optional.empty();
    }
}
