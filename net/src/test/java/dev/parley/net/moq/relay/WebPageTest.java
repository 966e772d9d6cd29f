package dev.parley.net.moq.relay;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The relay's web page route: page paths, assets, isolation headers, and a build without the page. */
class WebPageTest {
    private static final String FOLDER = "dev/parley/net/moq/relay/webtest";

    private static FullHttpResponse request(WebPage page, HttpMethod method, String uri) {
        EmbeddedChannel ch = new EmbeddedChannel(new SimpleChannelInboundHandler<FullHttpRequest>(false) {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                page.handle(ctx, req);
            }
        });
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        ch.writeInbound(req);
        FullHttpResponse res = ch.readOutbound();
        assertThat(req.refCnt()).as("the route releases the request").isZero();
        ch.finishAndReleaseAll();
        return res;
    }

    private static String body(FullHttpResponse res) {
        try {
            return res.content().toString(StandardCharsets.UTF_8);
        } finally {
            res.release();
        }
    }

    @Test
    void pagePathsGetTheIndexAndAssetsTheirFiles() {
        WebPage page = WebPage.fromClasspath(getClass().getClassLoader(), FOLDER);
        assertThat(page.available()).isTrue();
        for (String path : new String[] {"/", "/watch?name=a", "/ticket?t=parley:x", "/room/" + "ab".repeat(32), "/index.html"}) {
            FullHttpResponse res = request(page, HttpMethod.GET, path);
            assertThat(res.status().code()).as(path).isEqualTo(200);
            assertThat(res.headers().get("Content-Type")).isEqualTo("text/html; charset=utf-8");
            assertThat(res.headers().get("Cross-Origin-Opener-Policy")).isEqualTo("same-origin");
            assertThat(res.headers().get("Cross-Origin-Embedder-Policy")).isEqualTo("require-corp");
            assertThat(res.headers().get("Cache-Control")).isEqualTo("no-cache");
            assertThat(body(res)).contains("/assets/page-T3ST.js");
        }
        FullHttpResponse js = request(page, HttpMethod.GET, "/assets/page-T3ST.js");
        assertThat(js.status().code()).isEqualTo(200);
        assertThat(js.headers().get("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(js.headers().get("Cache-Control")).contains("immutable");
        assertThat(body(js)).contains("parley");
        FullHttpResponse wasm = request(page, HttpMethod.GET, "/assets/worklet-X.wasm");
        assertThat(wasm.headers().get("Content-Type")).isEqualTo("application/wasm");
        wasm.release();
        FullHttpResponse head = request(page, HttpMethod.HEAD, "/");
        assertThat(head.status().code()).isEqualTo(200);
        assertThat(head.content().readableBytes()).isZero();
        assertThat(head.headers().getInt("Content-Length")).isGreaterThan(0);
        head.release();
    }

    @Test
    void unknownPathsMethodsAndAssetsAreRefusedPlainly() {
        WebPage page = WebPage.fromClasspath(getClass().getClassLoader(), FOLDER);
        FullHttpResponse missing = request(page, HttpMethod.GET, "/assets/../index.html");
        assertThat(missing.status().code()).isEqualTo(404);
        missing.release();
        FullHttpResponse other = request(page, HttpMethod.GET, "/metrics");
        assertThat(other.status().code()).isEqualTo(404);
        assertThat(body(other)).contains("/room/<topic-hex>");
        FullHttpResponse post = request(page, HttpMethod.POST, "/");
        assertThat(post.status().code()).isEqualTo(405);
        post.release();
    }

    @Test
    void aBuildWithoutThePageSaysSo() {
        WebPage page = WebPage.fromClasspath(getClass().getClassLoader(), "dev/parley/net/moq/relay/nowhere");
        assertThat(page.available()).isFalse();
        FullHttpResponse res = request(page, HttpMethod.GET, "/room/" + "ab".repeat(32));
        assertThat(res.status().code()).isEqualTo(503);
        assertThat(body(res)).contains("no web page").contains("Node");
    }
}
