package dev.parley.app.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class CliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<Object> engineCalls = new CopyOnWriteArrayList<>();
    private final List<GuiRequest> windows = new CopyOnWriteArrayList<>();

    private final CommandEngines recording = new CommandEngines() {
        @Override
        public int publish(PublishFlags o, Terminal t) {
            engineCalls.add(o);
            return 0;
        }

        @Override
        public int watch(WatchFlags o, Terminal t) {
            engineCalls.add(o);
            return 0;
        }

        @Override
        public int devices(Terminal t) {
            engineCalls.add("devices");
            return 0;
        }

        @Override
        public int room(RoomFlags o, Terminal t) {
            engineCalls.add(o);
            return 0;
        }

        @Override
        public int netcheck(NetFlags net, Duration wait, Terminal t) {
            engineCalls.add(List.of(net, wait));
            return 0;
        }
    };

    private int run(CommandEngines engines, Map<String, String> env, String... args) {
        CliContext ctx = new CliContext(engines, r -> {
            windows.add(r);
            return 0;
        }, new DisplayCheck("Linux", env, ""),
                new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(new byte[0])));
        return Cli.run(args, ctx);
    }

    private int run(String... args) {
        return run(recording, Map.of("DISPLAY", ":0"), args);
    }

    @Test
    void helpListsEveryCommandAndTheGlobalOptions() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("room", "publish", "watch", "devices", "--profile", "--version", "--help");
    }

    @Test
    void versionPrintsTheProjectVersion() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("parley ").doesNotContain("unknown").contains("Java 25");
    }

    @Test
    void noArgumentsOpensTheWindowWhenThereIsADisplay() {
        assertThat(run()).isZero();
        assertThat(windows).containsExactly(GuiRequest.startScreen(null, false));
    }

    @Test
    void noDisplayGivesAClearMessageAndNoWindow() {
        int code = run(recording, Map.of("HOME", "/home/x"));
        assertThat(code).isEqualTo(ExitCodes.NO_DISPLAY);
        assertThat(windows).isEmpty();
        assertThat(err.toString()).contains("no display found", "--headless", "parley room", "parley watch", "parley publish", "parley devices")
                .doesNotContain("Exception");
    }

    @Test
    void waylandCountsAsADisplayAndMacNeedsNone() {
        assertThat(new DisplayCheck("Linux", Map.of("WAYLAND_DISPLAY", "wayland-0"), "").problem()).isEmpty();
        assertThat(new DisplayCheck("Mac OS X", Map.of(), "").problem()).isEmpty();
        assertThat(new DisplayCheck("Linux", Map.of("DISPLAY", "  "), "").problem()).isPresent();
        assertThat(new DisplayCheck("Linux", Map.of(), "Monocle").problem()).isEmpty();
    }

    @Test
    void publishParsesItsOptions() {
        assertThat(run("publish", "--test-source", "--name", "demo", "--renditions", "360p,720p,360p",
                "--bind", "127.0.0.1:4443", "--ws", "[::1]:8080", "--no-audio")).isZero();
        assertThat(engineCalls).containsExactly(new PublishFlags(true, "demo", List.of("360p", "720p"),
                new InetSocketAddress("127.0.0.1", 4443), new InetSocketAddress("::1", 8080), false, null));
    }

    @Test
    void publishDefaults() {
        assertThat(run("publish")).isZero();
        assertThat(engineCalls).containsExactly(new PublishFlags(false, "cam", List.of("180p", "360p", "720p"), null, null, true, null));
    }

    @Test
    void publishInheritsTheProfile() {
        assertThat(run("--profile", "studio", "publish", "--test-source")).isZero();
        assertThat(run("publish", "--profile", "alice")).isZero();
        assertThat(engineCalls).extracting(o -> ((PublishFlags) o).profile()).containsExactly("studio", "alice");
    }

    @Test
    void badOptionValuesAreUsageErrorsWithReasons() {
        assertThat(run("publish", "--renditions", "999p")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("unknown rendition '999p'");
        assertThat(run("publish", "--bind", "localhost:80")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("not an IP address");
        assertThat(run("publish", "--bind", "127.0.0.1:70000")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("outside 0-65535");
        assertThat(run("--profile", "../etc")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("profile names");
        assertThat(engineCalls).isEmpty();
        assertThat(windows).isEmpty();
    }

    @Test
    void watchNeedsATicketAndHeadless() {
        assertThat(run("watch")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("watch", "abc")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--headless");
        assertThat(run("watch", "abc", "--headless", "--duration", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("watch", " abc ", "--headless", "--rendition", "360P", "--duration", "5")).isZero();
        assertThat(engineCalls).containsExactly(new WatchFlags("abc", "360p", Duration.ofSeconds(5)));
    }

    @Test
    void watchListenTakesAPortAndABroadcastNameInsteadOfATicket() {
        assertThat(run("watch", "--headless", "--listen", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--name");
        assertThat(run("watch", "abc", "--headless", "--listen", "0", "--name", "x")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("watch", "--headless", "--listen", "port", "--name", "x")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("watch", "--headless", "--listen", "70000", "--name", "x")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("watch", "abc", "--headless", "--name", "x")).isEqualTo(ExitCodes.USAGE);
        assertThat(engineCalls).isEmpty();
        assertThat(run("watch", "--headless", "--listen", "8443", "--name", "room/a.hang", "--duration", "5")).isZero();
        assertThat(run("watch", "--headless", "--listen", "0.0.0.0:0", "--name", "b")).isZero();
        assertThat(engineCalls).containsExactly(
                new WatchFlags(null, "auto", Duration.ofSeconds(5), null, new WatchFlags.Listen("127.0.0.1", 8443, "room/a.hang")),
                new WatchFlags(null, "auto", null, null, new WatchFlags.Listen("0.0.0.0", 0, "b")));
    }

    @Test
    void headlessRoomGoesToTheEngineWithTheInheritedProfile() {
        assertThat(run("room", "roomabc", "--headless", "--name", "Ada", "--test-source", "--chat-stdin",
                "--demo-peers", "3", "--profile", "alice")).isZero();
        assertThat(engineCalls).containsExactly(new RoomFlags("roomabc", "Ada", true, true, 3, "alice"));
        assertThat(windows).isEmpty();
    }

    @Test
    void roomWithoutHeadlessOpensTheWindowInTheRoom() {
        assertThat(run("--stats", "--profile", "bob", "room", "--demo-peers", "2", "--test-source")).isZero();
        assertThat(windows).containsExactly(new GuiRequest("bob", true, null, null, true, true, 2));
        assertThat(run(recording, Map.of(), "room")).isEqualTo(ExitCodes.NO_DISPLAY);
    }

    @Test
    void moqRelayGoesToPublishWatchAndRoomAndBadUsesAreUsageErrors() {
        String url = "https://relay.example:4443/team?jwt=abc";
        assertThat(run("publish", "--test-source", "--moq-relay", url)).isZero();
        assertThat(((PublishFlags) engineCalls.getLast()).moqRelay()).isEqualTo(url);
        assertThat(run("watch", "--headless", "--moq-relay", url, "alice")).isZero();
        assertThat(engineCalls.getLast()).isEqualTo(new WatchFlags("alice", "auto", null, null, null, NetFlags.NONE, url));
        assertThat(run("room", "--headless", "--moq-relay", url)).isZero();
        assertThat(((RoomFlags) engineCalls.getLast()).mode()).isEqualTo(dev.parley.rooms.ticket.RoomMode.RELAY);
        assertThat(run("room", "--headless", "--moq-relay", url, "--mode", "hybrid")).isZero();
        assertThat(((RoomFlags) engineCalls.getLast()).mode()).isEqualTo(dev.parley.rooms.ticket.RoomMode.HYBRID);
        assertThat(((RoomFlags) engineCalls.getLast()).moqRelay()).isEqualTo(url);
        assertThat(run("--profile", "bob", "room", "--moq-relay", url, "--mode", "relay")).isZero();
        assertThat(windows.getLast().moqRelay()).isEqualTo(url);
        int calls = engineCalls.size();

        assertThat(run("publish", "--moq-relay", "ftp://x/")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--moq-relay: a moq relay URL starts with https://, http://, moql://, wss:// or ws://");
        assertThat(run("watch", "--headless", "--moq-relay", url)).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("needs the broadcast NAME");
        assertThat(run("watch", "--headless", "--moq-relay", url, "--listen", "0", "--name", "x")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("room", "--headless", "--mode", "relay")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--mode relay needs --moq-relay URL");
        assertThat(run("room", "--headless", "--moq-relay", url, "--mode", "mesh")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("gossip, relay or hybrid");
        assertThat(run("room", "parley-room:abc", "--headless", "--moq-relay", url)).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("a ticket already names its relay and mode");
        assertThat(engineCalls).hasSize(calls);
    }

    @Test
    void roomRejectsBadCombinations() {
        assertThat(run("room", "--demo-peers", "99")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("room", "--chat-stdin")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--chat-stdin needs --headless");
        assertThat(run("room", "--media-stats")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--media-stats needs --headless");
        assertThat(windows).isEmpty();
    }

    @Test
    void headlessRoomCanPrintMediaStats() {
        assertThat(run("room", "--headless", "--media-stats", "--test-source")).isZero();
        assertThat(engineCalls).containsExactly(new RoomFlags(null, null, true, false, 0, null, NetFlags.NONE, true));
    }

    @Test
    void netcheckTakesARelayAndABoundedWait() {
        assertThat(run("netcheck", "--relay", "http://198.18.1.2:3340/", "--wait", "5")).isZero();
        assertThat(run("netcheck")).isZero();
        assertThat(engineCalls).containsExactly(List.of(new NetFlags("http://198.18.1.2:3340/", true), Duration.ofSeconds(5)),
                List.of(NetFlags.NONE, Duration.ofSeconds(3)));
        assertThat(run("netcheck", "--wait", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--wait: 1 to 60 seconds");
        assertThat(run("netcheck", "--relay", "ftp://x")).isEqualTo(ExitCodes.USAGE);
        assertThat(engineCalls).hasSize(2);
    }

    @Test
    void unwiredCommandsSaySoAndFail() {
        for (String[] args : List.of(new String[] {"publish"}, new String[] {"devices"},
                new String[] {"watch", "t", "--headless"}, new String[] {"room", "--headless"})) {
            assertThat(run(CommandEngines.unwired(), Map.of(), args)).as(String.join(" ", args)).isEqualTo(ExitCodes.NOT_AVAILABLE);
        }
        assertThat(err.toString()).contains("parley publish: ", "parley devices: ", "parley watch: ", "parley room: ")
                .contains("not available in this build yet");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anEngineFailureIsOneLineNotAStackTrace() {
        CommandEngines failing = new CommandEngines() {
            @Override
            public int publish(PublishFlags o, Terminal t) {
                throw new IllegalStateException("the camera vanished");
            }

            @Override
            public int watch(WatchFlags o, Terminal t) {
                return 0;
            }

            @Override
            public int devices(Terminal t) {
                return 0;
            }

            @Override
            public int room(RoomFlags o, Terminal t) {
                return 0;
            }
        };
        assertThat(run(failing, Map.of(), "publish")).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString()).isEqualToIgnoringNewLines("parley publish: the camera vanished");
    }
}
