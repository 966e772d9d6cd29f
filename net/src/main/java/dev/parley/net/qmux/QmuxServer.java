package dev.parley.net.qmux;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A TCP listener serving QMux over WebSocket ({@code ws://} or, with an {@link SslContext},
 * {@code wss://}) on path {@code /} and every sub-path; the URL path becomes the connection's
 * {@link QmuxConnection#path()}. Each accepted connection is handed to the handler on its own virtual
 * thread.
 */
public final class QmuxServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(QmuxServer.class.getName());
    /** WebSocket messages up to this size reach the QMux decoder, which rejects anything above 16384. */
    static final int MAX_WS_PAYLOAD = 65536;

    private final EventLoopGroup group;
    private final Channel listener;

    private QmuxServer(EventLoopGroup group, Channel listener) {
        this.group = group;
        this.listener = listener;
    }

    /** Binds {@code bind} (port 0 = ephemeral) and serves plain {@code ws://} with default limits. */
    public static QmuxServer start(InetSocketAddress bind, Consumer<QmuxConnection> handler) {
        return start(bind, Optional.empty(), QmuxConfig.defaults(), handler);
    }

    public static QmuxServer start(InetSocketAddress bind, Optional<SslContext> tls, QmuxConfig config,
                                   Consumer<QmuxConnection> handler) {
        return start(bind, tls, config, handler, null);
    }

    /**
     * Like {@link #start(InetSocketAddress, Optional, QmuxConfig, Consumer)}, and HTTP requests that are not a
     * WebSocket upgrade go to {@code plain} (null: answered 426) on the same port, e.g. a relay's web page.
     */
    public static QmuxServer start(InetSocketAddress bind, Optional<SslContext> tls, QmuxConfig config,
                                   Consumer<QmuxConnection> handler, dev.parley.net.relay.HttpRoute plain) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Math.min(2, Runtime.getRuntime().availableProcessors()),
                Thread.ofPlatform().name("qmux-server-", 0).daemon().factory(), TcpTransport.ioHandlerFactory());
        Consumer<QmuxConnection> onVirtualThread = conn -> Thread.ofVirtual().name("qmux-session").start(() -> {
            try {
                handler.accept(conn);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "QMux connection handler failed", e);
                conn.close(1, "handler failed: " + e.getMessage());
            }
        });
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .checkStartsWith(true)
                .subprotocols(String.join(",", config.serverSubprotocols()))
                .allowExtensions(false)
                .dropPongFrames(false)
                .handleCloseFrames(false) // QmuxConnection runs the closing handshake
                .handshakeTimeoutMillis(10_000)
                .decoderConfig(WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(MAX_WS_PAYLOAD)
                        .allowExtensions(false).expectMaskedFrames(true).build())
                .build();
        try {
            Channel ch = TcpTransport.sendQueue(new ServerBootstrap())
                    .group(group)
                    .channel(TcpTransport.serverChannel())
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    // A failed write (the peer reset) must not close before we read what it sent first.
                    .childOption(ChannelOption.AUTO_CLOSE, false)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            ChannelPipeline p = c.pipeline();
                            tls.ifPresent(ctx -> p.addLast("tls", ctx.newHandler(c.alloc())));
                            p.addLast(new HttpServerCodec());
                            p.addLast(new HttpObjectAggregator(16 << 10));
                            p.addLast(new UpgradeGate(config.protocols(), plain));
                            p.addLast(new WebSocketServerProtocolHandler(ws));
                            // A fragmented message is still one message (one QMux frame); oversize ones fail the connection.
                            p.addLast(new WebSocketFrameAggregator(MAX_WS_PAYLOAD));
                            p.addLast(QmuxWebSocketHandler.server(config, onVirtualThread));
                        }
                    })
                    .bind(bind).sync().channel();
            return new QmuxServer(group, ch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new dev.parley.net.transport.TransportException("interrupted while binding " + bind, e);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new dev.parley.net.transport.TransportException("cannot bind " + bind + ": " + e.getMessage(), e);
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    public int port() {
        return localAddress().getPort();
    }

    /** Stops listening and closes every connection. */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
