package dev.parley.net.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The relay port's HTTP router: {@code /relay} upgrades to the relay protocol, {@code /ping},
 * {@code /generate_204} and {@code /metrics} answer directly, registered prefixes go to their
 * {@link HttpRoute}, and anything else to the fallback (404 by default). Runs on the event loop.
 */
final class HttpFront extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(HttpFront.class.getName());
    static final String NAME = "relay-front";
    /** The read timeout of the HTTP phase; removed when a connection is upgraded or handed to a route. */
    static final String IDLE = "http-idle";
    static final String RELAY_PATH = "/relay";
    /** The latency probe's challenge header and its echo (as Tailscale and iroh clients use them). */
    static final String CHALLENGE_HEADER = "X-Tailscale-Challenge";
    static final String RESPONSE_HEADER = "X-Tailscale-Response";

    private final RelayServer server;
    private final List<Map.Entry<String, HttpRoute>> routes;
    private final HttpRoute fallback;

    HttpFront(RelayServer server, List<Map.Entry<String, HttpRoute>> routes, HttpRoute fallback) {
        this.server = server;
        this.routes = routes;
        this.fallback = fallback;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!req.decoderResult().isSuccess()) {
            respond(ctx, req, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request\n", false);
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        switch (path) {
            case RELAY_PATH -> {
                if (!req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
                    respond(ctx, req, HttpResponseStatus.UPGRADE_REQUIRED,
                            "upgrade to WebSocket with subprotocol " + RelayServer.SUBPROTOCOL_V2 + "\n", false);
                    return;
                }
                server.installRelay(ctx.pipeline(), NAME);
                dropIdleTimeout(ctx); // the session has its own auth timeout and pings
                ctx.pipeline().remove(this);
                ctx.fireChannelRead(req);
            }
            case "/ping" -> respond(ctx, req, HttpResponseStatus.OK, "", true);
            case "/generate_204" -> {
                String challenge = req.headers().get(CHALLENGE_HEADER);
                FullHttpResponse res = response(req, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER);
                if (challenge != null && challenge.length() <= 64 && challenge.chars().allMatch(HttpFront::tokenChar)) {
                    res.headers().set(RESPONSE_HEADER, "response " + challenge);
                }
                send(ctx, req, res);
            }
            case "/metrics" -> {
                FullHttpResponse res = response(req, HttpResponseStatus.OK,
                        Unpooled.copiedBuffer(server.metrics().prometheus(), StandardCharsets.UTF_8));
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                send(ctx, req, res);
            }
            default -> {
                for (Map.Entry<String, HttpRoute> r : routes) {
                    if (path.startsWith(r.getKey())) {
                        dropIdleTimeout(ctx); // the route owns the connection's lifetime from here
                        r.getValue().handle(ctx, req);
                        return;
                    }
                }
                fallback.handle(ctx, req);
            }
        }
    }

    private static void dropIdleTimeout(ChannelHandlerContext ctx) {
        if (ctx.pipeline().get(IDLE) != null) {
            ctx.pipeline().remove(IDLE);
        }
    }

    /** TLS handshake failures, malformed requests, resets: that connection's business only. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, () -> "relay HTTP connection " + ctx.channel().remoteAddress() + ": " + cause);
        ctx.close();
    }

    private static boolean tokenChar(int c) {
        return c >= 0x21 && c <= 0x7e;
    }

    /** The default fallback: 404 with a plain-text hint. */
    static void notFound(ChannelHandlerContext ctx, FullHttpRequest req) {
        respond(ctx, req, HttpResponseStatus.NOT_FOUND,
                "not found; this relay serves /relay, /ping, /generate_204 and /metrics\n", true);
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status,
                                String text, boolean keepAlive) {
        FullHttpResponse res = response(req, status, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        if (!text.isEmpty()) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        }
        if (!keepAlive) {
            HttpUtil.setKeepAlive(res, false);
        }
        send(ctx, req, res);
    }

    private static FullHttpResponse response(FullHttpRequest req, HttpResponseStatus status, ByteBuf body) {
        if (req.method() == HttpMethod.HEAD) {
            body.release();
            body = Unpooled.EMPTY_BUFFER;
        }
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
        return res;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse res) {
        boolean keepAlive = HttpUtil.isKeepAlive(req) && HttpUtil.isKeepAlive(res);
        ReferenceCountUtil.release(req);
        HttpUtil.setKeepAlive(res, keepAlive);
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
