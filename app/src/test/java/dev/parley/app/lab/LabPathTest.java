package dev.parley.app.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.net.testing.LabProcess;
import dev.parley.net.testing.NetLab;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.net.ticket.LiveTicket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls across home NATs through a real {@code parley relay} (issue 12): real {@code parley publish} and
 * {@code parley watch} processes in namespaces behind nftables NAT, a relay on the simulated internet.
 * Each scenario asserts that video frames and audio arrive and which path the call used, from the JSON
 * the watcher prints ({@code connected}/{@code path} events, {@code "path"} in every stats line).
 */
@Timeout(240)
class LabPathTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final boolean LONG = Boolean.getBoolean("parley.long");
    /** Seconds of media per scenario (a few in a normal run). */
    private static final int MEDIA_S = LONG ? 30 : 9;
    private static NetLab lab;
    private static NetLab.Node relayHost;
    private static String relayListen;
    private static LabProcess relay;
    private static String relayUrl;

    @BeforeAll
    static void relay() throws Exception {
        NetLab.assumeAvailable(LabPathTest.class);
        lab = NetLab.create();
        relayHost = lab.internetHost("relay");
        relayListen = relayHost.address().getHostAddress() + ":3340";
        startRelay();
    }

    @AfterAll
    static void teardown() {
        if (lab != null) {
            lab.close();
        }
    }

    private static void startRelay() throws Exception {
        relay = LabCallTest.parley(relayHost, Map.of(), "relay", "--listen", relayListen);
        LabProcess.Line url = relay.awaitOut(s -> s.startsWith("http://"), Duration.ofSeconds(90));
        relayUrl = url.text().strip();
        System.out.printf(Locale.ROOT, "lab: relay %s up %.0f ms after its JVM started%n", relayUrl,
                url.millisSince(relay.startNanos()));
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isEvent(String line, String event) {
        return line.startsWith("{\"event\":\"" + event + "\"");
    }

    private static List<JsonNode> stats(LabProcess watcher) {
        return watcher.stdout().stream().filter(s -> s.startsWith("{\"t\"")).map(LabPathTest::json).toList();
    }

    /** A publisher with the relay in {@code node}; returns it and its ticket. */
    private record Publisher(LabProcess process, String ticket) {
    }

    private static Publisher publish(NetLab.Node node, String... extra) throws Exception {
        return publishVia(node, relayUrl, extra);
    }

    /** A publisher whose home relay is {@code relay} (which need not be up). */
    private static Publisher publishVia(NetLab.Node node, String relay, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("publish", "--test-source", "--renditions", "180p",
                "--relay", relay));
        args.addAll(List.of(extra));
        LabProcess p = LabCallTest.parley(node, Map.of(), args.toArray(String[]::new));
        String ticket = p.awaitOut(s -> s.startsWith("parley:") || s.startsWith("iroh-live:"), Duration.ofSeconds(90)).text();
        LiveTicket t = LiveTicket.parse(ticket);
        assertThat(t.addr().relayUrls()).as("the ticket carries the home relay").containsExactly(relay);
        return new Publisher(p, ticket);
    }

    private static LabProcess watch(NetLab.Node node, String ticket, int seconds) throws IOException {
        return watchVia(node, ticket, seconds, relayUrl);
    }

    private static LabProcess watchVia(NetLab.Node node, String ticket, int seconds, String relay, String... extra)
            throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("watch", ticket, "--headless", "--duration",
                String.valueOf(seconds), "--relay", relay));
        args.addAll(List.of(extra));
        return LabCallTest.parley(node, Map.of(), args.toArray(String[]::new));
    }

    /** Prints what a process printed on stdout and its path-layer and warning log lines. */
    static void dump(LabProcess p, String what) {
        p.lines().stream().filter(l -> l.source() == LabProcess.Source.OUT
                        || l.text().contains("PathLayer") || l.text().contains("WARN") || l.text().contains("ERROR"))
                .forEach(l -> System.out.printf(Locale.ROOT, "lab: %s: %.0f %s%n", what, l.millisSince(p.startNanos()), l.text()));
    }

    /** Frames at a real rate and audio played in the watcher's stats lines; prints what it printed. */
    private static void assertMediaFlows(LabProcess watcher, String what) {
        dump(watcher, what);
        List<JsonNode> lines = stats(watcher);
        assertThat(lines).as("%s: stats lines: %s", what, watcher.tail()).isNotEmpty();
        assertThat(lines).as("%s: frames keep coming", what).anyMatch(n -> n.get("fps").asDouble() > 5);
        assertThat(lines.getLast().get("audioPlayed").asLong()).as("%s: audio played", what).isGreaterThan(50);
        assertThat(lines).as("%s: audio is on", what).anyMatch(n -> n.get("audio").asBoolean());
    }

    /** A {@code parley room --headless} host and a joiner: real participants with chat and media stats. */
    private record RoomCall(LabProcess host, LabProcess joiner) implements AutoCloseable {
        @Override
        public void close() {
            joiner.stop(Duration.ofSeconds(3));
            host.stop(Duration.ofSeconds(3));
        }
    }

    private static LabProcess roomPeer(NetLab.Node node, String name, String ticket) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("room"));
        if (ticket != null) {
            args.add(ticket);
        }
        args.addAll(List.of("--headless", "--test-source", "--chat-stdin", "--media-stats", "--name", name,
                "--relay", relayUrl));
        return LabCallTest.parley(node, Map.of(), args.toArray(String[]::new));
    }

    /** Creates a room on {@code hostNode} and joins it from {@code joinNode}. */
    private static RoomCall roomCall(NetLab.Node hostNode, NetLab.Node joinNode) throws Exception {
        LabProcess host = roomPeer(hostNode, "host", null);
        try {
            String ticket = host.awaitOut(s -> !s.startsWith("{"), Duration.ofSeconds(90)).text().strip();
            assertThat(ticket).as("the room ticket").isNotBlank();
            return new RoomCall(host, roomPeer(joinNode, "joiner", ticket));
        } catch (Exception | AssertionError e) {
            host.close();
            throw e;
        }
    }

    private static boolean isMedia(String line, java.util.function.Predicate<JsonNode> also) {
        return isEvent(line, "media") && also.test(json(line));
    }

    /** The first media line of {@code p} with video at a real rate and audio playing (and {@code also}). */
    private static JsonNode awaitMedia(LabProcess p, String what, java.util.function.Predicate<JsonNode> also)
            throws Exception {
        try {
            return json(p.awaitOut(s -> isMedia(s, n -> n.get("fps").asDouble() > 5
                    && n.get("audioPlayed").asLong() > 25 && n.get("audio").asBoolean() && also.test(n)),
                    Duration.ofSeconds(60)).text());
        } catch (java.util.concurrent.TimeoutException e) {
            dump(p, what);
            throw new AssertionError(what + ": no media line with frames and audio: " + e.getMessage(), e);
        }
    }

    /**
     * Video and audio arrive at both participants (their media lines), and a chat line typed at each is
     * printed by the other; {@code path} must hold for the media lines. Returns when all have been seen.
     */
    private static void assertRoomFlows(RoomCall call, String what, java.util.function.Predicate<JsonNode> path)
            throws Exception {
        JsonNode atHost = awaitMedia(call.host(), what + " host", path);
        JsonNode atJoiner = awaitMedia(call.joiner(), what + " joiner", path);
        long before = System.nanoTime();
        String fromHost = "hello from the host, " + what;
        String fromJoiner = "hello from the joiner, " + what;
        call.host().writeLine(fromHost);
        call.joiner().writeLine(fromJoiner);
        LabProcess.Line gotJ = call.joiner().awaitOut(s -> isEvent(s, "chat") && json(s).get("text").asText().equals(fromHost),
                Duration.ofSeconds(20));
        LabProcess.Line gotH = call.host().awaitOut(s -> isEvent(s, "chat") && json(s).get("text").asText().equals(fromJoiner),
                Duration.ofSeconds(20));
        System.out.printf(Locale.ROOT, "lab: %s: media at the host %s; at the joiner %s; chat host -> joiner %.0f ms, "
                        + "joiner -> host %.0f ms%n", what, atHost, atJoiner, gotJ.millisSince(before), gotH.millisSince(before));
        if (LONG) { // the long run: the call keeps going (MEDIA_S seconds), still on the same kind of path
            long later = System.nanoTime() + Duration.ofSeconds(MEDIA_S).toNanos();
            for (LabProcess p : List.of(call.host(), call.joiner())) {
                p.awaitOutAfter(later, s -> isMedia(s, n -> n.get("fps").asDouble() > 5 && path.test(n)),
                        Duration.ofSeconds(MEDIA_S + 30));
            }
        }
    }

    /** The ms of a participant's path events and their paths, in order. */
    private static List<JsonNode> pathEvents(LabProcess p) {
        return p.stdout().stream().filter(s -> isEvent(s, "path")).map(LabPathTest::json).toList();
    }

    /**
     * Scenario 1: two room participants behind endpoint-independent NATs, in two homes; the room ticket's
     * direct addresses are private (unreachable). The call starts through the relay and is direct within
     * 5 s; video, audio and chat flow both ways. {@code -Dparley.lab.repeat=N} runs the call N times (for
     * the bench numbers); {@code -Dparley.lab.trace=DIR} captures the simulated internet's UDP of each run
     * with tcpdump in the router's namespace into {@code DIR/eim-N.pcap}.
     */
    @Test
    void behindTwoEndpointIndependentNatsTheCallStartsRelayedAndGoesDirectWithinFiveSeconds() throws Exception {
        int runs = Integer.getInteger("parley.lab.repeat", 1);
        List<Long> times = new java.util.ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            times.add(twoHomesGoDirect(run));
        }
        System.out.println("lab: EIM/EIM relayed start -> direct over " + runs + " runs (ms): " + times);
    }

    private long twoHomesGoDirect(int run) throws Exception {
        NetLab.Home ha = lab.home("eima" + run, NetLab.Nat.ENDPOINT_INDEPENDENT);
        NetLab.Home hb = lab.home("eimb" + run, NetLab.Nat.ENDPOINT_INDEPENDENT);
        String traceDir = System.getProperty("parley.lab.trace");
        Process trace = traceDir == null ? null : new ProcessBuilder("ip", "netns", "exec", lab.routerNamespace(),
                "tcpdump", "-i", "any", "-n", "-U", "-w", traceDir + "/eim-" + run + ".pcap", "udp")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (RoomCall call = roomCall(ha.host("pub" + run), hb.host("wat" + run))) {
            LabProcess.Line direct = call.joiner().awaitOut(s -> isEvent(s, "path")
                    && json(s).get("path").asText().startsWith("direct"), Duration.ofSeconds(60));
            List<JsonNode> paths = pathEvents(call.joiner());
            dump(call.joiner(), "EIM/EIM joiner");
            dump(call.host(), "EIM/EIM host");
            assertThat(paths.getFirst().get("path").asText()).as("the call starts through the relay: %s", paths)
                    .isEqualTo("relay " + relayUrl);
            long relayedToDirectMs = json(direct.text()).get("ms").asLong() - paths.getFirst().get("ms").asLong();
            LabCallTest.within("EIM/EIM relayed start -> direct (joiner, run " + run + ")", relayedToDirectMs, 5000, 5000);
            assertThat(json(direct.text()).get("path").asText()).as("direct to the host's home NAT")
                    .startsWith("direct " + ha.publicAddress().getHostAddress() + ":");
            assertRoomFlows(call, "EIM/EIM", n -> n.get("path").asText().startsWith("direct"));
            return relayedToDirectMs;
        } finally {
            if (trace != null) {
                trace.destroy();
                trace.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Scenario 1 when the dialer's STUN answer is late (its home NAT drops UDP to the relay's port until the
     * dial has sent its first CallMeMaybe, as a lost first STUN request would): its first CallMeMaybe can name only its
     * private address, so the first hole-punching round cannot work; the call must still be direct within
     * 5 s of its relayed start. A watch dials as soon as its relay link is up, so it is the dialer here.
     */
    @Test
    void aLateStunAnswerStillGoesDirectWithinFiveSeconds() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(LONG || Integer.getInteger("parley.lab.repeat", 1) > 1,
                "the late-STUN variant runs with -Dparley.long=true");
        int runs = Integer.getInteger("parley.lab.repeat", 1);
        List<Double> times = new java.util.ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            NetLab.Home ha = lab.home("lsa" + run, NetLab.Nat.ENDPOINT_INDEPENDENT);
            NetLab.Home hb = lab.home("lsb" + run, NetLab.Nat.ENDPOINT_INDEPENDENT);
            Publisher pub = publish(ha.host("lspub" + run));
            lab.runIn(hb.namespace(), "nft", "add table inet stunlag");
            lab.runIn(hb.namespace(), "nft", "add chain inet stunlag f { type filter hook forward priority -5 ; }");
            lab.runIn(hb.namespace(), "nft", "add rule inet stunlag f udp dport " + relayListen.split(":")[1] + " drop");
            try (LabProcess watcher = watch(hb.host("lswat" + run), pub.ticket(), MEDIA_S)) {
                // the dial has registered the peer and sent its first CallMeMaybe: now let STUN through
                // (answered at the probe's next 2 s retry)
                watcher.await(0, l -> l.text().contains("PathLayer - path to"), Duration.ofSeconds(60));
                lab.runIn(hb.namespace(), "nft", "delete table inet stunlag");
                watcher.awaitOut(s -> (isEvent(s, "path") || isEvent(s, "connected"))
                        && json(s).get("path").asText().startsWith("direct"), Duration.ofSeconds(30));
                dump(watcher, "late STUN watcher");
                dump(pub.process(), "late STUN publisher");
                List<LabProcess.Line> changes = watcher.lines().stream()
                        .filter(l -> l.text().contains("PathLayer - path to")).toList();
                assertThat(changes.getFirst().text()).as("the call starts through the relay").contains("none -> relay");
                LabProcess.Line toDirect = changes.stream().filter(l -> l.text().contains("-> direct")).findFirst()
                        .orElseThrow(() -> new AssertionError("never went direct: " + changes));
                double ms = (toDirect.nanos() - changes.getFirst().nanos()) / 1e6;
                times.add(ms);
                LabCallTest.within("late STUN: relayed start -> direct (run " + run + ")", ms, 5000, 5000);
            } finally {
                pub.process().close();
            }
        }
        System.out.println("lab: late STUN: relayed start -> direct over " + runs + " runs (ms): " + times);
    }

    /** Scenario 2: the joiner behind a symmetric NAT: no hole can be punched, the call stays relayed and works. */
    @Test
    void behindASymmetricNatTheCallStaysRelayedAndWorks() throws Exception {
        NetLab.Home ha = lab.home("syma", NetLab.Nat.ENDPOINT_INDEPENDENT);
        NetLab.Home hb = lab.home("symb", NetLab.Nat.SYMMETRIC);
        try (RoomCall call = roomCall(ha.host("pub2"), hb.host("wat2"))) {
            assertRoomFlows(call, "EIM/symmetric", n -> n.get("path").asText().equals("relay " + relayUrl));
            for (LabProcess p : List.of(call.host(), call.joiner())) {
                assertThat(pathEvents(p)).as("relayed all along").isNotEmpty()
                        .allMatch(n -> n.get("path").asText().startsWith("relay"));
                assertThat(p.stdout().stream().filter(s -> isEvent(s, "media")).map(LabPathTest::json))
                        .allMatch(n -> !n.get("path").asText().startsWith("direct"));
            }
        }
    }

    /** Scenario 3: all UDP dropped on the joiner's link: the call runs over the relay's WebSocket. */
    @Test
    void withUdpBlockedOnOneSideTheCallRunsOverTheRelayWebSocket() throws Exception {
        NetLab.Home ha = lab.home("udpa", NetLab.Nat.ENDPOINT_INDEPENDENT);
        NetLab.Node wat = lab.internetHost("noudp");
        wat.link().loss(NetLab.Direction.TO_HOST, 100);
        wat.link().loss(NetLab.Direction.FROM_HOST, 100);
        try (RoomCall call = roomCall(ha.host("pub3"), wat)) {
            assertRoomFlows(call, "UDP blocked", n -> n.get("path").asText().equals("relay " + relayUrl));
            for (LabProcess p : List.of(call.host(), call.joiner())) {
                assertThat(pathEvents(p)).as("relayed all along").isNotEmpty()
                        .allMatch(n -> n.get("path").asText().startsWith("relay"));
            }
        }
    }

    /**
     * Scenario 4: two hosts on one LAN, the watcher given a ticket that names only the publisher's id and
     * a relay that nobody can reach (an unused address of the simulated internet): no CallMeMaybe can carry
     * the publisher's LAN address, only mDNS can. The call goes direct on the LAN. A second watcher on the
     * same LAN with {@code --no-mdns} and the same ticket finds no way and gives up.
     */
    @Test
    void onOneLanMdnsFindsAPeerWhoseTicketNamesOnlyAnUnreachableRelay() throws Exception {
        NetLab.Home lan = lab.home("lan", NetLab.Nat.ENDPOINT_INDEPENDENT);
        NetLab.Node h1 = lan.host("lanpub");
        NetLab.Node h2 = lan.host("lanwat");
        NetLab.Node h3 = lan.host("lannomdns");
        String deadRelay = "http://198.18.250.2:3340/"; // the router blackholes unused addresses
        Publisher pub = publishVia(h1, deadRelay);
        LiveTicket full = LiveTicket.parse(pub.ticket());
        String relayOnly = new LiveTicket(new EndpointAddr(full.addr().id(), List.of(), full.addr().relayUrls()),
                full.broadcast()).toString();
        try (LabProcess watcher = watchVia(h2, relayOnly, MEDIA_S, deadRelay);
             LabProcess noMdns = watchVia(h3, relayOnly, MEDIA_S, deadRelay, "--no-mdns")) {
            LabProcess.Line connected = watcher.awaitOut(s -> isEvent(s, "connected"), Duration.ofSeconds(60));
            String path = json(connected.text()).get("path").asText();
            LabProcess.Line found = watcher.await(0, l -> l.text().contains("mDNS: found " + full.addr().id().shortHex()),
                    Duration.ofSeconds(5));
            LabProcess.Line advertised = watcher.await(0, l -> l.text().contains("mDNS: advertising"), Duration.ofSeconds(5));
            System.out.printf(Locale.ROOT, "lab: LAN, unreachable relay: mDNS advertising %.0f ms and found the publisher "
                            + "%.0f ms after the watcher's JVM started; dialing -> connected %d ms over %s%n",
                    advertised.millisSince(watcher.startNanos()), found.millisSince(watcher.startNanos()),
                    json(connected.text()).get("ms").asLong(), path);
            assertThat(path).as("direct to the publisher's LAN address").startsWith("direct " + h1.address().getHostAddress() + ":");
            assertThat(watcher.waitFor(Duration.ofSeconds(MEDIA_S + 30))).as(watcher.tail()).isZero();
            assertMediaFlows(watcher, "LAN via mDNS");
            // the same ticket without mDNS: no address, no relay: the dial fails (it never hangs)
            assertThat(noMdns.waitFor(Duration.ofSeconds(40))).as("--no-mdns: %s", noMdns.tail()).isNotZero();
            dump(noMdns, "LAN --no-mdns");
            assertThat(noMdns.lines()).as("--no-mdns starts no mDNS")
                    .noneMatch(l -> l.text().contains("mDNS: advertising") || l.text().contains("mDNS: found"));
            assertThat(noMdns.stdout()).noneMatch(s -> isEvent(s, "connected"));
        } finally {
            pub.process().close();
        }
    }

    /** Waits for two stats lines in a row at 20 fps or more with no pause between them. */
    private static void awaitSteady(LabProcess watcher) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int from = 0;
        int good = 0;
        while (good < 2) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("never steady: " + watcher.tail());
            }
            LabProcess.Line l = watcher.await(from, x -> x.source() == LabProcess.Source.OUT
                    && (x.text().startsWith("{\"t\"") || isEvent(x.text(), "resumed")), Duration.ofNanos(left));
            from = watcher.lines().indexOf(l) + 1;
            good = l.text().startsWith("{\"t\"") && json(l.text()).get("fps").asDouble() >= 20 ? good + 1 : 0;
        }
    }

    /**
     * Scenario 5: the relay restarts mid-call. A direct call (two EIM homes) does not notice; a relayed one
     * (symmetric NAT) gets frames again within 5 s of the relay being back.
     */
    @Test
    void whenTheRelayRestartsADirectCallIsUnaffectedAndARelayedOneRecoversWithinFiveSeconds() throws Exception {
        NetLab.Home da = lab.home("rsda", NetLab.Nat.ENDPOINT_INDEPENDENT);
        NetLab.Home db = lab.home("rsdb", NetLab.Nat.ENDPOINT_INDEPENDENT);
        NetLab.Home rb = lab.home("rsrb", NetLab.Nat.SYMMETRIC);
        Publisher pub = publish(da.host("pub5"));
        int seconds = 150; // stopped below once the restart is over (a relay JVM can take 15 s to start under load)
        try (LabProcess direct = watch(db.host("wd"), pub.ticket(), seconds);
             LabProcess relayed = watch(rb.host("wr"), pub.ticket(), seconds)) {
            direct.awaitOut(s -> (isEvent(s, "path") || isEvent(s, "connected"))
                    && json(s).get("path").asText().startsWith("direct"), Duration.ofSeconds(60));
            relayed.awaitOut(s -> isEvent(s, "first-frame"), Duration.ofSeconds(60));
            direct.awaitOut(s -> isEvent(s, "first-frame"), Duration.ofSeconds(20));
            // both steady before the restart: two full-rate seconds in a row with no pause (cold JVMs on a
            // loaded machine stutter for their first seconds, and a start-up pause is not the restart's)
            awaitSteady(relayed);
            awaitSteady(direct);
            long down = System.nanoTime();
            relay.kill();
            relay.waitFor(Duration.ofSeconds(10));
            startRelay();
            long up = System.nanoTime();
            // the relayed call's pause spans the outage (the relay was down for seconds)
            LabProcess.Line resumed = relayed.awaitOutAfter(down, s -> isEvent(s, "resumed")
                    && json(s).get("gapMs").asLong() >= 1000, Duration.ofSeconds(40));
            double recoveryMs = resumed.millisSince(up);
            System.out.printf(Locale.ROOT, "lab: relay restart: down for %.0f ms; the relayed call's frames back %.0f ms "
                    + "after the relay was up again (gap %d ms)%n", (up - down) / 1e6, recoveryMs,
                    json(resumed.text()).get("gapMs").asLong());
            LabCallTest.within("relay restart: relay back -> relayed call's frames", recoveryMs, 5000, 15000);
            // a few more seconds of media on both, then stop them
            relayed.awaitOutAfter(resumed.nanos(), s -> s.startsWith("{\"t\"") && json(s).get("fps").asDouble() > 5,
                    Duration.ofSeconds(20));
            long after = System.nanoTime();
            direct.awaitOutAfter(after + 2_000_000_000L, s -> s.startsWith("{\"t\""), Duration.ofSeconds(20));
            direct.stop(Duration.ofSeconds(5));
            relayed.stop(Duration.ofSeconds(5));
            List<String> afterDown = direct.lines().stream().filter(l -> l.nanos() > down)
                    .map(LabProcess.Line::text).toList();
            dump(direct, "direct during the restart");
            // A call that needed the relay would pause for the whole outage (6-10 s here). A cold watcher on
            // a machine at load 15-25 stutters now and then for 0.6-0.8 s whatever the relay does (seen
            // before the kill too), so only pauses of 1.5 s or more count.
            List<Long> pauses = afterDown.stream().filter(s -> isEvent(s, "resumed"))
                    .map(s -> json(s).get("gapMs").asLong()).toList();
            System.out.println("lab: relay restart: the direct call's pauses of 0.5 s or more after the kill (ms): " + pauses);
            assertThat(pauses).as("the direct call never paused for the outage").allMatch(g -> g < 1500);
            assertThat(afterDown.stream().filter(s -> s.startsWith("{\"t\"")).map(LabPathTest::json).toList())
                    .as("the direct call stayed direct with frames").isNotEmpty()
                    .allMatch(n -> n.get("path").asText().startsWith("direct"))
                    .anyMatch(n -> n.get("fps").asDouble() > 5);
            assertMediaFlows(relayed, "relayed across the restart");
            assertThat(stats(relayed)).allMatch(n -> n.get("path").asText().startsWith("relay"));
        } finally {
            pub.process().close();
        }
    }
}
