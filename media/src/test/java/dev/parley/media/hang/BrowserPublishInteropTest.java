package dev.parley.media.hang;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.playout.NullAudioSink;
import dev.parley.media.stats.WatchStats;
import dev.parley.media.watch.RemoteMedia;
import dev.parley.media.watch.WatchOptions;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.moq.wire.Version;
import dev.parley.net.qmux.QmuxConnection;
import dev.parley.net.qmux.QmuxServer;
import dev.parley.net.qmux.QmuxWireFormat;
import dev.parley.net.testing.NodeInterop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @moq/publish} 0.2.17 (its {@code <moq-publish>} element, default connection settings, camera
 * source) in Debian's headless Chromium with the fake camera and microphone publishes to Parley's
 * WebSocket listener ({@code src/test/js/browser-publish.mjs}); Parley follows the announce, watches
 * the broadcast with {@link RemoteMedia} and decodes its frames and audio. Skipped with the reason when
 * Chromium or the npm packages are missing outside CI.
 */
@Timeout(120)
class BrowserPublishInteropTest {
    static final String BROADCAST = "browser/cam.hang";

    @Test
    void mozPublishInChromiumPublishesAndParleyWatches() throws Exception {
        NodeInterop node = NodeInterop.requireChromium("media", "browser-publish.mjs");
        LinkedBlockingQueue<MoqSession> sessions = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<QmuxConnection> connections = new LinkedBlockingQueue<>();
        AtomicLong played = new AtomicLong();
        try (QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), conn -> {
                connections.add(conn);
                sessions.add(MoqSession.start(conn));
            });
             NodeInterop.Run js = node.start("browser-publish.mjs", "http://127.0.0.1:" + server.port() + "/", BROADCAST, "60000")) {
            MoqSession session = sessions.poll(30, TimeUnit.SECONDS);
            assertThat(session).as("the browser connects\n" + js.transcript()).isNotNull();
            // @moq/publish 0.2.17's default connect (@moq/net 0.1.9, @moq/qmux 0.1.3) offers only bare qmux-01,
            // qmux-00 and webtransport and a legacy SETUP of lite-02/01/moqt-14: the newest it can get is lite-02
            // over qmux-01 records (its SessionInfo refuses lite-03+ on a legacy session stream).
            assertThat(connections.poll()).isNotNull().satisfies(c -> {
                assertThat(c.wireFormat()).isEqualTo(QmuxWireFormat.QMUX_01);
                assertThat(c.protocol()).isEmpty();
            });
            assertThat(session.version()).isEqualTo(Version.LITE_02);
            BroadcastConsumer broadcast = session.subscribe(BROADCAST, Duration.ofSeconds(20));
            assertThat(broadcast).as("the browser announces " + BROADCAST + "\n" + js.transcript()).isNotNull();
            try (RemoteMedia remote = new RemoteMedia(broadcast, WatchOptions.defaults()
                    .withAudioSink(new NullAudioSink(pcm -> played.incrementAndGet())))) {
                int frames = 0;
                int width = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (frames < 30 && System.nanoTime() < deadline) {
                    VideoFrame f = remote.takeFrame(Duration.ofSeconds(1));
                    if (f != null) {
                        try (f) {
                            frames++;
                            width = f.width();
                        }
                    }
                }
                long audioDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (remote.stats().audioPlayed() < 25 && System.nanoTime() < audioDeadline) {
                    Thread.sleep(100);
                }
                WatchStats stats = remote.stats();
                System.out.printf("[browser-publish] %s over %s: catalog %s; %d frames decoded (%d px wide, %s),"
                                + " audio played %d, latency %d ms%n", BROADCAST, session.version(), remote.catalog(),
                        frames, width, stats.decoder(), stats.audioPlayed(), stats.latencyMillis());
                List<JsonNode> samples = HangPlayerInteropTest.events(js.events(), "sample");
                if (!samples.isEmpty()) {
                    System.out.println("[browser-publish] page " + samples.getLast());
                }
                assertThat(remote.catalog().videoRenditions()).as("catalog " + remote.catalog()).isNotEmpty();
                assertThat(remote.catalog().audioRenditions()).as("catalog " + remote.catalog()).isNotEmpty();
                assertThat(frames).as("decoded frames\n" + js.transcript()).isGreaterThanOrEqualTo(30);
                assertThat(stats.audioPlayed()).as("audio packets played").isGreaterThanOrEqualTo(25);
            }
        }
    }
}
