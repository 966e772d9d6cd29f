package dev.parley.net.quic;

import dev.parley.net.transport.Connection;
import dev.parley.net.transport.PathInfo;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A QUIC client that checks the server the standard (WebPKI) way: trusts only {@code root}, sends
 * {@code serverName} as SNI and verifies the certificate is for that name (HTTPS endpoint
 * identification), and presents no client certificate. The connection is wrapped as Parley's
 * {@link Connection} so moq-lite sessions can run over it.
 */
public final class WebPkiClient implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    public CompletableFuture<Connection> connect(InetSocketAddress server, String serverName, X509Certificate root, String... alpns) {
        QuicSslContext tls = QuicSslContextBuilder.forClient()
                .trustManager(root)
                .applicationProtocols(alpns)
                .endpointIdentificationAlgorithm("HTTPS")
                .build();
        ChannelHandler codec = new QuicClientCodecBuilder()
                .sslEngineProvider(ch -> tls.newEngine(ch.alloc(), serverName, server.getPort()))
                .maxIdleTimeout(10, TimeUnit.SECONDS)
                .initialMaxData(16 << 20)
                .initialMaxStreamDataBidirectionalLocal(1 << 20)
                .initialMaxStreamDataBidirectionalRemote(1 << 20)
                .initialMaxStreamDataUnidirectional(1 << 20)
                .initialMaxStreamsBidirectional(100)
                .initialMaxStreamsUnidirectional(1000)
                .build();
        CompletableFuture<Connection> result = new CompletableFuture<>();
        try {
            Channel socket = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            QuicChannel.newBootstrap(socket)
                    .handler(new io.netty.channel.ChannelInboundHandlerAdapter())
                    .streamHandler(QuicConnection.streamInitializer(ch -> ch.attr(QuicConnection.KEY).get()))
                    .remoteAddress(server)
                    .connect()
                    .addListener(f -> {
                        if (!f.isSuccess()) {
                            result.completeExceptionally(f.cause());
                            return;
                        }
                        QuicChannel ch = (QuicChannel) f.getNow();
                        String alpn = ch.sslEngine().getApplicationProtocol();
                        result.complete(QuicConnection.attach(ch, alpn, null, true,
                                a -> PathInfo.direct((InetSocketAddress) a)));
                    });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.completeExceptionally(e);
        }
        return result;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
