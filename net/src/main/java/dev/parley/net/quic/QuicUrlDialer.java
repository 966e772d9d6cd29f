package dev.parley.net.quic;

import dev.parley.net.transport.Connection;
import dev.parley.net.transport.PathInfo;
import dev.parley.net.transport.UrlDialer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;

import javax.net.ssl.TrustManagerFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Raw QUIC to a moq-lite server the standard (WebPKI) way, as moq-native's {@code moql://} URLs: the
 * URL's host is the SNI and must match the server's certificate, which must chain to the JDK's trust
 * store ({@code javax.net.ssl.trustStore} for a private CA); no client certificate; the moq-lite
 * versions are offered as ALPNs. Raw QUIC carries no URL: the session's caller sends the path and
 * query in the lite-05 SETUP. Each connection has its own UDP socket, closed with the connection.
 */
public final class QuicUrlDialer implements UrlDialer {
    /** moq-native's scheme for raw QUIC moq-lite. */
    public static final String SCHEME = "moql";
    private static final int DEFAULT_PORT = 443;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<String> protocols;
    private final Duration timeout;
    private final TrustManagerFactory trust;

    QuicUrlDialer(List<String> protocols, Duration timeout) {
        this.protocols = List.copyOf(protocols);
        this.timeout = timeout;
        try {
            this.trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init((KeyStore) null); // the JDK default, honouring javax.net.ssl.trustStore
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no default trust store: " + e.getMessage(), e);
        }
    }

    @Override
    public Connection connect(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("no host in " + uri);
        }
        String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        InetSocketAddress server;
        try {
            server = new InetSocketAddress(InetAddress.getByName(name), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("unknown host " + name);
        }
        String target = name + ":" + port;
        QuicSslContext tls = QuicSslContextBuilder.forClient()
                .trustManager(trust)
                .applicationProtocols(protocols.toArray(String[]::new))
                .endpointIdentificationAlgorithm("HTTPS")
                .build();
        var codec = new QuicClientCodecBuilder()
                .sslEngineProvider(ch -> tls.newEngine(ch.alloc(), name, port))
                .maxIdleTimeout(30, TimeUnit.SECONDS)
                .initialMaxData(16L << 20)
                .initialMaxStreamDataBidirectionalLocal(1 << 20)
                .initialMaxStreamDataBidirectionalRemote(1 << 20)
                .initialMaxStreamDataUnidirectional(1 << 20)
                .initialMaxStreamsBidirectional(100)
                .initialMaxStreamsUnidirectional(1000)
                .activeMigration(false)
                .build();
        CompletableFuture<Connection> result = new CompletableFuture<>();
        Channel socket;
        try {
            socket = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
                    .bind(new InetSocketAddress(0)).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        QuicChannel.newBootstrap(socket)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeout.toMillis() - 100))
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof QuicConnectionCloseEvent close && !result.isDone()) {
                            result.completeExceptionally(new IllegalStateException(refusal(target, close)));
                        }
                        ctx.fireUserEventTriggered(evt);
                    }
                })
                .streamHandler(QuicConnection.streamInitializer(ch -> ch.attr(QuicConnection.KEY).get()))
                .remoteAddress(server)
                .connect()
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        result.completeExceptionally(f.cause());
                        socket.close();
                        return;
                    }
                    QuicChannel ch = (QuicChannel) f.getNow();
                    ch.closeFuture().addListener(c -> socket.close());
                    QuicConnection conn = QuicConnection.attach(ch, ch.sslEngine().getApplicationProtocol(), null, true,
                            a -> PathInfo.direct((InetSocketAddress) a));
                    if (!result.complete(conn)) {
                        conn.close(0, "dial abandoned");
                    }
                });
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            socket.close();
            throw new IllegalStateException("interrupted");
        } catch (TimeoutException e) {
            result.cancel(false);
            socket.close();
            throw new IllegalStateException("QUIC to " + target + ": no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            socket.close();
            throw new IllegalStateException("QUIC to " + target + ": " + describe(e.getCause()), e.getCause());
        }
    }

    private static String refusal(String target, QuicConnectionCloseEvent close) {
        if (close.isTlsError()) {
            int alert = QuicConnectionCloseEvent.extractTlsError(close.error());
            return "QUIC to " + target + " refused: " + switch (alert) {
                case 120 -> "it serves no moq-lite version this client offers";
                default -> "TLS alert " + alert;
            };
        }
        return "QUIC to " + target + " closed during the handshake (code " + close.error() + ")";
    }

    private static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (c instanceof java.security.cert.CertificateException || m.contains("CERTIFICATE_VERIFY_FAILED")
                    || m.contains("certificate")) {
                return "its certificate is not trusted for this name (" + m + ")";
            }
            if (c instanceof io.netty.channel.ConnectTimeoutException) {
                return "no answer to the QUIC handshake";
            }
            if (c instanceof IllegalStateException && m.startsWith("QUIC to ")) {
                return m.substring(m.indexOf(": ") + 2);
            }
        }
        return String.valueOf(t.getMessage() != null ? t.getMessage() : t);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** The {@link java.util.ServiceLoader} entry for {@code moql://}. */
    public static final class Provider implements UrlDialer.Provider {
        @Override
        public List<String> schemes() {
            return List.of(SCHEME);
        }

        @Override
        public UrlDialer open(List<String> protocols, Duration timeout) {
            return new QuicUrlDialer(protocols, timeout);
        }
    }
}
