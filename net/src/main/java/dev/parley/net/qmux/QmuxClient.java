package dev.parley.net.qmux;

import dev.parley.net.transport.HttpProxy;
import dev.parley.net.transport.TransportException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Dials QMux over WebSocket, offering {@code qmux-02/01/00.<protocol>} for each of the config's app protocols
 * (newest moq-lite first); the connection's {@code protocol()} is the one the server selected. {@code ws://} is plain; {@code wss://}
 * uses the given {@link SslContext} (e.g. one trusting the endpoint's certificate) or the JDK trust
 * store. One client owns one small event loop group shared by all its connections.
 */
public final class QmuxClient implements AutoCloseable {
    private final EventLoopGroup group;
    private final QmuxConfig config;
    private final Duration timeout;

    public QmuxClient() {
        this(QmuxConfig.defaults(), Duration.ofSeconds(10));
    }

    public QmuxClient(QmuxConfig config, Duration timeout) {
        this.config = config;
        this.timeout = timeout;
        this.group = new MultiThreadIoEventLoopGroup(1, Thread.ofPlatform().name("qmux-client-", 0).daemon().factory(),
                TcpTransport.ioHandlerFactory());
    }

    /** Connects to {@code ws://host:port/path} (or {@code wss://} with the default trust store). */
    public QmuxConnection connect(String url) {
        return connect(URI.create(url), Optional.empty());
    }

    /** Connects and completes the WebSocket upgrade; blocks up to the configured timeout. */
    public QmuxConnection connect(URI uri, Optional<SslContext> tls) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        boolean secure = switch (scheme) {
            case "ws", "http" -> false;
            case "wss", "https" -> true;
            default -> throw new IllegalArgumentException("not a ws:// or wss:// URL: " + uri);
        };
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
        URI wsUri = URI.create((secure ? "wss" : "ws") + "://" + host + ":" + port
                + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        SslContext ssl = secure ? tls.orElseGet(QmuxClient::defaultTls) : null;
        CompletableFuture<QmuxConnection> ready = new CompletableFuture<>();
        WebSocketClientProtocolConfig ws = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(wsUri)
                .subprotocol(String.join(",", config.subprotocols()))
                .version(WebSocketVersion.V13)
                .allowExtensions(false)
                .maxFramePayloadLength(QmuxServer.MAX_WS_PAYLOAD)
                .dropPongFrames(false)
                .handleCloseFrames(false) // QmuxConnection runs the closing handshake
                .handshakeTimeoutMillis(timeout.toMillis())
                .build();
        HttpProxy proxy = HttpProxy.forTarget(secure, host).orElse(null);
        // made here, off the event loop: it resolves the proxy's name
        io.netty.handler.proxy.HttpProxyHandler proxyHandler = proxy == null ? null : proxy.handler(timeout);
        Bootstrap b = TcpTransport.sendQueue(new Bootstrap())
                .group(group)
                .channel(TcpTransport.channel())
                .option(ChannelOption.TCP_NODELAY, true)
                // A failed write (the peer reset) must not close before we read what it sent first.
                .option(ChannelOption.AUTO_CLOSE, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        ChannelPipeline p = c.pipeline();
                        if (proxyHandler != null) {
                            p.addLast("proxy", proxyHandler);
                        }
                        if (ssl != null) {
                            p.addLast("tls", ssl.newHandler(c.alloc(), host, port));
                        }
                        p.addLast(new HttpClientCodec());
                        p.addLast(new HttpObjectAggregator(16 << 10));
                        p.addLast(new WebSocketClientProtocolHandler(ws));
                        // A fragmented message is still one message (one QMux frame); oversize ones fail the connection.
                        p.addLast(new WebSocketFrameAggregator(QmuxServer.MAX_WS_PAYLOAD));
                        p.addLast(QmuxWebSocketHandler.client(config, wsUri, ready));
                    }
                });
        if (proxy != null) {
            b.resolver(io.netty.resolver.NoopAddressResolverGroup.INSTANCE); // the proxy resolves the server's name
        }
        (proxy != null ? b.connect(java.net.InetSocketAddress.createUnresolved(host, port)) : b.connect(host, port)).addListener(f -> {
            if (!f.isSuccess()) {
                ready.completeExceptionally(f.cause());
            }
        });
        try {
            return ready.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while connecting to " + uri, e);
        } catch (ExecutionException e) {
            throw new TransportException("cannot connect to " + uri + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new TransportException("timed out connecting to " + uri, e);
        }
    }

    private static SslContext defaultTls() {
        try {
            return SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new TransportException("cannot create the default TLS context", e);
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
