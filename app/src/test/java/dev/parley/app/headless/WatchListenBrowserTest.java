package dev.parley.app.headless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.app.cli.ExitCodes;
import dev.parley.app.cli.Terminal;
import dev.parley.app.cli.WatchFlags;
import dev.parley.net.testing.NodeInterop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code parley watch --listen 0 --name NAME}: {@code @moq/publish} 0.2.17 in headless Chromium with the
 * fake camera and microphone ({@code media/src/test/js/browser-publish.mjs}) connects to the listener
 * with its default connection code and publishes; the headless watcher decodes its frames and plays its
 * audio, as its stats lines show.
 */
@Timeout(120)
class WatchListenBrowserTest {
    static final String NAME = "browser/cam.hang";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Collects whole lines as they are printed. */
    static final class Lines extends Writer {
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public synchronized void write(char[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (buf[i] == '\n') {
                    lines.add(partial.toString());
                    partial.setLength(0);
                } else {
                    partial.append(buf[i]);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void watchListenDecodesABrowserPublisher() throws Exception {
        NodeInterop node = NodeInterop.requireChromium("media", "browser-publish.mjs");
        Lines out = new Lines();
        StringWriter err = new StringWriter();
        Terminal terminal = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(new byte[0]));
        WatchFlags options = new WatchFlags(null, "auto", Duration.ofSeconds(40), null, new WatchFlags.Listen("127.0.0.1", 0, NAME));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new HeadlessEngines().watch(options, terminal));
        String first = out.lines.poll(20, TimeUnit.SECONDS);
        assertThat(first).as("the listening line; stderr: " + err).isNotNull();
        JsonNode listening = JSON.readTree(first);
        assertThat(listening.path("event").asText()).isEqualTo("listening");
        String url = listening.path("url").asText();
        assertThat(url).startsWith("http://127.0.0.1:");
        boolean frames = false;
        boolean audio = false;
        try (NodeInterop.Run js = node.start("browser-publish.mjs", url, NAME, "60000")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
            while (!(frames && audio) && System.nanoTime() < deadline) {
                String line = out.lines.poll(1, TimeUnit.SECONDS);
                if (line == null) {
                    continue;
                }
                System.out.println("[watch-listen] " + line);
                JsonNode l = JSON.readTree(line);
                frames |= l.path("fps").asDouble() >= 5;
                audio |= l.path("audioPlayed").asLong() >= 25;
            }
            assertThat(frames).as("a stats line with frames decoded\nstderr: " + err + "\nbrowser: " + js.transcript()).isTrue();
            assertThat(audio).as("a stats line with 25+ audio packets played\nstderr: " + err).isTrue();
        }
        // the publisher went away: the watcher reports it and exits
        assertThat(exit.get(30, TimeUnit.SECONDS)).isIn(ExitCodes.OK, ExitCodes.FAILED);
        List<String> rest = List.copyOf(out.lines);
        System.out.println("[watch-listen] then " + rest + " stderr " + err);
    }
}
