package dev.parley.net.relay;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.relay.RelayFrame.ClientToRelayDatagram;
import dev.parley.net.relay.RelayFrame.Datagrams;
import dev.parley.net.relay.RelayFrame.EndpointGone;
import dev.parley.net.relay.RelayFrame.Health;
import dev.parley.net.relay.RelayFrame.Ping;
import dev.parley.net.relay.RelayFrame.Pong;
import dev.parley.net.relay.RelayFrame.RelayToClientDatagram;
import dev.parley.net.relay.RelayFrame.Restarting;
import dev.parley.net.relay.RelayFrame.ServerChallenge;
import dev.parley.net.relay.RelayFrame.ServerConfirmsAuth;
import dev.parley.net.relay.RelayFrame.ServerDeniesAuth;
import dev.parley.net.relay.RelayFrame.Status;
import dev.parley.net.transport.HttpProxy;
import dev.parley.net.transport.TransportException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A {@link RelayLink}: one WebSocket connection at a time to the relay, redialled with capped exponential
 * backoff (reset by each successful authentication) whenever it fails, goes silent for
 * {@code deadAfter}, is denied, superseded or the relay announces a restart. All state changes run on
 * one event loop; {@link #send} may be called from any thread and only encodes and queues into the
 * connection's {@link OutboundQueue}.
 */
final class RelayConnection implements RelayLink {
    private static final System.Logger LOG = System.getLogger(RelayConnection.class.getName());

    private final String url;
    private final URI ws;
    private final Identity identity;
    private final EventLoop loop;
    private final Listener listener;
    private final RelayClient.Options options;
    private final SslContext ssl;
    private boolean proxyLogged; // event loop only
    /** The authenticated channel, null while (re)connecting. */
    private volatile Channel active;
    /** The queue of {@link #active}, replaced with it. */
    private volatile OutboundQueue out;
    private volatile boolean closed;
    // event loop only
    private Channel current;
    private int failures;
    private long nextDelayMs = -1;
    private long lastReceived;
    private ScheduledFuture<?> redial;
    private ScheduledFuture<?> ticker;

    RelayConnection(String url, URI ws, Identity identity, EventLoop loop, Listener listener, RelayClient.Options options) {
        this.url = url;
        this.ws = ws;
        this.identity = identity;
        this.loop = loop;
        this.listener = listener;
        this.options = options;
        this.ssl = "wss".equals(ws.getScheme()) ? options.tls().orElseGet(RelayConnection::defaultTls) : null;
    }

    void start() {
        loop.execute(this::dial);
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public boolean isConnected() {
        return !closed && active != null; // a closed link never counts as connected, even before its channel closes
    }

    @Override
    public boolean send(EndpointId destination, ByteBuf datagram) {
        Channel ch = active;
        int n = datagram.readableBytes();
        if (closed || ch == null || n == 0 || n > RelayFrameCodec.MAX_PACKET_SIZE) {
            datagram.release();
            return false;
        }
        OutboundQueue q = out;
        return q.offer(new BinaryWebSocketFrame(RelayFrameCodec.encode(ch.alloc(),
                new ClientToRelayDatagram(destination, Datagrams.single(datagram)))));
    }

    @Override
    public void close() {
        closed = true;
        loop.execute(() -> {
            if (redial != null) {
                redial.cancel(false);
            }
            if (current != null) {
                current.close();
            }
        });
    }

    private void dial() {
        if (closed) {
            return;
        }
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(ws)
                .subprotocol(RelayServer.SUBPROTOCOL_V2)
                .version(WebSocketVersion.V13)
                .allowExtensions(false)
                .maxFramePayloadLength(RelayFrameCodec.MAX_FRAME_SIZE)
                .dropPongFrames(true)
                .handshakeTimeoutMillis(options.connectTimeout().toMillis())
                .build();
        String host = ws.getHost().startsWith("[") ? ws.getHost().substring(1, ws.getHost().length() - 1) : ws.getHost();
        int port = ws.getPort();
        HttpProxy proxy = proxyFor(host);
        Bootstrap bootstrap = new Bootstrap();
        if (proxy != null) {
            bootstrap.resolver(io.netty.resolver.NoopAddressResolverGroup.INSTANCE); // the proxy resolves the relay's name
        }
        bootstrap
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        if (proxy != null) {
                            c.pipeline().addLast("proxy", proxy.handler(options.connectTimeout()));
                        }
                        if (ssl != null) {
                            c.pipeline().addLast("tls", ssl.newHandler(c.alloc(), host, port));
                        }
                        c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(16 << 10),
                                new WebSocketClientProtocolHandler(config),
                                new WebSocketFrameAggregator(RelayFrameCodec.MAX_FRAME_SIZE),
                                new Handler());
                    }
                });
        Channel ch = (proxy != null ? bootstrap.connect(InetSocketAddress.createUnresolved(host, port))
                : bootstrap.connect(host, port)).channel();
        current = ch;
        lastReceived = System.nanoTime();
        ch.closeFuture().addListener(f -> loop.execute(() -> onClosed(ch)));
    }

    /** The HTTP proxy of the environment for the relay, if any (a malformed setting is reported by {@link HttpProxy}). */
    private HttpProxy proxyFor(String host) {
        HttpProxy proxy = HttpProxy.forTarget(ssl != null, host).orElse(null);
        if (proxy != null && !proxyLogged) {
            proxyLogged = true;
            LOG.log(System.Logger.Level.INFO, () -> "relay " + url + " through the HTTP proxy " + proxy);
        }
        return proxy;
    }

    /** One connection ended (or never started): report it and schedule the next dial. */
    private void onClosed(Channel ch) {
        if (ch != current) {
            return;
        }
        current = null;
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
        if (active == ch) {
            active = null;
            out.discard();
            notifyConnection(false);
        }
        if (closed) {
            return;
        }
        long delay;
        if (nextDelayMs >= 0) {
            delay = nextDelayMs;
            nextDelayMs = -1;
        } else {
            long base = options.firstRetry().toMillis() << Math.min(failures, 16);
            long capped = Math.min(options.maxRetry().toMillis(), base);
            delay = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1); // jitter: no herd after a relay restart
        }
        failures++;
        LOG.log(System.Logger.Level.DEBUG, () -> "relay " + url + " disconnected; redialling in " + delay + " ms");
        redial = loop.schedule(this::dial, delay, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        Channel ch = current;
        if (ch == null) {
            return;
        }
        long silent = System.nanoTime() - lastReceived;
        if (silent > options.deadAfter().toNanos()) {
            LOG.log(System.Logger.Level.INFO, () -> "relay " + url + " silent for " + silent / 1_000_000 + " ms; reconnecting");
            ch.close();
        } else if (silent >= options.pingInterval().toNanos()) {
            write(ch, new Ping(ThreadLocalRandom.current().nextLong()));
        }
    }

    private static void write(Channel ch, RelayFrame frame) {
        ch.writeAndFlush(new BinaryWebSocketFrame(RelayFrameCodec.encode(ch.alloc(), frame)));
    }

    private void notifyConnection(boolean up) {
        try {
            listener.onConnectionChanged(up);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "relay listener failed", e);
        }
    }

    private static SslContext defaultTls() {
        try {
            return SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new TransportException("cannot create the default TLS context", e);
        }
    }

    /** The last handler of one connection's pipeline; runs on {@link #loop}. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                lastReceived = System.nanoTime();
                long every = Math.max(100, options.pingInterval().toMillis() / 2);
                ticker = loop.scheduleAtFixedRate(RelayConnection.this::tick, every, every, TimeUnit.MILLISECONDS);
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof BinaryWebSocketFrame wsFrame)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            lastReceived = System.nanoTime();
            RelayFrame frame;
            try {
                frame = RelayFrameCodec.decode(wsFrame.content());
            } catch (RelayProtocolException | IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "relay " + url + " sent a bad frame: " + e.getMessage());
                ctx.close();
                return;
            } finally {
                wsFrame.release();
            }
            Channel ch = ctx.channel();
            switch (frame) {
                case RelayToClientDatagram d -> deliver(d);
                case ServerChallenge c -> write(ch, RelayAuth.answer(identity, c));
                case ServerConfirmsAuth ignored -> {
                    failures = 0;
                    out = new OutboundQueue(ch, options.queueCapacity());
                    active = ch;
                    notifyConnection(true);
                }
                case ServerDeniesAuth d -> {
                    LOG.log(System.Logger.Level.WARNING, "relay " + url + " refused authentication: " + d.reason());
                    nextDelayMs = options.maxRetry().toMillis();
                    ctx.close();
                }
                case EndpointGone g -> {
                    try {
                        listener.onEndpointGone(g.id());
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "relay listener failed", e);
                    }
                }
                case Ping p -> write(ch, new Pong(p.data()));
                case Pong ignored -> { }
                case Health h -> LOG.log(System.Logger.Level.INFO, "relay " + url + " health: " + h.problem());
                case Restarting r -> {
                    LOG.log(System.Logger.Level.INFO, "relay " + url + " restarting; reconnecting in " + r.reconnectInMs() + " ms");
                    // spread the herd over the first half of the hinted delay's length again
                    nextDelayMs = r.reconnectInMs() + ThreadLocalRandom.current().nextLong(r.reconnectInMs() / 2 + 1);
                    failures = 0;
                    ctx.close();
                }
                case Status s -> {
                    if (s.code() == Status.SAME_ENDPOINT_ID_CONNECTED) {
                        // Another connection with our id took over (perhaps a second instance): back off fully.
                        LOG.log(System.Logger.Level.WARNING, "relay " + url + ": another connection with this id took over");
                        nextDelayMs = options.maxRetry().toMillis();
                    }
                }
                default -> {
                    frame.release();
                    LOG.log(System.Logger.Level.WARNING, "relay " + url + " sent a client frame " + frame.type());
                    ctx.close();
                }
            }
        }

        private void deliver(RelayToClientDatagram d) {
            Datagrams dg = d.datagrams();
            ByteBuf all = dg.contents();
            try {
                int seg = dg.segmentSize() == 0 ? all.readableBytes() : dg.segmentSize();
                while (all.isReadable()) {
                    ByteBuf one = all.readRetainedSlice(Math.min(seg, all.readableBytes()));
                    try {
                        listener.onDatagram(d.source(), one);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "relay listener failed", e);
                    }
                }
            } finally {
                all.release();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            OutboundQueue q = out;
            if (ctx.channel().isWritable() && q != null && active == ctx.channel()) {
                q.drain();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.DEBUG, () -> "relay " + url + ": " + cause);
            ctx.close();
        }
    }
}
