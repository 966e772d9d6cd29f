package dev.parley.net.moq.relay;

import dev.parley.net.relay.HttpRoute;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The relay's web page on its WebSocket port: the hang web player and {@code @moq/publish} bundled at
 * build time into a resource folder ({@code index.html}, {@code assets.txt} listing the files under
 * {@code assets/}). Every file is read into memory once, so requests are answered on the event loop
 * without I/O. Page routes ({@code /}, {@code /watch}, {@code /ticket}, {@code /room/...}) get
 * {@code index.html}, whose script reads the path; {@code /assets/NAME} the bundled files (content-hashed
 * names, so cached for good). Responses are cross-origin isolated (COOP/COEP), which the player needs for
 * SharedArrayBuffer. A build without the bundle answers 503 with the reason instead of a page.
 */
public final class WebPage implements HttpRoute {
    /** First path segments that serve the page. */
    private static final java.util.Set<String> PAGES = java.util.Set.of("", "watch", "ticket", "room", "index.html");

    private final Optional<byte[]> index;
    private final Map<String, byte[]> assets;
    private final String missing;

    private WebPage(Optional<byte[]> index, Map<String, byte[]> assets, String missing) {
        this.index = index;
        this.assets = Map.copyOf(assets);
        this.missing = missing;
    }

    /**
     * The page under {@code folder} (e.g. {@code dev/parley/app/web}) on {@code loader}'s classpath; when it
     * is absent, a page that answers 503 saying so ({@link #available()} false).
     */
    public static WebPage fromClasspath(ClassLoader loader, String folder) {
        byte[] index = read(loader, folder + "/index.html");
        byte[] list = read(loader, folder + "/assets.txt");
        if (index == null || list == null) {
            return new WebPage(Optional.empty(), Map.of(),
                    "this build of Parley has no web page (it is bundled with Node and npm when the app is built)");
        }
        Map<String, byte[]> assets = new HashMap<>();
        for (String name : new String(list, StandardCharsets.UTF_8).split("\n")) {
            name = name.strip();
            if (name.isEmpty()) {
                continue;
            }
            byte[] body = read(loader, folder + "/assets/" + name);
            if (body == null) {
                throw new IllegalStateException("web page asset " + name + " is listed but missing");
            }
            assets.put(name, body);
        }
        return new WebPage(Optional.of(index), assets, "");
    }

    /** Whether the bundled page is present. */
    public boolean available() {
        return index.isPresent();
    }

    private static byte[] read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
            text(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD here\n");
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        String first = path.length() <= 1 ? "" : path.substring(1).split("/", 2)[0];
        if (first.equals("assets")) {
            byte[] body = assets.get(path.substring("/assets/".length()));
            if (body == null) {
                text(ctx, req, HttpResponseStatus.NOT_FOUND, "no such file\n");
            } else {
                send(ctx, req, HttpResponseStatus.OK, contentType(path), body, "public, max-age=31536000, immutable");
            }
        } else if (PAGES.contains(first)) {
            if (index.isEmpty()) {
                text(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, missing + "\n");
            } else {
                send(ctx, req, HttpResponseStatus.OK, "text/html; charset=utf-8", index.get(), "no-cache");
            }
        } else {
            text(ctx, req, HttpResponseStatus.NOT_FOUND,
                    "not found; this relay serves moq-lite over WebSocket at any path, and its page at /, /watch, /ticket and /room/<topic-hex>\n");
        }
    }

    static String contentType(String path) {
        if (path.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        } else if (path.endsWith(".css")) {
            return "text/css; charset=utf-8";
        } else if (path.endsWith(".wasm")) {
            return "application/wasm";
        } else if (path.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        return "application/octet-stream";
    }

    private static void text(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String body) {
        send(ctx, req, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), "no-cache");
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String type,
                             byte[] body, String cache) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean head = req.method() == HttpMethod.HEAD;
        req.release();
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, cache)
                .set("Cross-Origin-Opener-Policy", "same-origin")
                .set("Cross-Origin-Embedder-Policy", "require-corp")
                .set("Cross-Origin-Resource-Policy", "same-origin")
                .set("X-Content-Type-Options", "nosniff");
        HttpUtil.setKeepAlive(res, keepAlive);
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
