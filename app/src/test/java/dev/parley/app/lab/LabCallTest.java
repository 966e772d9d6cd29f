package dev.parley.app.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.net.identity.Identity;
import dev.parley.net.testing.LabProcess;
import dev.parley.net.testing.NetLab;
import dev.parley.net.ticket.LiveTicket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real {@code parley} processes on a real (namespace) network: a publisher and watchers on two hosts
 * of the simulated internet, a room host on the internet and a joiner behind an endpoint-independent
 * NAT. Each scenario asserts on the JSON lines the processes print and prints every number it measured.
 *
 * <p>Times are measured from the moment the process itself starts dialing (the watcher's
 * {@code dialing} event, the room's join start carried in each event's {@code "ms"}), not from JVM
 * start: start-up (class loading, FFmpeg) is printed separately.
 */
@Timeout(180)
class LabCallTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static NetLab lab;
    private static NetLab.Node pub;
    private static LabProcess publisher;
    private static String ticket;

    @BeforeAll
    static void publisher() throws Exception {
        NetLab.assumeAvailable(LabCallTest.class);
        lab = NetLab.create();
        pub = lab.internetHost("pub");
        // A default publish: wildcard bind, default renditions, audio on.
        publisher = parley(pub, Map.of(), "publish", "--test-source");
        LabProcess.Line line = publisher.awaitOut(s -> s.startsWith("parley:"), Duration.ofSeconds(90));
        ticket = line.text();
        System.out.printf(Locale.ROOT, "lab: publisher printed its ticket %.0f ms after its JVM started%n",
                line.millisSince(publisher.startNanos()));
    }

    @AfterAll
    static void teardown() {
        if (lab != null) {
            lab.close();
        }
    }

    /** Starts {@code parley ARGS} in {@code node} with a config folder of its own (never the user's). */
    static LabProcess parley(NetLab.Node node, Map<String, String> env, String... args) throws IOException {
        return parley(node, env, List.of(), args);
    }

    /** {@link #parley(NetLab.Node, Map, String...)} with extra JVM options. */
    static LabProcess parley(NetLab.Node node, Map<String, String> env, List<String> jvm, String... args) throws IOException {
        Map<String, String> e = new HashMap<>(env);
        e.put("XDG_CONFIG_HOME", Files.createTempDirectory("parley-lab-config").toString());
        e.putIfAbsent("PARLEY_SECRET", null);
        List<String> options = new ArrayList<>(jvm);
        // the test class path holds two logback-test.xml; keep logback's status report off stdout
        options.add("-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener");
        return node.java("dev.parley.app.Main", options, List.of(args), e);
    }

    /**
     * Checks a measured time. The targets (a first frame within 1 s of dialing, a join within 2 s, frames
     * within 1 s of a link coming back) are met on an idle machine but not when other work starves the
     * cores (every process here is a cold JVM: the first handshake alone costs 0.5-1.8 s of class
     * loading and JIT under load), so by default a bound is asserted that the old dialing could never
     * meet (10 s timeouts, 8-12 s joins) and the target is reported; {@code -Dparley.lab.strict=true}
     * asserts the targets themselves.
     */
    static void within(String what, double ms, long targetMs, long boundMs) {
        boolean strict = Boolean.getBoolean("parley.lab.strict");
        System.out.printf(Locale.ROOT, "lab: %s %.0f ms: target %d ms %s (asserting <= %d ms; load average %s)%n",
                what, ms, targetMs, ms <= targetMs ? "met" : "MISSED", strict ? targetMs : boundMs, loadAverage());
        assertThat(ms).as(what).isLessThanOrEqualTo(strict ? targetMs : boundMs);
    }

    private static String loadAverage() {
        try {
            return Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]
                    + " on " + Runtime.getRuntime().availableProcessors() + " cores";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static JsonNode json(LabProcess.Line line) {
        try {
            return JSON.readTree(line.text());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code "ms"} of the process's first {@code event} line, or -1. */
    private static long ms(LabProcess p, String event) {
        return p.stdout().stream().filter(s -> isEvent(s, event)).findFirst()
                .map(s -> json(new LabProcess.Line(LabProcess.Source.OUT, 0, s)).get("ms").asLong()).orElse(-1L);
    }

    private static boolean isEvent(String line, String event) {
        return line.startsWith("{\"event\":\"" + event + "\"");
    }

    @Test
    void aDefaultPublishIsWatchedFromAnotherHostWithinOneSecondOfDialing() throws Exception {
        LiveTicket t = LiveTicket.parse(ticket);
        List<InetSocketAddress> advertised = t.addr().directAddresses();
        System.out.println("lab: the default ticket lists " + advertised);
        assertThat(advertised).as("a ticket for other hosts leaves out loopback")
                .noneMatch(a -> a.getAddress().isLoopbackAddress())
                .anyMatch(a -> a.getAddress().equals(pub.address()));

        NetLab.Node wat = lab.internetHost("wat");
        try (LabProcess watcher = parley(wat, Map.of(), "watch", ticket, "--headless", "--duration", "6")) {
            LabProcess.Line dialing = watcher.awaitOut(s -> isEvent(s, "dialing"), Duration.ofSeconds(60));
            LabProcess.Line connected = watcher.awaitOut(s -> isEvent(s, "connected"), Duration.ofSeconds(20));
            LabProcess.Line first = watcher.awaitOut(s -> isEvent(s, "first-frame"), Duration.ofSeconds(20));
            long connectMs = json(connected).get("ms").asLong();
            long firstMs = json(first).get("ms").asLong();
            System.out.printf(Locale.ROOT, "lab: watch across hosts: JVM start -> dialing %.0f ms; dialing -> "
                            + "connected %d ms, -> first frame %d ms (in the watcher); dialing -> first frame line "
                            + "read here %.0f ms%n", dialing.millisSince(watcher.startNanos()), connectMs, firstMs,
                    first.millisSince(dialing.nanos()));
            // where the time goes: connected -> catalog (announce, catalog subscribe, parse) -> first frame (subscribe,
            // the publisher's encoder start, keyframe, decode), and which rendition the first frame came from
            long catalogMs = watcher.stdout().stream().filter(s -> isEvent(s, "catalog")).findFirst()
                    .map(s -> json(new LabProcess.Line(LabProcess.Source.OUT, 0, s)).get("ms").asLong()).orElse(-1L);
            long announcedMs = ms(watcher, "announced");
            JsonNode dial = json(dialing);
            System.out.printf(Locale.ROOT, "lab: watch across hosts: process start -> main %d ms -> dialing %d ms (endpoint bind "
                            + "%d ms); connected -> announced %d ms -> catalog %d ms -> first frame %d ms (warm-up done at %d ms), "
                            + "first frame from %s; process start -> first frame %.0f ms (read here)%n",
                    dial.path("mainMs").asLong(-1), dial.path("processMs").asLong(-1), dial.path("bindMs").asLong(-1),
                    announcedMs - connectMs, catalogMs - announcedMs, firstMs - catalogMs, json(first).path("warmUpMs").asLong(),
                    json(first).path("rendition").asText("?"), first.millisSince(watcher.startNanos()));
            // the timeline is whole and in order: a broken or skipped step shows here, not only as a slower total
            assertThat(List.of(connectMs, announcedMs, catalogMs, firstMs)).as(watcher.tail()).isSorted().allMatch(v -> v >= 0);
            assertThat(dial.path("mainMs").asLong(-1)).as("JVM boot is part of the time to main")
                    .isPositive().isLessThanOrEqualTo(dial.path("processMs").asLong(-1));
            within("watch across hosts: dialing -> connected", connectMs, 1000, 4000);
            within("watch across hosts: dialing -> first frame", firstMs, 1000, 9000);
            assertThat(watcher.waitFor(Duration.ofSeconds(30))).as(watcher.tail()).isZero();
            List<JsonNode> stats = watcher.stdout().stream().filter(s -> s.startsWith("{\"t\""))
                    .map(s -> json(new LabProcess.Line(LabProcess.Source.OUT, 0, s))).toList();
            assertThat(stats).as("frames keep coming: %s", watcher.tail())
                    .anyMatch(n -> n.get("fps").asDouble() > 5);
        }
    }

    @Test
    void afterABlackoutOfOneAndAHalfSecondsFramesReturnWithinOneSecond() throws Exception {
        NetLab.Node wat = lab.internetHost("wblack");
        try (LabProcess watcher = parley(wat, Map.of(), "watch", ticket, "--headless", "--duration", "12")) {
            watcher.awaitOut(s -> isEvent(s, "first-frame"), Duration.ofSeconds(60));
            // frames flow steadily first: a stats line with a real frame rate
            watcher.awaitOut(s -> s.startsWith("{\"t\"") && json(new LabProcess.Line(LabProcess.Source.OUT, 0, s))
                    .get("fps").asDouble() > 5, Duration.ofSeconds(10));
            wat.link().blackout(true);
            long on = System.nanoTime();
            Thread.sleep(1500); // the blackout itself
            wat.link().blackout(false);
            long off = System.nanoTime();
            LabProcess.Line resumed = watcher.awaitOutAfter(off, s -> isEvent(s, "resumed"), Duration.ofSeconds(8));
            double recoveryMs = resumed.millisSince(off);
            long gapMs = json(resumed).get("gapMs").asLong();
            System.out.printf(Locale.ROOT, "lab: blackout %.0f ms: frames back %.0f ms after the link returned "
                    + "(gap between frames %d ms)%n", (off - on) / 1e6, recoveryMs, gapMs);
            assertThat(gapMs).as("the blackout really stopped the frames").isGreaterThanOrEqualTo(1400);
            within("blackout: link back -> frames", recoveryMs, 1000, 3000);
            assertThat(watcher.isAlive()).as("the session survives: %s", watcher.tail()).isTrue();
            assertThat(watcher.stdout().stream().filter(s -> isEvent(s, "dialing"))).hasSize(1);
        }
    }

    /**
     * A room host on the internet, a joiner behind an endpoint-independent NAT. Which side dials the
     * moq session is decided by the ids (the smaller one dials first), so both orders run: when the
     * host dials, it can only reach the joiner through the address the joiner's packets came from.
     */
    @ParameterizedTest(name = "the {0} dials the room session")
    @ValueSource(strings = {"host", "joiner"})
    void aJoinerBehindNatIsConnectedBothWaysWithinTwoSeconds(String dialer) throws Exception {
        roomJoinThroughNat(dialer.equals("host"), NetLab.Nat.ENDPOINT_INDEPENDENT, dialer.substring(0, 1));
    }

    /**
     * Behind a symmetric NAT the joiner's public port is specific to the host, which is exactly the
     * address the host saw it at: the host can still dial it. Long runs only (one more pair of JVMs).
     */
    @Test
    void aJoinerBehindASymmetricNatIsReachedAtTheAddressItWasSeenAt() throws Exception {
        if (!Boolean.getBoolean("parley.long")) {
            String why = "one more pair of JVMs: runs with -Dparley.long=true";
            System.out.println("LabCallTest symmetric NAT join skipped: " + why);
            org.junit.jupiter.api.Assumptions.abort(why);
        }
        roomJoinThroughNat(true, NetLab.Nat.SYMMETRIC, "s");
    }

    /**
     * A room host on the internet, a joiner behind a NAT. Which side dials the moq session is decided by
     * the ids (the smaller one dials first), so the test picks them: when the host dials, it can only
     * reach the joiner through the address the joiner's packets came from.
     */
    private static void roomJoinThroughNat(boolean hostDials, NetLab.Nat nat, String tag) throws Exception {
        String dialer = hostDials ? "host" : "joiner";
        List<Identity> ids = new ArrayList<>(List.of(Identity.generate(), Identity.generate()));
        ids.sort(Comparator.comparing(Identity::id));
        Identity hostId = hostDials ? ids.get(0) : ids.get(1);
        Identity joinerId = hostDials ? ids.get(1) : ids.get(0);
        NetLab.Node host = lab.internetHost("rh" + tag);
        NetLab.Home home = lab.home("home" + tag, nat);
        NetLab.Node joiner = home.host("rj" + tag);
        String label = nat.name().toLowerCase(Locale.ROOT).replace('_', '-') + " NAT, " + dialer + " dials";
        try (LabProcess h = parley(host, Map.of("PARLEY_SECRET", hostId.secretHex()),
                "room", "--headless", "--test-source", "--name", "host");
             LabProcess j = startJoiner(h, joiner, joinerId)) {
            LabProcess.Line jc = j.awaitOut(s -> s.contains("\"peer-connection\"") && s.contains("\"connected\"")
                    && s.contains(hostId.id().hex()), Duration.ofSeconds(30));
            long joinerMs = json(jc).get("ms").asLong();
            long joinStart = jc.nanos() - joinerMs * 1_000_000; // on this JVM's clock
            LabProcess.Line hc = h.awaitOut(s -> s.contains("\"peer-connection\"") && s.contains("\"connected\"")
                    && s.contains(joinerId.id().hex()), Duration.ofSeconds(30));
            double hostMs = hc.millisSince(joinStart);
            LabProcess.Line video = j.awaitOut(s -> s.contains("\"broadcast-subscribed\""), Duration.ofSeconds(30));
            System.out.printf(Locale.ROOT, "lab: room join through a %s: joiner connected %d ms after its join "
                    + "started, host connected to the joiner %.0f ms after it; joiner subscribed the host's camera "
                    + "at %d ms; joiner's process start -> join started %.0f ms, -> connected %.0f ms (read here)%n",
                    label, joinerMs, hostMs, json(video).get("ms").asLong(), (joinStart - j.startNanos()) / 1e6,
                    jc.millisSince(j.startNanos()));
            within("room (" + label + "): joiner connected", joinerMs, 2000, 5000);
            within("room (" + label + "): host connected to the joiner", hostMs, 2000, 5000);
            assertThat(h.stdout()).noneMatch(s -> s.contains("\"reconnecting\""));
            assertThat(j.stdout()).noneMatch(s -> s.contains("\"reconnecting\""));
        }
    }

    private static LabProcess startJoiner(LabProcess host, NetLab.Node joiner, Identity joinerId) throws Exception {
        String roomTicket = host.awaitOut(s -> s.startsWith("parley-room:"), Duration.ofSeconds(90)).text();
        return parley(joiner, Map.of("PARLEY_SECRET", joinerId.secretHex()),
                "room", roomTicket, "--headless", "--test-source", "--name", "joiner");
    }
}
