package dev.parley.app.headless;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.app.cli.MediaRelayFlags;
import dev.parley.media.codec.VideoPreset;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.playout.NullAudioSink;
import dev.parley.media.publish.LocalMedia;
import dev.parley.media.publish.PublishOptions;
import dev.parley.media.watch.RemoteMedia;
import dev.parley.media.watch.WatchOptions;
import dev.parley.net.identity.Identity;
import dev.parley.net.moq.model.Announce;
import dev.parley.net.moq.model.OriginConsumer;
import dev.parley.net.moq.session.Moq;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.net.ticket.LiveTicket;
import dev.parley.net.qmux.QmuxClient;
import dev.parley.net.testing.NodeInterop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page {@code parley relay} serves (app/src/main/web: {@code @moq/watch} and {@code @moq/publish}
 * bundled at build time) in Debian's headless Chromium ({@code media/src/test/js/relay-page.mjs}, fake
 * camera and microphone), everything through one relay on loopback: the page's player paints a Parley
 * publisher's broadcast (its timestamp barcode read back from the pixels), and in a room scope the page's
 * Publish button sends camera, microphone and the name typed beside it, which a Parley subscriber decodes
 * (and sees the microphone leave the catalog while the page's Mute is on), while the page shows the
 * Parley participant's camera under the name its catalog carries; the ticket page plays a broadcast the relay pulls from a Parley
 * publisher by its ticket. Skipped with the reason when Chromium or the npm packages are missing
 * outside CI.
 */
@Timeout(150)
class RelayWebPageBrowserTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static MediaRelayFlags publicAt(String prefix) {
        return new MediaRelayFlags(new InetSocketAddress("127.0.0.1", 0), List.of(prefix), List.of(), null);
    }

    private static PublishOptions testPattern() {
        // two low renditions: software decoding in Chromium on a shared 2-core machine
        return PublishOptions.defaults().withEncoder("libx264").withPresets(VideoPreset.P180, VideoPreset.P360);
    }

    @Test
    void watchPagePaintsAParleyBroadcastPublishedToTheRelay() throws Exception {
        NodeInterop node = NodeInterop.requireChromium("media", "relay-page.mjs");
        try (MediaRelayListeners relay = MediaRelayListeners.start(publicAt("/demo"), null, null);
             LocalMedia local = LocalMedia.withTestSources(testPattern());
             QmuxClient client = new QmuxClient()) {
            assertThat(relay.page()).as("the build bundled the relay's page").isTrue();
            String page = relay.pageUrl("127.0.0.1");
            assertPlainHttp(page);

            MoqSession publisher = MoqSession.start(client.connect(relay.url("127.0.0.1") + "demo"));
            publisher.publish("alice", local.broadcast().consume());
            try (NodeInterop.Run js = node.start("relay-page.mjs", page + "watch?scope=/demo&name=alice", "10000")) {
                assertThat(js.awaitEvent("done", Duration.ofSeconds(60))).as(js.transcript()).isPresent();
                String transcript = js.transcript();
                List<JsonNode> ev = js.events();
                JsonNode opened = first(ev, "page", transcript);
                assertThat(opened.path("status").asInt()).isEqualTo(200);
                assertThat(opened.path("coop").asText()).isEqualTo("same-origin");
                JsonNode last = last(ev, "sample", transcript);
                System.out.println("[relay-page] last sample " + last);
                assertThat(last.path("crossOriginIsolated").asBoolean()).as("COOP/COEP from the relay").isTrue();
                JsonNode alice = last.path("players").path("alice");
                assertThat(alice.path("version").asText()).as(transcript).startsWith("moq-lite-0");
                assertThat(alice.path("decodedFrames").asLong()).as("frames decoded\n" + transcript).isGreaterThan(60);
                assertThat(alice.path("audioBytes").asLong()).as("audio received").isGreaterThan(1000);
                assertAdvancingBarcodes(player(first(ev, "paints", transcript), "alice", transcript), 40, transcript);
            } finally {
                publisher.close();
            }
        }
    }

    @Test
    void ticketPagePlaysABroadcastTheRelayPullsFromItsPublisher() throws Exception {
        NodeInterop node = NodeInterop.requireChromium("media", "relay-page.mjs");
        try (MediaRelayListeners relay = MediaRelayListeners.start(publicAt("/"), null, null);
             LocalMedia local = LocalMedia.withTestSources(testPattern());
             Endpoint publisherEndpoint = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
             Moq publisher = Moq.attach(publisherEndpoint, Moq.Options.DEFAULT.withAutoAccept(true))) {
            // a Parley publisher that only serves peer to peer: the relay dials it when the page asks
            publisher.publish("cam", local.broadcast().consume());
            String ticket = new LiveTicket(publisherEndpoint.addr(), "cam").toString();
            String url = relay.pageUrl("127.0.0.1") + "ticket?t=" + URLEncoder.encode(ticket, StandardCharsets.UTF_8);
            try (NodeInterop.Run js = node.start("relay-page.mjs", url, "12000")) {
                assertThat(js.awaitEvent("done", Duration.ofSeconds(60))).as(js.transcript()).isPresent();
                String transcript = js.transcript();
                List<JsonNode> ev = js.events();
                JsonNode last = last(ev, "sample", transcript);
                System.out.println("[relay-page] last ticket sample " + last);
                assertThat(relay.relay().pullDials()).as("the relay dialed the publisher once").isEqualTo(1);
                assertThat(last.path("players").path(ticket).path("decodedFrames").asLong())
                        .as("frames decoded\n" + transcript).isGreaterThan(30);
                assertAdvancingBarcodes(player(first(ev, "paints", transcript), ticket, transcript), 30, transcript);
            }
        }
    }

    @Test
    void roomPageShowsAParleyParticipantAndPublishesToAParleySubscriber() throws Exception {
        NodeInterop node = NodeInterop.requireChromium("media", "relay-page.mjs");
        byte[] topic = new byte[32];
        new SecureRandom().nextBytes(topic);
        String topicHex = HexFormat.of().formatHex(topic);
        String scope = "parley/rooms/" + topicHex;
        String parleyParticipant = Identity.generate().id().hex();
        AtomicLong played = new AtomicLong();
        try (MediaRelayListeners relay = MediaRelayListeners.start(publicAt("/parley/rooms"), null, null);
             LocalMedia local = LocalMedia.withTestSources(testPattern());
             QmuxClient client = new QmuxClient()) {
            String page = relay.pageUrl("127.0.0.1");
            local.setUserName("Ada Parley"); // the catalog's user.name, which the page shows on the tile
            MoqSession participant = MoqSession.start(client.connect(relay.url("127.0.0.1") + scope));
            participant.publish(parleyParticipant + "/camera", local.broadcast().consume());
            MoqSession subscriber = MoqSession.start(client.connect(relay.url("127.0.0.1") + scope));
            try (OriginConsumer announces = subscriber.announced("");
                 NodeInterop.Run js = node.start("relay-page.mjs", page + "room/" + topicHex, "24000", "publish", "Grace Browser")) {
                assertThat(js.awaitEvent("clicked", Duration.ofSeconds(30))).as(js.transcript()).isPresent();

                // The Parley subscriber follows the room's announces and finds the browser's camera.
                Announce browser = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (browser == null && System.nanoTime() < deadline) {
                    Announce a = announces.nextAnnounce(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                    if (a != null && a.broadcast() != null && a.path().toString().endsWith("/camera")
                            && !a.path().toString().startsWith(parleyParticipant)) {
                        browser = a;
                    }
                }
                assertThat(browser).as("the page's camera announced in the room\n" + js.transcript()).isNotNull();
                String browserPath = browser.path().toString();
                assertThat(browserPath).as("a browser participant id as the contract says").matches("[a-z0-9-]{8,64}/camera");
                try (RemoteMedia remote = new RemoteMedia(browser.broadcast(), WatchOptions.defaults()
                        .withAudioSink(new NullAudioSink(pcm -> played.incrementAndGet())))) {
                    int frames = 0;
                    long frameDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (frames < 30 && System.nanoTime() < frameDeadline) {
                        VideoFrame f = remote.takeFrame(Duration.ofSeconds(1));
                        if (f != null) {
                            try (f) {
                                frames++;
                            }
                        }
                    }
                    long audioDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while (remote.stats().audioPlayed() < 25 && System.nanoTime() < audioDeadline) {
                        Thread.sleep(100);
                    }
                    System.out.printf("[relay-page] Parley subscriber: %s over %s: catalog %s, %d frames, audio played %d%n",
                            browserPath, subscriber.version(), remote.catalog(), frames, remote.stats().audioPlayed());
                    assertThat(remote.catalog().audioRenditions()).as("the page publishes the microphone").isNotEmpty();
                    assertThat(remote.catalog().userName()).as("the name typed on the page, in its catalog").contains("Grace Browser");

                    // The page's Mute takes the audio out of the catalog (Parley shows the tile muted); Unmute brings it back.
                    click(js, "#mute");
                    awaitCatalog(remote, c -> c.audioRenditions().isEmpty() && !c.videoRenditions().isEmpty(), "muted", js);
                    click(js, "#mute");
                    awaitCatalog(remote, c -> !c.audioRenditions().isEmpty() && !c.videoRenditions().isEmpty(), "unmuted", js);
                    assertThat(frames).as("frames decoded from the page's camera\n" + js.transcript()).isGreaterThanOrEqualTo(30);
                    assertThat(remote.stats().audioPlayed()).as("audio packets played").isGreaterThanOrEqualTo(25);
                }

                // The page watched the Parley participant's camera meanwhile.
                assertThat(js.awaitEvent("done", Duration.ofSeconds(60))).as(js.transcript()).isPresent();
                String transcript = js.transcript();
                List<JsonNode> ev = js.events();
                JsonNode last = last(ev, "sample", transcript);
                System.out.println("[relay-page] last room sample " + last);
                assertThat(last.path("scope").asText()).isEqualTo("/" + scope);
                assertThat(browserPath).isEqualTo(last.path("me").asText() + "/camera");
                assertThat(last.path("tiles").toString()).as("one tile, the Parley participant's").isEqualTo("[\"" + parleyParticipant + "\"]");
                assertThat(last.path("captions").toString()).as("the tile named from the Parley catalog's user.name")
                        .contains("Ada Parley (");
                assertThat(last.path("publishing").asBoolean()).isTrue();
                assertAdvancingBarcodes(player(first(ev, "paints", transcript), parleyParticipant + "/camera", transcript), 30, transcript);
            } finally {
                participant.close();
                subscriber.close();
            }
        }
    }

    /** The relay answers plain HTTP on its WebSocket port: the page, its assets, clear 404s. */
    private static void assertPlainHttp(String page) throws Exception {
        HttpResponse<String> index = get(page);
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(index.headers().firstValue("cross-origin-embedder-policy")).hasValue("require-corp");
        String script = index.body().replaceFirst("(?s).*src=\"(/assets/[^\"]+\\.js)\".*", "$1");
        HttpResponse<String> js = get(page + script.substring(1));
        assertThat(js.statusCode()).as(script).isEqualTo(200);
        assertThat(js.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(js.body().length()).as("the bundled player").isGreaterThan(100_000);
        assertThat(get(page + "room/0123").statusCode()).as("the page itself reports a bad topic").isEqualTo(200);
        assertThat(get(page + "assets/nope.js").statusCode()).isEqualTo(404);
        assertThat(get(page + "elsewhere").statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertAdvancingBarcodes(JsonNode player, int atLeast, String transcript) {
        List<Long> capture = new ArrayList<>();
        player.path("capture").forEach(c -> capture.add(c.asLong()));
        List<Long> latency = new ArrayList<>();
        player.path("latency").forEach(c -> latency.add(c.asLong()));
        System.out.println("[relay-page] " + player.path("name").asText() + ": " + capture.size()
                + " distinct barcodes painted; capture→paint every 10th (ms): "
                + java.util.stream.IntStream.iterate(0, i -> i < latency.size(), i -> i + 10).mapToObj(latency::get).toList());
        assertThat(capture).as("distinct barcodes painted\n" + transcript).hasSizeGreaterThan(atLeast);
        for (int i = 1; i < capture.size(); i++) {
            assertThat(capture.get(i)).isGreaterThan(capture.get(i - 1));
        }
        assertThat(capture.getLast() - capture.getFirst()).as("painted capture times span the watch").isGreaterThan(2000);
        assertThat(player.path("unreadable").asInt()).as("unreadable barcodes").isLessThan(capture.size() / 10 + 1);
    }

    private static JsonNode player(JsonNode paints, String name, String transcript) {
        for (JsonNode p : paints.path("players")) {
            if (name.equals(p.path("name").asText())) {
                return p;
            }
        }
        throw new AssertionError("no player for " + name + "\n" + transcript);
    }

    /** Clicks an element of the page through the driver and waits until it did. */
    private static void click(NodeInterop.Run js, String selector) throws InterruptedException {
        js.send("click " + selector);
        assertThat(js.awaitEvent(e -> "clicked".equals(e.path("event").asText()) && selector.equals(e.path("target").asText()),
                Duration.ofSeconds(15))).as("clicked " + selector + "\n" + js.transcript()).isPresent();
    }

    private static void awaitCatalog(RemoteMedia remote, java.util.function.Predicate<dev.parley.media.hang.Catalog> wanted,
                                     String what, NodeInterop.Run js) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!wanted.test(remote.catalog()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(wanted.test(remote.catalog())).as(what + ": catalog " + remote.catalog() + "\n" + js.transcript()).isTrue();
    }

    private static JsonNode first(List<JsonNode> ev, String name, String transcript) {
        Optional<JsonNode> e = ev.stream().filter(x -> name.equals(x.path("event").asText())).findFirst();
        assertThat(e).as("event " + name + "\n" + transcript).isPresent();
        return e.get();
    }

    private static JsonNode last(List<JsonNode> ev, String name, String transcript) {
        List<JsonNode> all = ev.stream().filter(x -> name.equals(x.path("event").asText())).toList();
        assertThat(all).as("events " + name + "\n" + transcript).isNotEmpty();
        return all.getLast();
    }
}
