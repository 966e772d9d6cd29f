package dev.parley.app.headless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.net.identity.EndpointId;
import dev.parley.net.ticket.LiveTicket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The real {@code parley} main in child JVMs: publish the test source over loopback QUIC and watch it headless. */
@Timeout(180)
class PublishWatchEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.Map<String, Path> STDERR = new java.util.concurrent.ConcurrentHashMap<>();

    static Path stderrPath(String command) {
        return STDERR.get(command);
    }

    static String stderr(String command) throws java.io.IOException {
        return java.nio.file.Files.readString(STDERR.get(command));
    }

    /** Stops {@code clients}, then {@code relay}, which must exit within 20 s (it drains). */
    static void stopAll(java.util.List<Process> clients, Process relay) throws InterruptedException {
        for (Process p : clients) {
            p.destroy();
            p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
        }
        relay.destroy();
        org.assertj.core.api.Assertions.assertThat(relay.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }

    /** Runs {@code parley ARGS} with a config folder of its own, like a separate machine. */
    static Process parley(String... args) throws Exception {
        return parley(java.nio.file.Files.createTempDirectory("parley-config"), args);
    }

    /** Runs {@code parley ARGS} with {@code config} as its platform config folder (never the user's own). */
    static Process parley(Path config, String... args) throws Exception {
        return parley(config, java.util.Map.of(), args);
    }

    /** Like {@link #parley(Path, String...)} with extra environment variables (e.g. {@code JDK_JAVA_OPTIONS}). */
    static Process parley(Path config, java.util.Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                // the test class path holds two logback-test.xml; keep logback's status report off stdout
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                "-cp", System.getProperty("java.class.path"), "dev.parley.app.Main"));
        cmd.addAll(List.of(args));
        java.io.File err = java.io.File.createTempFile("parley-" + args[0], ".err");
        err.deleteOnExit();
        STDERR.put(args[0], err.toPath());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err);
        pb.environment().put("XDG_CONFIG_HOME", config.toAbsolutePath().toString());
        pb.environment().remove("PARLEY_SECRET");
        pb.environment().putAll(env);
        return pb.start();
    }

    @Test
    void watchDecodesThePublishedTestSourceAndSigtermEndsThePublisherWithZero() throws Exception {
        Process publisher = parley("publish", "--test-source", "--name", "e2e", "--renditions", "180p,360p,720p",
                "--bind", "127.0.0.1:0");
        try {
            BufferedReader pubOut = new BufferedReader(new InputStreamReader(publisher.getInputStream(), StandardCharsets.UTF_8));
            String ticket = pubOut.readLine();
            assertThat(ticket).as("the ticket is the first stdout line; publisher stderr:%n%s", stderr("publish")).startsWith("parley:").endsWith("/e2e");

            Path recording = java.nio.file.Files.createTempDirectory("parley-rec").resolve("watched.mp4");
            Process watcher = parley("watch", ticket, "--headless", "--rendition", "360p", "--duration", "5",
                    "--record", recording.toString());
            List<String> lines = new String(watcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertThat(watcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(watcher.exitValue()).as("watch stderr:%n%s", stderr("watch")).isZero();
            List<JsonNode> stats = new ArrayList<>();
            List<String> events = new ArrayList<>();
            JsonNode recorded = null;
            for (String line : lines) {
                JsonNode n = JSON.readTree(line);
                if (n.has("event")) {
                    events.add(n.get("event").asText());
                    if (n.get("event").asText().equals("recorded")) {
                        recorded = n;
                    }
                } else {
                    stats.add(n);
                }
            }
            assertThat(stats).hasSizeBetween(3, 6);
            assertThat(events).containsSubsequence("dialing", "connected", "recording", "first-frame", "recorded");
            assertThat(recorded.get("file").asText()).isEqualTo(recording.toString());
            assertThat(recorded.get("bytes").asLong()).as("about 4 s of 360p and Opus").isGreaterThan(50_000)
                    .isEqualTo(java.nio.file.Files.size(recording));
            assertThat(stats.getLast().get("audioTargetMs").asInt()).isBetween(20, 200);
            assertThat(stats.getLast().has("audioBufferMs")).isTrue();
            JsonNode last = stats.getLast();
            assertThat(last.get("rendition").asText()).isEqualTo("video/h264-360p");
            assertThat(last.get("fps").asDouble()).isGreaterThan(5);
            assertThat(last.get("latencyMs").asLong()).isBetween(0L, 1000L);
            assertThat(last.get("rttMs").asDouble()).isBetween(0.0, 500.0);
            assertThat(last.get("bytes").asLong()).isGreaterThan(10_000);
            assertThat(stats).allSatisfy(s -> assertThat(s.has("audio")).isTrue());
        } finally {
            publisher.destroy(); // SIGTERM
        }
        assertThat(publisher.waitFor(30, TimeUnit.SECONDS)).as("publisher stops on SIGTERM").isTrue();
        assertThat(publisher.exitValue()).isZero();
    }

    @Test
    void aProfileKeepsItsEndpointIdAcrossRunsAndProfilesDiffer() throws Exception {
        Path config = java.nio.file.Files.createTempDirectory("parley-config");
        EndpointId first = publishedId(config, "studio");
        EndpointId again = publishedId(config, "studio");
        EndpointId other = publishedId(config, "other");
        assertThat(again).as("same profile, same identity").isEqualTo(first);
        assertThat(other).as("another profile is another participant").isNotEqualTo(first);
        assertThat(config.resolve("parley/profiles/studio/studio.key")).as("kept in the profile's config folder").isRegularFile();
        assertThat(config.resolve("parley/profiles/other/other.key")).isRegularFile();
    }

    /** Starts {@code parley --profile P publish}, reads the endpoint id from its ticket and stops it. */
    private static EndpointId publishedId(Path config, String profile) throws Exception {
        Process p = parley(config, "--profile", profile, "publish", "--test-source", "--renditions", "180p",
                "--no-audio", "--bind", "127.0.0.1:0");
        try {
            String ticket = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(ticket).as("ticket line; stderr:%n%s", stderr("--profile")).startsWith("parley:");
            return LiveTicket.parse(ticket).addr().id();
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void garbageTicketExitsTwoWithOneClearLine() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                "-cp", System.getProperty("java.class.path"), "dev.parley.app.Main", "watch", "garbage", "--headless"));
        Process watcher = new ProcessBuilder(cmd).start();
        String err = new String(watcher.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(watcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(watcher.exitValue()).isEqualTo(2);
        assertThat(err.lines().filter(l -> !l.isBlank()).toList()).singleElement().asString()
                .startsWith("parley watch: bad ticket: ");
    }

    @Test
    void unreachablePeerIsAClearErrorAndNonZeroExit() throws Exception {
        int freePort;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            freePort = probe.getLocalPort(); // closed again: nobody listens there
        }
        String ticket = new dev.parley.net.ticket.LiveTicket(dev.parley.net.ticket.EndpointAddr.of(
                dev.parley.net.identity.Identity.generate().id(), new java.net.InetSocketAddress("127.0.0.1", freePort)), "nobody").toString();
        Process watcher = parley("watch", ticket, "--headless", "--duration", "2");
        String out = new String(watcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(watcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(watcher.exitValue()).isEqualTo(1);
        assertThat(out.lines().toList()).as("only the dial started: no connection, no stats")
                .singleElement().asString().startsWith("{\"event\":\"dialing\"");
        assertThat(stderr("watch")).contains("parley watch: cannot reach [/127.0.0.1:" + freePort + "]");
    }
}
