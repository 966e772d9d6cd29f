package dev.parley.net.relay;

import dev.parley.net.identity.Identity;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test-side relay client that speaks raw frames: it can send anything (forged auth, garbage, frames
 * of any size) and records every frame and the close reason it gets back. Not a double: it talks to the
 * real server over a real socket.
 */
final class RawRelaySocket implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(5);
    final Channel channel;
    final BlockingQueue<RelayFrame> received = new LinkedBlockingQueue<>();
    final CompletableFuture<String> closeReason = new CompletableFuture<>();

    private RawRelaySocket(Channel channel) {
        this.channel = channel;
    }

    /** Connects and completes the WebSocket upgrade (not the relay handshake). */
    static RawRelaySocket open(EventLoopGroup group, int port, String subprotocol, boolean autoRead) throws Exception {
        CompletableFuture<Void> upgraded = new CompletableFuture<>();
        RawRelaySocket[] self = new RawRelaySocket[1];
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(URI.create("ws://127.0.0.1:" + port + "/relay")).subprotocol(subprotocol)
                .version(WebSocketVersion.V13).maxFramePayloadLength(4 << 20).handleCloseFrames(false)
                .dropPongFrames(true).build();
        CompletableFuture<RawRelaySocket> made = new CompletableFuture<>();
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(16 << 10),
                                new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(4 << 20),
                                new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                                            if (!autoRead) {
                                                ctx.channel().config().setAutoRead(false);
                                            }
                                            upgraded.complete(null);
                                        }
                                    }

                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        RawRelaySocket s = made.join();
                                        try {
                                            if (msg instanceof BinaryWebSocketFrame b) {
                                                s.received.add(RelayFrameCodec.decode(b.content()));
                                            } else if (msg instanceof CloseWebSocketFrame c) {
                                                s.closeReason.complete(c.statusCode() + " " + c.reasonText());
                                                ctx.close();
                                            }
                                        } finally {
                                            ReferenceCountUtil.release(msg);
                                        }
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        made.join().closeReason.complete("closed without a close frame");
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        upgraded.completeExceptionally(cause);
                                        ctx.close();
                                    }
                                });
                    }
                })
                .connect("127.0.0.1", port).sync().channel();
        self[0] = new RawRelaySocket(ch);
        made.complete(self[0]);
        upgraded.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return self[0];
    }

    /** Connects and authenticates as {@code identity}; fails unless the server confirms. */
    static RawRelaySocket authenticated(EventLoopGroup group, int port, Identity identity) throws Exception {
        RawRelaySocket s = open(group, port, RelayServer.SUBPROTOCOL_V2, true);
        var challenge = (RelayFrame.ServerChallenge) s.next();
        s.send(RelayAuth.answer(identity, challenge));
        RelayFrame confirm = s.next();
        if (!(confirm instanceof RelayFrame.ServerConfirmsAuth)) {
            throw new AssertionError("expected ServerConfirmsAuth, got " + confirm);
        }
        return s;
    }

    RelayFrame next() throws InterruptedException {
        RelayFrame f = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (f == null) {
            throw new AssertionError("no frame within " + WAIT);
        }
        return f;
    }

    /** The next frame that is not a server Ping (answered on the way). */
    RelayFrame nextNonPing() throws InterruptedException {
        while (true) {
            RelayFrame f = next();
            if (!(f instanceof RelayFrame.Ping)) {
                return f;
            }
        }
    }

    void send(RelayFrame frame) {
        sendRaw(RelayFrameCodec.encode(channel.alloc(), frame));
    }

    void sendRaw(ByteBuf payload) {
        channel.writeAndFlush(new BinaryWebSocketFrame(payload)).syncUninterruptibly();
    }

    void sendRaw(byte[] payload) {
        sendRaw(Unpooled.wrappedBuffer(payload));
    }

    String awaitClose() throws Exception {
        return closeReason.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
