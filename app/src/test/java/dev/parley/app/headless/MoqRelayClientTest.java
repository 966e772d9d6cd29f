package dev.parley.app.headless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.parley.app.headless.PublishWatchEndToEndTest.parley;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parley as a client of a moq-lite relay: a real {@code parley relay} child process (a public prefix, a
 * public read-only prefix and an EdDSA JWK for tokens), {@code parley publish --moq-relay} and
 * {@code parley watch --moq-relay} child processes with the test source at 180p, anonymously and with
 * scoped tokens, and the relay's refusals as one clear line and exit code 1.
 */
@Timeout(240)
class MoqRelayClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String token(KeyPair keys, Map<String, Object> claims) {
        return Jwts.builder().claims(claims).signWith(keys.getPrivate(), Jwts.SIG.EdDSA).compact();
    }

    /** The Ed25519 public key as a JWK ({@code kty OKP}, the raw 32 bytes in {@code x}). */
    private static Path jwk(KeyPair keys) throws Exception {
        byte[] der = keys.getPublic().getEncoded();
        byte[] raw = Arrays.copyOfRange(der, der.length - 32, der.length);
        Path f = Files.createTempFile("relay", ".jwk");
        Files.writeString(f, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\""
                + Base64.getUrlEncoder().withoutPadding().encodeToString(raw) + "\"}");
        f.toFile().deleteOnExit();
        return f;
    }

    /** Runs {@code parley watch --headless --duration 4 --moq-relay URL NAME}; returns its stdout lines, asserting exit 0. */
    private static List<JsonNode> watch(String url, String name) throws Exception {
        Process w = parley("watch", "--headless", "--rendition", "180p", "--duration", "4", "--moq-relay", url, name);
        String out = new String(w.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(w.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(w.exitValue()).as("watch stdout:%n%s%nstderr:%n%s", out, PublishWatchEndToEndTest.stderr("watch")).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String l : out.lines().toList()) {
            lines.add(JSON.readTree(l));
        }
        return lines;
    }

    private static void assertWatched(List<JsonNode> lines) {
        List<String> events = lines.stream().filter(n -> n.has("event")).map(n -> n.get("event").asText()).toList();
        assertThat(events).containsSubsequence("dialing", "connected", "first-frame");
        JsonNode last = lines.stream().filter(n -> n.has("fps")).reduce((a, b) -> b).orElseThrow();
        assertThat(last.get("rendition").asText()).isEqualTo("video/h264-180p");
        assertThat(last.get("fps").asDouble()).as("frames flow through the relay").isGreaterThan(5);
    }

    /** Runs {@code parley ARGS}, expecting it to fail with exit code 1 and a stderr line containing {@code says}. */
    private static void refused(String command, String says, String... args) throws Exception {
        Process p = parley(args);
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = PublishWatchEndToEndTest.stderr(command);
        assertThat(p.exitValue()).as("stderr:%n%s", err).isEqualTo(1);
        assertThat(err).contains(says).doesNotContain("Exception");
    }

    @Test
    void publishAndWatchThroughARelayAnonymouslyAndWithScopedTokensAndRefusalsAreClear() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Process relay = parley("relay", "--listen", "127.0.0.1:0", "--media-listen", "127.0.0.1:0",
                "--public", "/open", "--public-read", "/ro", "--jwt-key", jwk(keys).toString());
        List<Process> publishers = new ArrayList<>();
        try {
            BufferedReader relayOut = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
            relayOut.readLine();
            String media = relayOut.readLine();
            assertThat(media).as("relay stderr:%n%s", PublishWatchEndToEndTest.stderr("relay")).matches("ws://127\\.0\\.0\\.1:\\d+/");
            String http = media.replace("ws://", "http://");

            // anonymous, under the public prefix
            Process open = parley("publish", "--test-source", "--renditions", "180p", "--no-audio", "--bind", "127.0.0.1:0",
                    "--name", "cam", "--moq-relay", http + "open");
            publishers.add(open);
            BufferedReader openOut = new BufferedReader(new InputStreamReader(open.getInputStream(), StandardCharsets.UTF_8));
            assertThat(openOut.readLine()).as("the ticket first; stderr:%n%s", PublishWatchEndToEndTest.stderr("publish")).startsWith("parley:");
            assertThat(openOut.readLine()).isEqualTo("parley watch --headless --moq-relay '" + http + "open' cam");
            assertWatched(watch(http + "open", "cam"));

            // with tokens: the publisher may write under /team, the watcher only read it
            String writer = token(keys, Map.of("root", "team", "put", "", "get", ""));
            String reader = token(keys, Map.of("root", "team", "get", ""));
            Process team = parley("publish", "--test-source", "--renditions", "180p", "--no-audio", "--bind", "127.0.0.1:0",
                    "--name", "alice", "--moq-relay", http + "team?jwt=" + writer);
            publishers.add(team);
            BufferedReader teamOut = new BufferedReader(new InputStreamReader(team.getInputStream(), StandardCharsets.UTF_8));
            assertThat(teamOut.readLine()).as("stderr:%n%s", PublishWatchEndToEndTest.stderr("publish")).startsWith("parley:");
            assertThat(teamOut.readLine()).contains("--moq-relay").endsWith(" alice");
            assertWatched(watch(media + "team?jwt=" + reader, "alice"));

            // refusals: a read-only scope, a token for another scope, no token where one is needed
            refused("publish", "refused to take our broadcast (code 6)", "publish", "--test-source", "--renditions", "180p",
                    "--no-audio", "--bind", "127.0.0.1:0", "--moq-relay", http + "ro");
            refused("watch", "the token is for /team, not /other", "watch", "--headless", "--duration", "2",
                    "--moq-relay", http + "other?jwt=" + reader, "alice");
            refused("publish", "no token", "publish", "--test-source", "--renditions", "180p", "--no-audio",
                    "--bind", "127.0.0.1:0", "--moq-relay", http + "private");
        } finally {
            PublishWatchEndToEndTest.stopAll(publishers, relay);
        }
    }
}
