package dev.parley.app.headless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.parley.app.headless.PublishWatchEndToEndTest.parley;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A draining relay's GOAWAY names another relay and Parley's clients move there: two real
 * {@code parley relay} child processes on loopback (A started with {@code --goaway-uri} B), a
 * {@code parley publish --moq-relay A} and a {@code parley watch --moq-relay A} child; A is stopped
 * (SIGTERM: drain, GOAWAY) while the watcher plays, and the watcher keeps getting frames through B,
 * from the publisher that moved there too, and exits 0 at the end of its duration.
 */
@Timeout(180)
class MoqRelayRedirectTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String mediaUrl(Process relay, String name) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
        out.readLine();
        String media = out.readLine();
        assertThat(media).as("relay %s stderr:%n%s", name, PublishWatchEndToEndTest.stderr("relay")).matches("ws://127\\.0\\.0\\.1:\\d+/");
        return media.replace("ws://", "http://");
    }

    @Test
    void aDrainingRelaySendsPublisherAndWatcherToTheRelayItNames() throws Exception {
        Process relayB = parley("relay", "--listen", "127.0.0.1:0", "--stun-port", "0", "--media-listen", "127.0.0.1:0",
                "--public", "/open");
        Process relayA = null;
        Process publisher = null;
        Process watcher = null;
        try {
            String b = mediaUrl(relayB, "B");
            Path errB = PublishWatchEndToEndTest.stderrPath("relay");
            relayA = parley("relay", "--listen", "127.0.0.1:0", "--stun-port", "0", "--media-listen", "127.0.0.1:0",
                    "--public", "/open", "--goaway-uri", b);
            String a = mediaUrl(relayA, "A");
            Path errA = PublishWatchEndToEndTest.stderrPath("relay");

            publisher = parley("publish", "--test-source", "--renditions", "180p", "--no-audio", "--bind", "127.0.0.1:0",
                    "--name", "cam", "--moq-relay", a + "open");
            BufferedReader pubOut = new BufferedReader(new InputStreamReader(publisher.getInputStream(), StandardCharsets.UTF_8));
            assertThat(pubOut.readLine()).as("the ticket first; stderr:%n%s", PublishWatchEndToEndTest.stderr("publish")).startsWith("parley:");
            Path errPublish = PublishWatchEndToEndTest.stderrPath("publish");

            watcher = parley("watch", "--headless", "--rendition", "180p", "--duration", "12", "--moq-relay", a + "open", "cam");
            List<JsonNode> lines = new CopyOnWriteArrayList<>();
            CountDownLatch firstFrame = new CountDownLatch(1);
            BufferedReader watchOut = new BufferedReader(new InputStreamReader(watcher.getInputStream(), StandardCharsets.UTF_8));
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    for (String l; (l = watchOut.readLine()) != null; ) {
                        JsonNode n = JSON.readTree(l);
                        lines.add(n);
                        if ("first-frame".equals(n.path("event").asText())) {
                            firstFrame.countDown();
                        }
                    }
                } catch (Exception e) {
                    // the process ended
                }
            });
            assertThat(firstFrame.await(30, TimeUnit.SECONDS)).as("a first frame through relay A; watch stderr:%n%s",
                    PublishWatchEndToEndTest.stderr("watch")).isTrue();

            // stop A: it drains, its GOAWAY names B
            relayA.destroy();
            assertThat(relayA.waitFor(20, TimeUnit.SECONDS)).as("relay A stops").isTrue();
            int stoppedAt = lines.size();

            assertThat(watcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
            reader.join(5_000);
            String transcript = "watch stdout:\n" + String.join("\n", lines.stream().map(JsonNode::toString).toList())
                    + "\nwatch stderr:\n" + PublishWatchEndToEndTest.stderr("watch") + "\npublish stderr:\n" + Files.readString(errPublish)
                    + "\nrelay A stderr:\n" + Files.readString(errA) + "\nrelay B stderr:\n" + Files.readString(errB);
            assertThat(watcher.exitValue()).as(transcript).isZero();
            JsonNode redirected = lines.stream().filter(n -> "redirected".equals(n.path("event").asText())).findFirst().orElse(null);
            assertThat(redirected).as("a redirected event\n" + transcript).isNotNull();
            assertThat(redirected.path("relay").asText()).isEqualTo(b.replace("http://", "ws://") + "open");
            System.out.println("[redirect] " + redirected + "; then " + lines.stream()
                    .filter(n -> "resumed".equals(n.path("event").asText())).map(JsonNode::toString).toList());
            // after the move, frames flow through B: stats lines from the last seconds show them
            List<JsonNode> after = lines.subList(Math.min(stoppedAt, lines.size()), lines.size()).stream()
                    .filter(n -> n.has("fps")).toList();
            assertThat(after).as("stats lines after relay A stopped\n" + transcript).hasSizeGreaterThanOrEqualTo(3);
            assertThat(after.getLast().get("fps").asDouble()).as("frames through relay B\n" + transcript).isGreaterThan(5);
            assertThat(Files.readString(errPublish)).as("the publisher moved too").contains("moved to");
        } finally {
            for (Process p : new Process[] {watcher, publisher, relayA, relayB}) {
                if (p != null) {
                    p.destroy();
                    p.waitFor(20, TimeUnit.SECONDS);
                }
            }
        }
    }
}
