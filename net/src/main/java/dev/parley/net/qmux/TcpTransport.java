package dev.parley.net.qmux;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
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
 */
final class TcpTransport {
    private static final boolean EPOLL = !"nio".equals(System.getProperty("parley.tcp")) && epollLoads();

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
}
