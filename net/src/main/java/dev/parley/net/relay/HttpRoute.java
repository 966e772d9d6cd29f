package dev.parley.net.relay;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Serves HTTP requests the relay's front does not handle itself, so other services (a MoQ relay's
 * WebSocket, for example) can share the relay's port. Called on the connection's event loop; must not
 * block. The route owns {@code request} and must release it or pass it on.
 *
 * <p>{@code ctx} is the front handler's context; the pipeline before it is [tls], HTTP server codec and a
 * 16 KiB request aggregator (the HTTP phase's read timeout is removed before a route is called: a
 * route that keeps connections open bounds them itself). To take the connection over (e.g. a WebSocket upgrade), add handlers
 * after {@code ctx.name()}, remove the front ({@code ctx.pipeline().remove(ctx.handler())}) and call
 * {@code ctx.fireChannelRead(request)}. To answer plainly, write a response on {@code ctx}.
 */
@FunctionalInterface
public interface HttpRoute {
    void handle(ChannelHandlerContext ctx, FullHttpRequest request);
}
