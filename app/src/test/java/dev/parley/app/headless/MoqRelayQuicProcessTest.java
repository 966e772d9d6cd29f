package dev.parley.app.headless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.net.testing.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.parley.app.headless.PublishWatchEndToEndTest.parley;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --moq-relay} over raw QUIC as well as WebSocket, all real processes: a {@code parley relay} with a
 * certificate from a test CA (the clients trust it through {@code JDK_JAVA_OPTIONS=-Djavax.net.ssl.trustStore},
 * as a user with a private CA would), a publisher over QUIC ({@code moql://}) watched over WebSocket
 * ({@code wss://}) and the other way round, {@code https://} (both raced), and clear errors when neither
 * transport reaches the relay or its certificate is not trusted.
 */
@Timeout(300)
class MoqRelayQuicProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path trustStore(TestCa ca, Path dir) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.root());
        Path store = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(store)) {
            trust.store(out, "changeit".toCharArray());
        }
        return store;
    }

    /** Watches NAME through URL for 4 s; returns the {@code connected} event's transport, asserting frames flowed. */
    private static String watch(Map<String, String> env, String url, String name) throws Exception {
        Process w = parley(Files.createTempDirectory("parley-config"), env, "watch", "--headless", "--rendition", "180p",
                "--duration", "4", "--moq-relay", url, name);
        String out = new String(w.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(w.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(w.exitValue()).as("watch %s stdout:%n%s%nstderr:%n%s", url, out, PublishWatchEndToEndTest.stderr("watch")).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String l : out.lines().toList()) {
            lines.add(JSON.readTree(l));
        }
        JsonNode connected = lines.stream().filter(n -> "connected".equals(n.path("event").asText())).findFirst().orElseThrow();
        JsonNode last = lines.stream().filter(n -> n.has("fps")).reduce((a, b) -> b).orElseThrow();
        assertThat(last.get("fps").asDouble()).as("frames flow through the relay (%s)", url).isGreaterThan(5);
        return connected.get("transport").asText();
    }

    /** Starts a publisher of NAME through URL; returns it once it said how it reached the relay (asserted to be {@code transport}). */
    private static Process publish(Map<String, String> env, String url, String name, String transport) throws Exception {
        Process p = parley(Files.createTempDirectory("parley-config"), env, "publish", "--test-source", "--renditions", "180p",
                "--no-audio", "--bind", "127.0.0.1:0", "--name", name, "--moq-relay", url);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).as("the ticket first; stderr:%n%s", PublishWatchEndToEndTest.stderr("publish")).startsWith("parley:");
        assertThat(out.readLine()).isEqualTo("parley watch --headless --moq-relay '" + url + "' " + name);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String err = "";
        while (System.nanoTime() < deadline && !(err = PublishWatchEndToEndTest.stderr("publish")).contains("also published")) {
            Thread.sleep(50);
        }
        assertThat(err).contains("as '" + name + "' over " + transport);
        return p;
    }

    @Test
    void publishOverQuicWatchOverWebSocketAndViceVersaAndClearErrors(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create("Parley relay test CA");
        TestCa.Issued cert = ca.issue(dir, "127.0.0.1");
        Map<String, String> trusted = Map.of("JDK_JAVA_OPTIONS", "-Djavax.net.ssl.trustStore=" + trustStore(ca, dir)
                + " -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12");
        Process relay = parley("relay", "--listen", "127.0.0.1:0", "--media-listen", "127.0.0.1:0", "--public", "/open",
                "--tls-cert", cert.chain().toString(), "--tls-key", cert.key().toString());
        List<Process> publishers = new ArrayList<>();
        try {
            BufferedReader relayOut = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
            relayOut.readLine();
            String media = relayOut.readLine();
            assertThat(media).as("relay stderr:%n%s", PublishWatchEndToEndTest.stderr("relay")).matches("wss://127\\.0\\.0\\.1:\\d+/");
            String hostPort = media.substring("wss://".length(), media.length() - 1);

            publishers.add(publish(trusted, "moql://" + hostPort + "/open", "q", "quic"));
            assertThat(watch(trusted, "wss://" + hostPort + "/open", "q")).isEqualTo("websocket");
            publishers.add(publish(trusted, "wss://" + hostPort + "/open", "w", "websocket"));
            assertThat(watch(trusted, "moql://" + hostPort + "/open", "w")).isEqualTo("quic");
            String raced = watch(trusted, "https://" + hostPort + "/open", "q");
            System.out.println("[moq-relay] https:// raced, won by " + raced);
            assertThat(raced).isIn("quic", "websocket");

            // neither transport: a port nothing listens on (the QUIC handshake times out after 10 s)
            int closed;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                closed = s.getLocalPort();
            }
            Process none = parley(Files.createTempDirectory("parley-config"), trusted, "watch", "--headless", "--duration", "2",
                    "--moq-relay", "https://127.0.0.1:" + closed + "/open", "q");
            none.getInputStream().readAllBytes();
            assertThat(none.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String err = PublishWatchEndToEndTest.stderr("watch");
            assertThat(none.exitValue()).as("stderr:%n%s", err).isEqualTo(1);
            assertThat(err).contains("neither transport reached it").contains("QUIC: ").contains("WebSocket: ").doesNotContain("Exception");

            // a relay certificate the client does not trust: one line naming it, exit 1
            Process untrusted = parley("watch", "--headless", "--duration", "2", "--moq-relay", "moql://" + hostPort + "/open", "q");
            untrusted.getInputStream().readAllBytes();
            assertThat(untrusted.waitFor(60, TimeUnit.SECONDS)).isTrue();
            err = PublishWatchEndToEndTest.stderr("watch");
            System.out.println("[moq-relay] untrusted: " + err.lines().filter(l -> l.contains("QUIC")).findFirst().orElse(err));
            assertThat(untrusted.exitValue()).as("stderr:%n%s", err).isEqualTo(1);
            assertThat(err).contains("QUIC to 127.0.0.1:").contains("certificate").doesNotContain("Exception");
        } finally {
            PublishWatchEndToEndTest.stopAll(publishers, relay);
        }
    }

    @Test
    void aRelayWithoutACertificateIsReachedOverQuicByItsKey() throws Exception {
        Process relay = parley("relay", "--listen", "127.0.0.1:0", "--media-listen", "127.0.0.1:0", "--public", "/open");
        List<Process> publishers = new ArrayList<>();
        try {
            BufferedReader relayOut = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
            relayOut.readLine();
            assertThat(relayOut.readLine()).as("plain WebSocket: no certificate").startsWith("ws://127.0.0.1:");
            String keyed = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (keyed == null && System.nanoTime() < deadline) {
                keyed = PublishWatchEndToEndTest.stderr("relay").lines().filter(l -> l.contains("--moq-relay moql://"))
                        .map(l -> l.replaceAll(".*--moq-relay (moql://\\S+).*", "$1")).findFirst().orElse(null);
                Thread.sleep(50);
            }
            assertThat(keyed).as("the relay prints its keyed URL; stderr:%n%s", PublishWatchEndToEndTest.stderr("relay"))
                    .matches("moql://[0-9a-f]{64}@127\\.0\\.0\\.1:\\d+/");
            String url = keyed + "open";
            publishers.add(publish(Map.of(), url, "k", "quic"));
            assertThat(watch(Map.of(), url, "k")).as("no trust store: the key is the check").isEqualTo("quic");

            // the same address with another key: refused by the handshake, one clear line
            String impostor = url.replaceFirst("moql://[0-9a-f]{64}@", "moql://" + dev.parley.net.identity.Identity.generate().id().hex() + "@");
            Process wrong = parley("watch", "--headless", "--duration", "2", "--moq-relay", impostor, "k");
            wrong.getInputStream().readAllBytes();
            assertThat(wrong.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String err = PublishWatchEndToEndTest.stderr("watch");
            System.out.println("[moq-relay] wrong key: " + err.lines().filter(l -> l.contains("key")).findFirst().orElse(err));
            assertThat(wrong.exitValue()).as("stderr:%n%s", err).isEqualTo(1);
            assertThat(err).contains("key did not match").doesNotContain("Exception");
        } finally {
            PublishWatchEndToEndTest.stopAll(publishers, relay);
        }
    }
}
