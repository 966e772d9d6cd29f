package dev.parley.net.relay;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.transport.TransportException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.handler.ssl.SslContextBuilder;

import java.io.File;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The packet relay: the iroh relay protocol v2 (and v1) over WebSocket at {@code GET /relay}, with
 * Ed25519 challenge auth, forwarding of opaque datagrams between authenticated {@link EndpointId}s,
 * EndpointGone, takeover by a newer connection with the same id, server pings, a bounded send queue and
 * an optional rate limit per client; plus {@code /ping}, {@code /generate_204}, {@code /metrics} and
 * pluggable {@link HttpRoute}s on the same port. Plain {@code ws://} or TLS ({@code wss://}).
 * All work happens on the server's event loops; nothing blocks them.
 */
public final class RelayServer implements AutoCloseable {
    public static final String SUBPROTOCOL_V2 = "iroh-relay-v2";
    public static final String SUBPROTOCOL_V1 = "iroh-relay-v1";
    /** What {@link #close()} tells clients: reconnect after this long… */
    static final long RESTART_RECONNECT_MS = 500;
    /** …and keep trying for this long. */
    static final long RESTART_TRY_FOR_MS = 30_000;
    /** The iroh relay's default HTTP port. */
    public static final int DEFAULT_PORT = 3340;

    /** Per-client limits; a rate of 0 means unlimited. */
    public record Limits(int queueCapacity, long rateBytesPerSecond, long burstBytes,
                         Duration pingInterval, Duration authTimeout) {
        public static Limits defaults() {
            return new Limits(512, 0, 0, Duration.ofSeconds(15), Duration.ofSeconds(10));
        }
    }

    private final Map<EndpointId, RelaySession> clients = new ConcurrentHashMap<>();
    private final RelayMetrics metrics = new RelayMetrics(clients::size);
    private final Limits limits;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final boolean tls;
    private Channel listener;
    /** Every accepted connection, authenticated or not, so that close() ends them all. */
    private final ChannelGroup connections = new DefaultChannelGroup("relay", GlobalEventExecutor.INSTANCE);

    private RelayServer(Builder b) {
        this.limits = b.limits;
        this.ownsGroup = b.group == null;
        this.group = ownsGroup ? new MultiThreadIoEventLoopGroup(b.threads,
                Thread.ofPlatform().name("relay-", 0).daemon().factory(), NioIoHandler.newFactory()) : b.group;
        this.tls = b.tls != null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configures and starts a relay. */
    public static final class Builder {
        private InetSocketAddress bind = new InetSocketAddress("0.0.0.0", DEFAULT_PORT);
        private SslContext tls;
        private Limits limits = Limits.defaults();
        private EventLoopGroup group;
        private int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
        private final List<Map.Entry<String, HttpRoute>> routes = new ArrayList<>();
        private HttpRoute fallback = HttpFront::notFound;
        private Duration httpIdleTimeout = Duration.ofSeconds(30);

        /** The TCP address to listen on (port 0 = ephemeral); default 0.0.0.0:3340. */
        public Builder bind(InetSocketAddress bind) {
            this.bind = bind;
            return this;
        }

        /** Serves {@code wss://}/{@code https://} with this context. */
        public Builder tls(SslContext tls) {
            this.tls = tls;
            return this;
        }

        /** Serves TLS with a PEM certificate chain and a PEM (PKCS#8) private key. */
        public Builder tls(File certChainPem, File keyPem) {
            try {
                return tls(SslContextBuilder.forServer(certChainPem, keyPem).build());
            } catch (Exception e) {
                throw new IllegalArgumentException("cannot load TLS certificate " + certChainPem + " and key "
                        + keyPem + ": " + e.getMessage(), e);
            }
        }

        public Builder limits(Limits limits) {
            this.limits = limits;
            return this;
        }

        /** Per-client receive rate limit (token bucket); 0 disables it. */
        public Builder rateLimit(long bytesPerSecond, long burstBytes) {
            this.limits = new Limits(limits.queueCapacity(), bytesPerSecond,
                    bytesPerSecond > 0 ? Math.max(burstBytes, RelayFrameCodec.MAX_PACKET_SIZE) : 0,
                    limits.pingInterval(), limits.authTimeout());
            return this;
        }

        /** Runs on this group instead of an own one (not shut down by {@link #close()}). */
        public Builder group(EventLoopGroup group) {
            this.group = group;
            return this;
        }

        /** Event loop threads of the relay's own group (default: up to 2). */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * How long a connection may stay silent before it is upgraded or handed to a route (default 30 s),
         * so idle or half-open TCP connections cannot pile up.
         */
        public Builder httpIdleTimeout(Duration timeout) {
            this.httpIdleTimeout = timeout;
            return this;
        }

        /** Requests whose path starts with {@code prefix} go to {@code route} (first match wins). */
        public Builder route(String prefix, HttpRoute route) {
            routes.add(Map.entry(prefix, route));
            return this;
        }

        /** Requests no built-in path or route takes; default 404. */
        public Builder fallback(HttpRoute fallback) {
            this.fallback = fallback;
            return this;
        }

        /** Binds and starts serving; throws {@link TransportException} if the address cannot be bound. */
        public RelayServer start() {
            RelayServer server = new RelayServer(this);
            server.listen(bind, tls, List.copyOf(routes), fallback, httpIdleTimeout);
            return server;
        }
    }

    private void listen(InetSocketAddress bind, SslContext ssl, List<Map.Entry<String, HttpRoute>> routes, HttpRoute fallback,
                        Duration idle) {
        try {
            listener = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            connections.add(c);
                            ChannelPipeline p = c.pipeline();
                            if (ssl != null) {
                                p.addLast("tls", ssl.newHandler(c.alloc()));
                            }
                            p.addLast(HttpFront.IDLE, new ReadTimeoutHandler(idle.toMillis(), TimeUnit.MILLISECONDS));
                            p.addLast("http", new HttpServerCodec());
                            p.addLast("http-aggregator", new HttpObjectAggregator(16 << 10));
                            p.addLast(HttpFront.NAME, new HttpFront(RelayServer.this, routes, fallback));
                        }
                    })
                    .bind(bind).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            if (ownsGroup) {
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            }
            throw new TransportException("cannot bind the relay to " + bind + ": " + e.getMessage(), e);
        }
    }

    /** Adds the relay protocol handlers after {@code after}; the front then passes the upgrade request on. */
    void installRelay(ChannelPipeline p, String after) {
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(HttpFront.RELAY_PATH)
                .subprotocols(SUBPROTOCOL_V2 + "," + SUBPROTOCOL_V1)
                .allowExtensions(false)
                .handleCloseFrames(true)
                .dropPongFrames(true)
                .handshakeTimeoutMillis(10_000)
                .decoderConfig(WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(RelayFrameCodec.MAX_FRAME_SIZE)
                        .allowExtensions(false).expectMaskedFrames(true).build())
                .build();
        p.addAfter(after, "ws", new WebSocketServerProtocolHandler(ws));
        p.addAfter("ws", "ws-aggregator", new WebSocketFrameAggregator(RelayFrameCodec.MAX_FRAME_SIZE));
        p.addAfter("ws-aggregator", "relay", new RelaySession(this));
    }

    void register(RelaySession s) {
        RelaySession old = clients.put(s.id(), s);
        if (old != null && old != s) {
            metrics.takeover();
            old.supersede();
        }
    }

    /** Removes {@code s} if it is still the current connection of its id; true if it was. */
    boolean unregister(RelaySession s) {
        return clients.remove(s.id(), s);
    }

    RelaySession session(EndpointId id) {
        return clients.get(id);
    }

    Limits limits() {
        return limits;
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    public int port() {
        return localAddress().getPort();
    }

    /** True when serving TLS. */
    public boolean isTls() {
        return tls;
    }

    /** The iroh-style relay URL for {@code host}: {@code http(s)://host:port/}. */
    public String url(String host) {
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return (tls ? "https" : "http") + "://" + h + ":" + port() + "/";
    }

    /** The event loops the relay runs on (a co-located service such as STUN may share them). */
    public EventLoopGroup group() {
        return group;
    }

    /**
     * Stops listening, tells every authenticated client that the relay is restarting (reconnect in
     * {@link #RESTART_RECONNECT_MS}, so clients come back together rather than on their backoff) and closes
     * every connection.
     */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        for (RelaySession s : clients.values()) {
            s.restarting(RESTART_RECONNECT_MS, RESTART_TRY_FOR_MS);
        }
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
