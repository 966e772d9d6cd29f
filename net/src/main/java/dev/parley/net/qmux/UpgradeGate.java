package dev.parley.net.qmux;

import dev.parley.net.relay.HttpRoute;
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
import java.util.ArrayList;
import java.util.List;

/**
 * Picks the WebSocket subprotocol before Netty's handshake: the first of the server's app protocols
 * (newest moq-lite first) that the client offers as {@code qmux-0x.<protocol>}, in the newest wire format
 * offered for it (qmux-02, -01, -00), whatever the client's order; else the newest bare {@code qmux-0x}
 * (the version then settled in-band by the legacy SETUP); and leaves only that one
 * in the request so the handshake selects it. Requests that are not such
 * an upgrade get a plain-text status saying why instead of Netty's default of upgrading without a
 * subprotocol: 426 without an upgrade, 400 when no offered subprotocol is one Parley speaks. With a
 * {@code plain} route, requests without an upgrade go to it instead (a relay's web page on the same port).
 */
final class UpgradeGate extends ChannelInboundHandlerAdapter {
    private final List<String> protocols;
    private final HttpRoute plain;

    UpgradeGate(List<String> protocols) {
        this(protocols, null);
    }

    UpgradeGate(List<String> protocols, HttpRoute plain) {
        this.protocols = List.copyOf(protocols);
        this.plain = plain;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            String refusal = null;
            if (!req.decoderResult().isSuccess()) {
                refusal = "malformed HTTP request";
            } else if (!req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
                if (plain != null) {
                    plain.handle(ctx, req);
                    return;
                }
                refusal = "upgrade to WebSocket required (subprotocols " + String.join(", ", subprotocols()) + ")";
            } else {
                List<String> offered = offered(req);
                String chosen = select(offered);
                if (chosen == null) {
                    refusal = refusal(offered);
                } else {
                    req.headers().set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, chosen);
                }
            }
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

    /**
     * The subprotocol to select: the server's preference among the {@code qmux-0x.<protocol>} the client
     * offers (newest wire format first), else the newest bare {@code qmux-0x} offered; null if none.
     */
    String select(List<String> offered) {
        for (String p : protocols) {
            for (QmuxWireFormat w : QmuxWireFormat.NEWEST_FIRST) {
                if (offered.contains(w.subprotocol(p))) {
                    return w.subprotocol(p);
                }
            }
        }
        for (QmuxWireFormat w : QmuxWireFormat.NEWEST_FIRST) {
            if (offered.contains(w.token())) {
                return w.token();
            }
        }
        return null;
    }

    private List<String> subprotocols() {
        return protocols.stream().map(QmuxConnection::subprotocol).toList();
    }

    private static List<String> offered(FullHttpRequest req) {
        List<String> out = new ArrayList<>();
        for (String header : req.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            for (String offered : header.split(",")) {
                if (!offered.isBlank()) {
                    out.add(offered.trim());
                }
            }
        }
        return out;
    }

    private String refusal(List<String> offered) {
        String accepted = "; Parley accepts qmux-02/01/00.<version> for " + String.join(", ", protocols)
                + " (e.g. " + QmuxWireFormat.QMUX_02.subprotocol(protocols.getFirst()) + ")";
        if (offered.isEmpty()) {
            return "no WebSocket subprotocol offered" + accepted;
        }
        boolean bareOnly = offered.stream().allMatch(o -> o.indexOf('.') < 0);
        if (bareOnly) {
            return "only bare subprotocols of other wire formats offered (" + String.join(", ", offered) + ")"
                    + accepted + " or a bare qmux-02/01/00 (the version settled by the legacy SETUP)";
        }
        return "none of the offered subprotocols (" + String.join(", ", offered) + ") is spoken here" + accepted;
    }
}
