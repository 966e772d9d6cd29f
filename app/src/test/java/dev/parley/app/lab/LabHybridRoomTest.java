package dev.parley.app.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.net.testing.LabProcess;
import dev.parley.net.testing.NetLab;
import dev.parley.rooms.ticket.RoomMode;
import dev.parley.rooms.ticket.RoomTicket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code parley room --mode hybrid} as real processes in the namespace lab: a {@code parley relay} (media
 * relay for {@code /parley/rooms}) on the simulated internet and two headless participants per scenario,
 * each printing its events, media lines and chat. Where the participants can reach each other (two
 * internet hosts) the call stays direct: no {@code peer-route} to the relay, media on a direct path (they
 * have the packet relay as home relay, which is what makes the media lines name the path).
 * Where they cannot (two homes behind symmetric NATs, no packet relay, so their tickets' addresses are
 * private and hole punching is impossible) each moves the other to the moq relay after the fallback time
 * ({@code HybridRoute}: 4 s without a direct link) and video, audio and chat flow through it. Chat lines
 * arrive once each. A relay-mode room from two such homes through the same relay named by its key
 * ({@code moql://<id>@…}, raw QUIC checked against that key, as the relay prints it) carries media and chat.
 */
@Timeout(300)
class LabHybridRoomTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static NetLab lab;
    private static LabProcess relay;
    private static String moqRelay;
    /** The same relay over raw QUIC by its key ({@code moql://<id>@ip:4443/}), as it prints it. */
    private static String keyedRelay;
    /** The same process's packet relay (its first line), for the direct peers' path reporting. */
    private static String packetRelay;

    @BeforeAll
    static void relay() throws Exception {
        NetLab.assumeAvailable(LabHybridRoomTest.class);
        lab = NetLab.create();
        NetLab.Node host = lab.internetHost("mrelay");
        String ip = host.address().getHostAddress();
        relay = LabCallTest.parley(host, Map.of(), "relay", "--listen", ip + ":3340", "--media-listen", ip + ":4443",
                "--public", "/parley/rooms");
        packetRelay = relay.awaitOut(s -> s.startsWith("http://"), Duration.ofSeconds(90)).text().strip();
        relay.awaitOut(s -> s.startsWith("ws://"), Duration.ofSeconds(30));
        moqRelay = "http://" + ip + ":4443/";
        keyedRelay = relay.awaitContaining("--moq-relay moql://", Duration.ofSeconds(30)).text()
                .replaceAll(".*--moq-relay (moql://\\S+).*", "$1");
    }

    @AfterAll
    static void teardown() {
        if (lab != null) {
            lab.close();
        }
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

    private static LabProcess participant(NetLab.Node node, String name, String ticket, List<String> extra) throws IOException {
        return participant(node, name, ticket, moqRelay, "hybrid", extra);
    }

    private static LabProcess participant(NetLab.Node node, String name, String ticket, String relayUrl, String mode,
                                          List<String> extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("room"));
        if (ticket != null) {
            args.add(ticket);
        }
        args.addAll(List.of("--headless", "--test-source", "--chat-stdin", "--media-stats", "--name", name));
        if (ticket == null) {
            args.addAll(List.of("--moq-relay", relayUrl, "--mode", mode));
        }
        args.addAll(extra);
        return LabCallTest.parley(node, Map.of(), args.toArray(String[]::new));
    }

    /** Two participants: {@code first} creates the hybrid room, {@code second} joins by its ticket. */
    private record Call(LabProcess host, LabProcess joiner, String hostId, String joinerId) implements AutoCloseable {
        @Override
        public void close() {
            joiner.stop(Duration.ofSeconds(3));
            host.stop(Duration.ofSeconds(3));
        }
    }

    private static Call call(NetLab.Node first, NetLab.Node second, String... extra) throws Exception {
        LabProcess host = participant(first, "host", null, List.of(extra));
        try {
            String ticket = host.awaitOut(s -> !s.startsWith("{"), Duration.ofSeconds(90)).text().strip();
            RoomTicket t = RoomTicket.parse(ticket);
            assertThat(t.mode()).isEqualTo(RoomMode.HYBRID);
            assertThat(t.moqRelay()).contains(moqRelay);
            LabProcess joiner = participant(second, "joiner", ticket, List.of(extra));
            String joinerTicket = joiner.awaitOut(s -> !s.startsWith("{"), Duration.ofSeconds(90)).text().strip();
            return new Call(host, joiner, t.bootstrap().getFirst().id().hex(),
                    RoomTicket.parse(joinerTicket).bootstrap().getFirst().id().hex());
        } catch (Exception | AssertionError e) {
            host.close();
            throw e;
        }
    }

    /** The first media line from {@code peer} with video at a real rate and audio playing. */
    private static JsonNode media(LabProcess p, String peer, String what) throws Exception {
        try {
            return json(p.awaitOut(s -> isEvent(s, "media") && peerIs(json(s), peer) && json(s).get("fps").asDouble() > 5
                    && json(s).get("audioPlayed").asLong() > 25, Duration.ofSeconds(60)).text());
        } catch (java.util.concurrent.TimeoutException e) {
            LabPathTest.dump(p, what);
            throw new AssertionError(what + ": no media line with frames and audio from " + peer, e);
        }
    }

    private static boolean peerIs(JsonNode n, String peer) {
        return n.path("peer").asText().equals(peer);
    }

    private static void chatBothWays(Call c, String what) throws Exception {
        String fromHost = "hi from the host, " + what;
        String fromJoiner = "hi from the joiner, " + what;
        c.host().writeLine(fromHost);
        c.joiner().writeLine(fromJoiner);
        Predicate<String> gotHost = s -> isEvent(s, "chat") && json(s).get("text").asText().equals(fromHost);
        Predicate<String> gotJoiner = s -> isEvent(s, "chat") && json(s).get("text").asText().equals(fromJoiner);
        assertThat(json(c.joiner().awaitOut(gotHost, Duration.ofSeconds(20)).text()).get("peer").asText()).isEqualTo(c.hostId());
        assertThat(json(c.host().awaitOut(gotJoiner, Duration.ofSeconds(20)).text()).get("peer").asText()).isEqualTo(c.joinerId());
        Thread.sleep(1000); // a second delivery (the other route, a history replay) would show by now
        assertThat(c.joiner().stdout().stream().filter(gotHost).count()).as("'%s' shown once", fromHost).isEqualTo(1);
        assertThat(c.host().stdout().stream().filter(gotJoiner).count()).as("'%s' shown once", fromJoiner).isEqualTo(1);
    }

    private static List<JsonNode> routes(LabProcess p) {
        return p.stdout().stream().filter(s -> isEvent(s, "peer-route")).map(LabHybridRoomTest::json).toList();
    }

    @Test
    void reachablePeersStayDirect() throws Exception {
        // with the packet relay as home relay the media lines name the QUIC path ("direct ip:port" or "relay URL")
        try (Call c = call(lab.internetHost("hya"), lab.internetHost("hyb"), "--relay", packetRelay)) {
            JsonNode atHost = media(c.host(), c.joinerId(), "direct host");
            JsonNode atJoiner = media(c.joiner(), c.hostId(), "direct joiner");
            chatBothWays(c, "direct");
            Thread.sleep(HYBRID_FALLBACK_MS + 1000); // long enough for a wrong fallback to show
            System.out.printf(Locale.ROOT, "lab: hybrid, reachable: media at the host %s; at the joiner %s%n", atHost, atJoiner);
            assertThat(atHost.get("path").asText()).as("the joiner's media at the host").startsWith("direct ");
            assertThat(atJoiner.get("path").asText()).startsWith("direct ");
            assertThat(routes(c.host())).as("no move to the relay").noneMatch(n -> n.get("via").asText().equals("relay"));
            assertThat(routes(c.joiner())).noneMatch(n -> n.get("via").asText().equals("relay"));
        }
    }

    /** {@code HybridRoute}'s fallback time: a peer without a direct link for this long moves to the relay. */
    private static final long HYBRID_FALLBACK_MS = 4000;

    @Test
    void peersBehindSymmetricNatsWithoutAPacketRelayFallBackToTheMoqRelay() throws Exception {
        NetLab.Home ha = lab.home("hysa", NetLab.Nat.SYMMETRIC);
        NetLab.Home hb = lab.home("hysb", NetLab.Nat.SYMMETRIC);
        try (Call c = call(ha.host("hyp"), hb.host("hyq"))) {
            JsonNode hostRoute = json(c.host().awaitOut(s -> isEvent(s, "peer-route") && peerIs(json(s), c.joinerId())
                    && json(s).get("via").asText().equals("relay"), Duration.ofSeconds(60)).text());
            JsonNode joinerRoute = json(c.joiner().awaitOut(s -> isEvent(s, "peer-route") && peerIs(json(s), c.hostId())
                    && json(s).get("via").asText().equals("relay"), Duration.ofSeconds(60)).text());
            JsonNode hostSaw = json(c.host().awaitOut(s -> isEvent(s, "peer-updated") || isEvent(s, "peer-joined"),
                    Duration.ofSeconds(5)).text());
            long afterSeen = hostRoute.get("ms").asLong() - hostSaw.get("ms").asLong();
            System.out.printf(Locale.ROOT, "lab: hybrid, blocked: host saw the joiner at %d ms, moved it to the relay at %d ms "
                    + "(%d ms later); joiner moved the host at %d ms%n", hostSaw.get("ms").asLong(), hostRoute.get("ms").asLong(),
                    afterSeen, joinerRoute.get("ms").asLong());
            assertThat(afterSeen).as("direct first: the relay only after the fallback time").isGreaterThanOrEqualTo(HYBRID_FALLBACK_MS - 500);
            JsonNode atHost = media(c.host(), c.joinerId(), "relayed host");
            JsonNode atJoiner = media(c.joiner(), c.hostId(), "relayed joiner");
            System.out.printf(Locale.ROOT, "lab: hybrid, blocked: media at the host %s; at the joiner %s%n", atHost, atJoiner);
            assertThat(atHost.get("path").asText()).as("no direct path to the joiner").doesNotStartWith("direct");
            chatBothWays(c, "relayed");
            assertThat(routes(c.host())).as("never back to direct without a direct link")
                    .noneMatch(n -> n.get("via").asText().equals("direct"));
        }
    }

    @Test
    void aRelayRoomThroughTheRelayNamedByItsKeyCrossesSymmetricNats() throws Exception {
        assertThat(keyedRelay).as("the relay prints its keyed URL").matches("moql://[0-9a-f]{64}@[0-9.]+:4443/");
        NetLab.Home ha = lab.home("hyka", NetLab.Nat.SYMMETRIC);
        NetLab.Home hb = lab.home("hykb", NetLab.Nat.SYMMETRIC);
        LabProcess host = participant(ha.host("hyk1"), "host", null, keyedRelay, "relay", List.of());
        try {
            String ticket = host.awaitOut(s -> !s.startsWith("{"), Duration.ofSeconds(90)).text().strip();
            RoomTicket t = RoomTicket.parse(ticket);
            assertThat(t.mode()).isEqualTo(RoomMode.RELAY);
            assertThat(t.moqRelay()).contains(keyedRelay);
            try (LabProcess joiner = participant(hb.host("hyk2"), "joiner", ticket, keyedRelay, "relay", List.of())) {
                // a relay room's ticket names no peer: each learns the other's id from its peer-joined event
                String joinerId = json(host.awaitOut(s -> isEvent(s, "peer-joined"), Duration.ofSeconds(90)).text()).get("peer").asText();
                String hostId = json(joiner.awaitOut(s -> isEvent(s, "peer-joined"), Duration.ofSeconds(90)).text()).get("peer").asText();
                Call c = new Call(host, joiner, hostId, joinerId);
                JsonNode atHost = media(c.host(), c.joinerId(), "keyed relay host");
                JsonNode atJoiner = media(c.joiner(), c.hostId(), "keyed relay joiner");
                System.out.printf(Locale.ROOT, "lab: relay room by key: media at the host %s; at the joiner %s%n", atHost, atJoiner);
                chatBothWays(c, "through the keyed relay");
            }
        } finally {
            host.stop(Duration.ofSeconds(3));
        }
    }
}
