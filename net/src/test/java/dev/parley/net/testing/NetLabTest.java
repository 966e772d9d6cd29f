package dev.parley.net.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lab itself, with plain UDP: routing across the router, NAT hiding home addresses, private
 * destinations dropped, loss and blackout rules. One lab and one echo server and client JVM per role
 * serve every test (JVM start-up dominates otherwise).
 */
@Timeout(120)
class NetLabTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static NetLab lab;
    private static NetLab.Node server;
    private static NetLab.Node client;
    private static NetLab.Node homeServer;
    private static NetLab.Home home;
    private static LabProcess echo;
    private static LabProcess homeEcho;
    private static LabProcess udp;
    private static NetLab.Home home6;
    private static LabProcess echo6;
    private static LabProcess udp6;
    private static NetLab.Node server6;
    private static NetLab.Node client6;

    @BeforeAll
    static void build() throws Exception {
        NetLab.assumeAvailable(NetLabTest.class);
        lab = NetLab.create();
        server = lab.internetHost("srv", NetLab.ipv6Supported());
        home = lab.home("home", NetLab.Nat.ENDPOINT_INDEPENDENT);
        client = home.host("cli");
        homeServer = home.host("hsrv");
        echo = server.java(LabUdp.class, "echo", "7000");
        homeEcho = homeServer.java(LabUdp.class, "echo", "7000");
        udp = client.java(LabUdp.class, "client");
        List<LabProcess> started = new java.util.ArrayList<>(List.of(echo, homeEcho, udp));
        if (NetLab.ipv6Supported()) {
            home6 = lab.home("home6", NetLab.Nat.SYMMETRIC, true);
            client6 = home6.host("cli6");
            server6 = home6.host("srv6");
            echo6 = server6.java(LabUdp.class, "echo", "7000");
            udp6 = client6.java(LabUdp.class, "client");
            started.addAll(List.of(echo6, udp6));
        }
        for (LabProcess p : started) {
            p.awaitOut("READY"::equals, Duration.ofSeconds(20));
        }
    }

    @AfterAll
    static void teardown() {
        if (lab != null) {
            lab.close();
        }
    }

    /** Sends {@code count} datagrams from the home client to {@code to}:7000 and returns how many echoes came back. */
    private static int roundTrips(NetLab.Node to, int count) throws Exception {
        return roundTrips(to.address().getHostAddress(), count);
    }

    private static int roundTrips(String to, int count) throws Exception {
        return batch(udp, to, count).get("received").asInt();
    }

    /** The client's report for one batch: sent, received, lastMs. */
    private static JsonNode batch(String to, int count) throws Exception {
        return batch(udp, to, count);
    }

    private static JsonNode batch(LabProcess client, String to, int count) throws Exception {
        int from = client.lines().size();
        client.writeLine("send " + to + " 7000 " + count);
        return JSON.readTree(client.await(from, l -> l.text().startsWith("{\"sent\""), Duration.ofSeconds(30)).text());
    }

    @Test
    void ipv6IsRoutedWithoutNatButBehindTheHomeFirewall() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(NetLab.ipv6Supported(), "this kernel has no IPv6 (booted with ipv6.disable=1)");
        assertThat(client6.address6().getHostAddress()).startsWith("2001:db8:1:");
        assertThat(client.address6()).as("homes are IPv4-only unless asked").isNull();
        int from = echo.lines().size();
        assertThat(batch(udp6, server.address6().getHostAddress(), 20).get("received").asInt())
                .as("IPv6 from a home to the internet and back").isEqualTo(20);
        String seen = JSON.readTree(echo.await(from, l -> l.text().startsWith("{\"from\""), Duration.ofSeconds(5)).text())
                .get("from").asText();
        assertThat(seen).as("no NAT for IPv6: the host's own address").startsWith(client6.address6().getHostAddress() + ":");
        // IPv4 from the same home still goes through its (symmetric) NAT
        assertThat(batch(udp6, server.address().getHostAddress(), 5).get("received").asInt()).isEqualTo(5);
        // unsolicited IPv6 to a home host is dropped by the home's firewall
        int homeLines = echo6.lines().size();
        server.run("bash", "-c", "echo x > /dev/udp/" + server6.address6().getHostAddress() + "/7000");
        Thread.sleep(300);
        assertThat(echo6.lines().subList(homeLines, echo6.lines().size())).noneMatch(l -> l.text().startsWith("{\"from\""));
        // ... and a unique-local destination never crosses the simulated internet
        long before = lab.privateDrops();
        server.run("bash", "-c", "echo x > /dev/udp/fd00::77/7000; echo sent");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (lab.privateDrops() == before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(lab.privateDrops()).isGreaterThan(before);
    }

    @Test
    void udpCrossesTheRouterAndTheNatHidesTheHomeAddress() throws Exception {
        int before = echo.lines().size();
        int echoed = roundTrips(server, 20);
        assertThat(echoed).isEqualTo(20);
        JsonNode seen = JSON.readTree(echo.await(before, l -> l.text().startsWith("{\"from\""), Duration.ofSeconds(5)).text());
        String from = seen.get("from").asText();
        assertThat(from).startsWith(home.publicAddress().getHostAddress() + ":")
                .doesNotStartWith(client.address().getHostAddress());
        assertThat(client.address().getHostAddress()).startsWith("10.77.");
    }

    @Test
    void theInternetDropsPrivateDestinationsAndTheNatDropsUnsolicitedInbound() throws Exception {
        // From the internet host, a home host's private address must not be reachable, silently.
        long before = lab.privateDrops();
        String out = server.run("bash", "-c", "echo x > /dev/udp/" + homeServer.address().getHostAddress() + "/7000; echo sent");
        assertThat(out).contains("sent");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (lab.privateDrops() == before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(lab.privateDrops()).isGreaterThan(before);
        // Unsolicited traffic to the NAT box's public address reaches nobody behind it.
        int homeLines = homeEcho.lines().size();
        server.run("bash", "-c", "echo x > /dev/udp/" + home.publicAddress().getHostAddress() + "/7000");
        Thread.sleep(300); // nothing can arrive: give a misrouted datagram the time it would need
        assertThat(homeEcho.lines().subList(homeLines, homeEcho.lines().size()))
                .noneMatch(l -> l.text().startsWith("{\"from\""));
    }

    @Test
    void randomLossDropsRoughlyTheRequestedShareInOneDirection() throws Exception {
        NetLab.Link link = server.link();
        link.loss(NetLab.Direction.TO_HOST, 30);
        try {
            int echoed = roundTrips(server, 400);
            // Binomial(400, 0.7): mean 280, sd 9.2; the bounds are more than 5 sd away.
            assertThat(echoed).isBetween(230, 330);
        } finally {
            link.loss(NetLab.Direction.TO_HOST, 0);
        }
        assertThat(roundTrips(server, 50)).isEqualTo(50);
    }

    @Test
    void blackoutDropsEverythingUntilLifted() throws Exception {
        NetLab.Link link = home.link();
        link.blackout(true);
        try {
            assertThat(roundTrips(server, 30)).isZero();
        } finally {
            link.blackout(false);
        }
        assertThat(roundTrips(server, 30)).isEqualTo(30);
    }

    @Test
    void aBottleneckDelaysABurstByItsRateAndReshapesInPlace() throws Exception {
        NetLab.Link link = server.link();
        String to = server.address().getHostAddress();
        long unshaped = batch(to, 100).get("lastMs").asLong();
        // 100 datagrams of 242 B on the wire (~194 kbit) into 200 kbit/s with a 4 kB bucket and a queue
        // long enough for all: the last echo comes after at least ~0.8 s.
        link.shape(NetLab.Direction.TO_HOST, 200, 4 * 1024, Duration.ofMillis(3000));
        try {
            assertThat(link.qdiscs(NetLab.Direction.TO_HOST)).contains("tbf", "200Kbit");
            assertThat(lab.runIn(lab.routerNamespace(), "tc", "qdisc", "show")).contains("200Kbit");
            JsonNode shaped = batch(to, 100);
            System.out.printf("bottleneck: 100 datagrams echoed after %d ms unshaped, %d ms through 200 kbit/s%n",
                    unshaped, shaped.get("lastMs").asLong());
            assertThat(shaped.get("received").asInt()).isEqualTo(100);
            assertThat(shaped.get("lastMs").asLong()).isGreaterThan(650).isGreaterThan(unshaped + 400);
            link.shape(NetLab.Direction.TO_HOST, 100_000, 64 * 1024, Duration.ofMillis(50)); // tc qdisc change
            JsonNode fast = batch(to, 100);
            assertThat(fast.get("received").asInt()).isEqualTo(100);
            assertThat(fast.get("lastMs").asLong()).isLessThan(shaped.get("lastMs").asLong() - 300);
        } finally {
            link.unshape(NetLab.Direction.TO_HOST);
        }
        assertThat(link.qdiscs(NetLab.Direction.TO_HOST)).doesNotContain("tbf");
    }
}
