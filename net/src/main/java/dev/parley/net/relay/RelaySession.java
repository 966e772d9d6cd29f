package dev.parley.net.relay;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.relay.RelayFrame.ClientAuth;
import dev.parley.net.relay.RelayFrame.ClientToRelayDatagram;
import dev.parley.net.relay.RelayFrame.Datagrams;
import dev.parley.net.relay.RelayFrame.EndpointGone;
import dev.parley.net.relay.RelayFrame.Health;
import dev.parley.net.relay.RelayFrame.Ping;
import dev.parley.net.relay.RelayFrame.Pong;
import dev.parley.net.relay.RelayFrame.RelayToClientDatagram;
import dev.parley.net.relay.RelayFrame.ServerChallenge;
import dev.parley.net.relay.RelayFrame.ServerConfirmsAuth;
import dev.parley.net.relay.RelayFrame.ServerDeniesAuth;
import dev.parley.net.relay.RelayFrame.Status;
import dev.parley.net.relay.RelayMetrics.Drop;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One client connection to the relay, the last handler of its pipeline: challenge, authentication,
 * forwarding of the client's datagrams, its bounded send queue, pings. Everything except
 * {@link #deliver} runs on the connection's event loop; it is is called from the sender's loop
 * and only encodes and queues into an {@link OutboundQueue}.
 */
final class RelaySession extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(RelaySession.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RelayServer server;
    private final RelayServer.Limits limits;
    private Channel channel;
    private boolean v1;
    private byte[] challenge;
    private EndpointId id;
    private TokenBucket bucket;
    private ScheduledFuture<?> authTimer;
    private ScheduledFuture<?> pingTimer;
    private long awaitedPong;
    private boolean awaitingPong;
    private boolean closing;
    /** Peers this client sent datagrams to: they get EndpointGone when it leaves. Event loop only. */
    private final Set<EndpointId> sentTo = new HashSet<>();
    /** Frames for this client from any connection, bounded; set at the upgrade. */
    private volatile OutboundQueue out;

    RelaySession(RelayServer server) {
        this.server = server;
        this.limits = server.limits();
    }

    EndpointId id() {
        return id;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc) {
            channel = ctx.channel();
            out = new OutboundQueue(channel, limits.queueCapacity());
            v1 = RelayServer.SUBPROTOCOL_V1.equals(hc.selectedSubprotocol());
            server.metrics().connection();
            challenge = new byte[ServerChallenge.LENGTH];
            RANDOM.nextBytes(challenge);
            send(new ServerChallenge(challenge));
            authTimer = ctx.executor().schedule(() -> deny("no ClientAuth within "
                    + limits.authTimeout().toMillis() + " ms"), limits.authTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof BinaryWebSocketFrame ws)) {
            ReferenceCountUtil.release(msg); // text frames are not part of the protocol; control frames are handled before
            return;
        }
        RelayFrame frame;
        try {
            frame = RelayFrameCodec.decode(ws.content());
        } catch (RelayProtocolException | IllegalArgumentException e) {
            ws.release();
            server.metrics().drop(Drop.BAD_FRAME, 1);
            fail(id == null ? null : WebSocketCloseStatus.PROTOCOL_ERROR, "bad frame: " + e.getMessage());
            return;
        }
        ws.release();
        if (closing) {
            frame.release();
            return;
        }
        if (id == null) {
            onUnauthenticated(frame);
            return;
        }
        switch (frame) {
            case ClientToRelayDatagram d -> forward(d);
            case Ping p -> send(new Pong(p.data()));
            case Pong p -> {
                if (awaitingPong && p.data() == awaitedPong) {
                    awaitingPong = false;
                }
            }
            default -> {
                frame.release();
                fail(WebSocketCloseStatus.PROTOCOL_ERROR, "a client may not send " + frame.getClass().getSimpleName());
            }
        }
    }

    private void onUnauthenticated(RelayFrame frame) {
        if (!(frame instanceof ClientAuth auth)) {
            frame.release();
            deny("expected ClientAuth, got " + frame.getClass().getSimpleName());
            return;
        }
        if (!RelayAuth.verify(challenge, auth)) {
            deny("signature does not verify for " + auth.publicKey().shortHex());
            return;
        }
        authTimer.cancel(false);
        id = auth.publicKey();
        bucket = limits.rateBytesPerSecond() > 0
                ? new TokenBucket(limits.rateBytesPerSecond(), limits.burstBytes(), System.nanoTime()) : null;
        server.metrics().authenticated();
        server.register(this); // first, so that whoever sees the confirmation can reach this client
        send(new ServerConfirmsAuth());
        long every = limits.pingInterval().toMillis();
        pingTimer = channel.eventLoop().scheduleAtFixedRate(this::ping, every, every, TimeUnit.MILLISECONDS);
    }

    private void forward(ClientToRelayDatagram d) {
        Datagrams dg = d.datagrams();
        int n = dg.count();
        int bytes = dg.contents().readableBytes();
        if (RelayFrameCodec.oversize(dg)) {
            drop(d, Drop.OVERSIZE, n);
            return;
        }
        if (bucket != null && !bucket.tryTake(bytes, System.nanoTime())) {
            drop(d, Drop.RATE_LIMITED, n);
            return;
        }
        RelaySession dest = server.session(d.destination());
        if (dest == null) {
            drop(d, Drop.NO_DESTINATION, n);
            return;
        }
        sentTo.add(dest.id);
        // counted first, so that a reader of the metrics never lags the receiver; taken back if dropped
        server.metrics().forwarded(n, bytes);
        if (!dest.deliver(new RelayToClientDatagram(id, dg))) {
            server.metrics().forwarded(-n, -bytes);
            server.metrics().drop(Drop.QUEUE_FULL, n);
        }
    }

    private void drop(RelayFrame frame, Drop reason, int n) {
        frame.release();
        server.metrics().drop(reason, n);
    }

    /**
     * Queues {@code frame} to this client from any thread; false (frame released) when its queue is full.
     * The frame is encoded here, on the sender's loop, so the receiver's loop only writes.
     */
    boolean deliver(RelayFrame frame) {
        return out.offer(new BinaryWebSocketFrame(RelayFrameCodec.encode(channel.alloc(), frame)));
    }

    /** A control frame to this client, written now (event loop). */
    private void send(RelayFrame frame) {
        channel.writeAndFlush(new BinaryWebSocketFrame(RelayFrameCodec.encode(channel.alloc(), frame)));
    }

    private void ping() {
        if (awaitingPong) {
            fail(WebSocketCloseStatus.POLICY_VIOLATION, "no pong within " + limits.pingInterval().toMillis() + " ms");
            return;
        }
        awaitedPong = ThreadLocalRandom.current().nextLong();
        awaitingPong = true;
        send(new Ping(awaitedPong));
    }

    /** A newer connection with the same id took over: say so, then close (event loop of this session). */
    void supersede() {
        channel.eventLoop().execute(() -> {
            if (closing) {
                return;
            }
            send(v1 ? new Health("another connection with the same endpoint id connected") : new Status(Status.SAME_ENDPOINT_ID_CONNECTED));
            fail(WebSocketCloseStatus.NORMAL_CLOSURE, "same endpoint id connected");
        });
    }

    /** The relay shuts down: tell the client when to come back (from any thread; the close follows). */
    void restarting(long reconnectInMs, long tryForMs) {
        deliver(new RelayFrame.Restarting(reconnectInMs, tryForMs));
    }

    /** Tells this client that {@code gone} left (from any thread). */
    void endpointGone(EndpointId gone) {
        if (deliver(new EndpointGone(gone))) {
            server.metrics().endpointGone();
        }
    }

    private void deny(String reason) {
        if (closing) {
            return;
        }
        server.metrics().authRefused();
        LOG.log(System.Logger.Level.DEBUG, () -> "relay auth refused from " + channel.remoteAddress() + ": " + reason);
        send(new ServerDeniesAuth(reason));
        fail(WebSocketCloseStatus.POLICY_VIOLATION, reason);
    }

    /** Closes this connection with a WebSocket close frame carrying {@code reason} (when status is given). */
    private void fail(WebSocketCloseStatus status, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        LOG.log(System.Logger.Level.DEBUG, () -> "relay connection " + channel.remoteAddress() + " closed: " + reason);
        WebSocketCloseStatus s = status == null ? WebSocketCloseStatus.PROTOCOL_ERROR : status;
        String text = reason.length() > 100 ? reason.substring(0, 100) : reason; // a close reason fits 123 bytes
        channel.writeAndFlush(new CloseWebSocketFrame(s, text)).addListener(ChannelFutureListener.CLOSE);
        // A peer that never reads must not keep the connection: close regardless after a grace period.
        channel.eventLoop().schedule(() -> { channel.close(); }, 2, TimeUnit.SECONDS);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable() && out != null) {
            out.drain();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closing = true;
        if (out != null) {
            out.discard();
        }
        if (authTimer != null) {
            authTimer.cancel(false);
        }
        if (pingTimer != null) {
            pingTimer.cancel(false);
        }
        if (id != null && server.unregister(this)) {
            for (EndpointId peer : sentTo) {
                RelaySession s = server.session(peer);
                if (s != null) {
                    s.endpointGone(id);
                }
            }
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || (cause instanceof CorruptedFrameException
                && String.valueOf(cause.getMessage()).contains("Max frame length"))) {
            server.metrics().drop(Drop.OVERSIZE, 1);
        } else if (!(cause instanceof java.io.IOException)) {
            server.metrics().drop(Drop.BAD_FRAME, 1);
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "relay connection " + ctx.channel().remoteAddress() + ": " + cause);
        if (channel == null) {
            ctx.close();
        } else {
            fail(WebSocketCloseStatus.PROTOCOL_ERROR, String.valueOf(cause.getMessage()));
        }
    }
}
