package dev.parley.app.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code parley relay}'s options, parsed against recording engines. */
class RelayCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<RelayFlags> calls = new CopyOnWriteArrayList<>();

    private int run(String... args) {
        CommandEngines engines = new CommandEngines() {
            @Override public int publish(PublishFlags o, Terminal t) { throw new AssertionError(); }
            @Override public int watch(WatchFlags o, Terminal t) { throw new AssertionError(); }
            @Override public int devices(Terminal t) { throw new AssertionError(); }
            @Override public int room(RoomFlags o, Terminal t) { throw new AssertionError(); }
            @Override public int relay(RelayFlags o, Terminal t) {
                calls.add(o);
                return 0;
            }
        };
        CliContext ctx = new CliContext(engines, r -> 0, new DisplayCheck("Linux", Map.of(), ""),
                new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(new byte[0])));
        return Cli.run(args, ctx);
    }

    @Test
    void defaults() {
        assertThat(run("relay")).isZero();
        assertThat(calls).containsExactly(new RelayFlags(new InetSocketAddress("0.0.0.0", 3340), null, null, null, 0, null));
    }

    @Test
    void everyOption() throws Exception {
        var cert = java.nio.file.Files.createTempFile("relay", ".pem");
        try {
            assertThat(run("relay", "--listen", "198.18.0.1:443", "--stun-port", "0", "--tls-cert", cert.toString(),
                    "--tls-key", cert.toString(), "--rate-limit", "2M")).isZero();
            assertThat(calls).containsExactly(new RelayFlags(new InetSocketAddress("198.18.0.1", 443), 0, cert, cert, 2_000_000, null));
        } finally {
            java.nio.file.Files.delete(cert);
        }
    }

    @Test
    void mediaRelayOptions() throws Exception {
        assertThat(run("relay", "--listen", "198.18.0.1:3340", "--public", "/demo", "--public-read", "/")).isZero();
        java.nio.file.Path defaultKey = dev.parley.app.settings.ConfigDirs.system(null).resolve("relay.key");
        assertThat(calls.getLast().media()).isEqualTo(new MediaRelayFlags(new InetSocketAddress("198.18.0.1", 4443),
                List.of("/demo"), List.of("/"), null, defaultKey));
        var jwk = java.nio.file.Files.createTempFile("relay", ".jwk");
        try {
            assertThat(run("relay", "--media-listen", "127.0.0.1:0", "--jwt-key", jwk.toString())).isZero();
            assertThat(calls.getLast().media()).isEqualTo(new MediaRelayFlags(new InetSocketAddress("127.0.0.1", 0),
                    List.of(), List.of(), jwk, defaultKey));
            assertThat(run("relay", "--public", "/", "--upstream", "https://198.18.0.2:4443/?jwt=t", "--upstream", "ws://198.18.0.3:4443/"))
                    .isZero();
            assertThat(calls.getLast().media().upstreams()).containsExactly("https://198.18.0.2:4443/?jwt=t", "ws://198.18.0.3:4443/");
            assertThat(run("relay", "--profile", "second", "--public", "/", "--key-file", "/var/lib/parley/relay.key")).isZero();
            assertThat(calls.getLast().media().keyFile()).isEqualTo(java.nio.file.Path.of("/var/lib/parley/relay.key"));
            assertThat(calls.getLast().media().goawayUri()).isNull();
            assertThat(run("relay", "--public", "/", "--goaway-uri", " https://relay2.example:4443/ ")).isZero();
            assertThat(calls.getLast().media().goawayUri()).isEqualTo("https://relay2.example:4443/");
        } finally {
            java.nio.file.Files.delete(jwk);
        }
    }

    @Test
    void mediaRelayBadValuesAreUsageErrors() {
        assertThat(run("relay", "--media-listen", "127.0.0.1:4443")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--media-listen needs --public PREFIX");
        assertThat(run("relay", "--public", "/a/../b")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("bad prefix /a/../b").contains("dot segment");
        assertThat(run("relay", "--upstream", "ws://198.18.0.2:4443/")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--upstream needs --public PREFIX");
        assertThat(run("relay", "--public", "/", "--upstream", "ftp://198.18.0.2/")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--upstream: a moq relay URL starts with");
        assertThat(run("relay", "--jwt-key", "/nonexistent.jwk")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("cannot read /nonexistent.jwk");
        assertThat(run("relay", "--public", "/", "--goaway-uri", "relay2.example:4443")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--goaway-uri: a moq relay URL starts with");
        assertThat(run("relay", "--goaway-uri", "https://relay2.example/")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--goaway-uri is for the media relay");
        assertThat(calls).isEmpty();
    }

    @Test
    void badValuesAreUsageErrorsWithReasons() {
        assertThat(run("relay", "--tls-cert", "/nonexistent.pem")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--tls-cert and --tls-key go together");
        assertThat(run("relay", "--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("cannot read /nonexistent.pem");
        assertThat(run("relay", "--rate-limit", "fast")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("not a byte count");
        assertThat(run("relay", "--stun-port", "70000")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("outside 0-65535");
        assertThat(calls).isEmpty();
    }

    @Test
    void configFileSettingsAndCommandLineOverrides() throws Exception {
        var dir = java.nio.file.Files.createTempDirectory("relay-config");
        try {
            var conf = dir.resolve("relay.conf");
            java.nio.file.Files.writeString(conf, """
                    # the packaged relay's settings
                    listen = 198.18.0.1:3340
                    media-listen = 198.18.0.1:4443   # WebSocket, the page and raw QUIC
                    public = /parley/rooms
                    public-read = /demo
                    key-file = /var/lib/parley-relay/relay.key
                    stun-port = 0
                    """);
            assertThat(run("relay", "--config", conf.toString())).as(err.toString()).isZero();
            RelayFlags r = calls.getLast();
            assertThat(r.listen()).isEqualTo(new InetSocketAddress("198.18.0.1", 3340));
            assertThat(r.stunPort()).isZero();
            assertThat(r.media()).isEqualTo(new MediaRelayFlags(new InetSocketAddress("198.18.0.1", 4443),
                    List.of("/parley/rooms"), List.of("/demo"), null, java.nio.file.Path.of("/var/lib/parley-relay/relay.key")));
            // the command line wins over the file
            assertThat(run("relay", "--config", conf.toString(), "--listen", "198.18.0.2:80")).isZero();
            assertThat(calls.getLast().listen()).isEqualTo(new InetSocketAddress("198.18.0.2", 80));
            assertThat(calls.getLast().media().publicPrefixes()).containsExactly("/parley/rooms");

            java.nio.file.Files.writeString(conf, "listen = 198.18.0.1:3340\nwhatever = 1\n");
            assertThat(run("relay", "--config", conf.toString())).isEqualTo(ExitCodes.USAGE);
            assertThat(err.toString()).contains("relay.conf:2: unknown setting 'whatever'");
            java.nio.file.Files.writeString(conf, "public = /a/../b\n");
            assertThat(run("relay", "--config", conf.toString())).isEqualTo(ExitCodes.USAGE);
            assertThat(err.toString()).contains("bad prefix /a/../b");
            java.nio.file.Files.writeString(conf, "listen 1.2.3.4\n");
            assertThat(run("relay", "--config", conf.toString())).isEqualTo(ExitCodes.USAGE);
            assertThat(err.toString()).contains("relay.conf:1: expected 'name = value'");
            assertThat(run("relay", "--config", dir.resolve("missing.conf").toString())).isEqualTo(ExitCodes.USAGE);
            assertThat(err.toString()).contains("cannot read");
        } finally {
            try (var files = java.nio.file.Files.list(dir)) {
                for (var f : files.toList()) {
                    java.nio.file.Files.delete(f);
                }
            }
            java.nio.file.Files.delete(dir);
        }
    }

    @Test
    void unwiredBuildsRefuseIt() {
        CliContext ctx = new CliContext(CommandEngines.unwired(), r -> 0, new DisplayCheck("Linux", Map.of(), ""),
                new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(new byte[0])));
        assertThat(Cli.run(new String[] {"relay"}, ctx)).isEqualTo(ExitCodes.NOT_AVAILABLE);
        assertThat(err.toString()).contains("parley relay: the relay is not available");
    }
}
