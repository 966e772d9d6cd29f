package dev.parley.net.qmux;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelOutputShutdownEvent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Last handler of a QMux WebSocket pipeline: creates the {@link QmuxConnection} when the upgrade
 * completes and feeds it messages. Runs on the event loop and never blocks.
 */
final class QmuxWebSocketHandler extends ChannelInboundHandlerAdapter {
    private final boolean client;
    private final QmuxConfig config;
    private final URI clientUri;
    private final Consumer<QmuxConnection> onServerConnection;
    private final CompletableFuture<QmuxConnection> onClientConnection;
    private QmuxConnection conn;

    private QmuxWebSocketHandler(boolean client, QmuxConfig config, URI clientUri,
                                 Consumer<QmuxConnection> onServerConnection, CompletableFuture<QmuxConnection> onClientConnection) {
        this.client = client;
        this.config = config;
        this.clientUri = clientUri;
        this.onServerConnection = onServerConnection;
        this.onClientConnection = onClientConnection;
    }

    static QmuxWebSocketHandler server(QmuxConfig config, Consumer<QmuxConnection> onConnection) {
        return new QmuxWebSocketHandler(false, config, null, onConnection, null);
    }

    static QmuxWebSocketHandler client(QmuxConfig config, URI uri, CompletableFuture<QmuxConnection> onConnection) {
        return new QmuxWebSocketHandler(true, config, uri, null, onConnection);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelOutputShutdownEvent) {
            // A write failed (auto-close is off): a session lingers to read the peer's last frames.
            if (conn != null) {
                conn.onOutputShutdown();
            } else {
                ctx.close();
            }
        } else if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc && !client) {
            QueryStringDecoder q = new QueryStringDecoder(hc.requestUri());
            String raw = hc.requestUri();
            int qi = raw.indexOf('?');
            var selected = QmuxWireFormat.parse(hc.selectedSubprotocol()).orElse(null);
            if (selected == null) { // the UpgradeGate lets no other upgrade through
                ctx.close();
                return;
            }
            conn = new QmuxConnection(ctx.channel(), false, selected.wire(), selected.appProtocol(), q.path().isEmpty() ? "/" : q.path(),
                    qi < 0 ? "" : raw.substring(qi + 1), config);
            String rawPath = qi < 0 ? raw : raw.substring(0, qi);
            conn.rawPath(rawPath.isEmpty() ? "/" : rawPath);
            conn.start();
            onServerConnection.accept(conn);
        } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE && client) {
            WebSocketClientProtocolHandler ws = ctx.pipeline().get(WebSocketClientProtocolHandler.class);
            String selected = ws == null ? null : ws.handshaker().actualSubprotocol();
            var parsed = QmuxWireFormat.parse(selected).orElse(null);
            if (parsed == null || !config.protocols().contains(parsed.appProtocol())) {
                onClientConnection.completeExceptionally(new QmuxProtocolException(QmuxProtocolException.PROTOCOL_VIOLATION,
                        "server selected subprotocol " + selected + ", not one of " + config.subprotocols()));
                ctx.close();
                return;
            }
            String path = clientUri.getRawPath() == null || clientUri.getRawPath().isEmpty() ? "/" : clientUri.getPath();
            conn = new QmuxConnection(ctx.channel(), true, parsed.wire(), parsed.appProtocol(), path, clientUri.getRawQuery() == null ? "" : clientUri.getRawQuery(), config);
            conn.start();
            onClientConnection.complete(conn);
        } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT && client) {
            onClientConnection.completeExceptionally(new QmuxProtocolException(QmuxProtocolException.PROTOCOL_VIOLATION,
                    "WebSocket handshake timed out"));
            ctx.close();
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (conn == null) {
                if (msg instanceof CloseWebSocketFrame) {
                    ctx.close();
                }
                return;
            }
            if (msg instanceof BinaryWebSocketFrame b) {
                conn.onMessage(b.content()); // whole message: fragments were aggregated upstream
            } else if (msg instanceof PongWebSocketFrame p) {
                conn.onPong(p.content());
            } else if (msg instanceof CloseWebSocketFrame c) {
                conn.onWebSocketClose(c.statusCode());
            } else if (msg instanceof WebSocketFrame f) {
                conn.protocolError(QmuxProtocolException.PROTOCOL_VIOLATION,
                        "unexpected " + f.getClass().getSimpleName() + "; QMux uses binary messages only");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (conn != null && ctx.channel().isWritable()) {
            conn.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (conn != null) {
            conn.onInactive();
        } else if (onClientConnection != null) {
            onClientConnection.completeExceptionally(new QmuxProtocolException(QmuxProtocolException.PROTOCOL_VIOLATION,
                    "connection closed during the WebSocket handshake"));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (conn != null) {
            conn.protocolError(QmuxProtocolException.PROTOCOL_VIOLATION, String.valueOf(cause.getMessage()));
        } else {
            if (onClientConnection != null) {
                onClientConnection.completeExceptionally(cause);
            }
            ctx.close();
        }
    }
}
