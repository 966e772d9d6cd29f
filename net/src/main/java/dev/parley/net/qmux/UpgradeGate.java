package dev.parley.net.qmux;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * Refuses HTTP requests that are not a WebSocket upgrade offering {@code qmux-00.moq-lite-03}, with a
 * plain-text status instead of Netty's default of upgrading without a subprotocol.
 */
final class UpgradeGate extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            String refusal = refusal(req);
            if (refusal != null) {
                HttpResponseStatus status = refusal.startsWith("upgrade") ? HttpResponseStatus.UPGRADE_REQUIRED
                        : HttpResponseStatus.BAD_REQUEST;
                FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                        Unpooled.copiedBuffer(refusal + "\n", StandardCharsets.UTF_8));
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes())
                        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
                req.release();
                return;
            }
        } catch (RuntimeException e) {
            req.release();
            throw e;
        }
        ctx.fireChannelRead(req);
    }

    private static String refusal(FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            return "malformed HTTP request";
        }
        if (!req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            return "upgrade to WebSocket required (subprotocol " + QmuxConnection.SUBPROTOCOL + ")";
        }
        for (String header : req.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            for (String offered : header.split(",")) {
                if (offered.trim().equals(QmuxConnection.SUBPROTOCOL)) {
                    return null;
                }
            }
        }
        return "WebSocket subprotocol " + QmuxConnection.SUBPROTOCOL + " not offered";
    }
}
