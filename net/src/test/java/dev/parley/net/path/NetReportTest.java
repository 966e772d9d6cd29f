package dev.parley.net.path;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NetReportTest {
    private static final String RELAY = "http://198.18.1.2:3340/";
    private static final InetSocketAddress LAN = new InetSocketAddress("10.77.1.2", 4000);
    private static final InetSocketAddress V6 = new InetSocketAddress("2001:db8:1:1::2", 4000);
    private static final InetSocketAddress PUBLIC = new InetSocketAddress("198.18.3.2", 61000);

    @Test
    void udpAnsweredWithAPublicAddressMeansDirectPathsArePossible() {
        NetReport r = new NetReport(List.of(LAN, V6, PUBLIC), RELAY, null, 35, 12, List.of(PUBLIC), 3000);
        assertThat(r.verdict()).isEqualTo(NetReport.Verdict.DIRECT_POSSIBLE);
        assertThat(r.lines()).containsExactly(
                "addresses offered to peers: 10.77.1.2:4000, [2001:db8:1:1:0:0:0:2]:4000, 198.18.3.2:61000",
                "IPv6: yes (2001:db8:1:1:0:0:0:2)",
                "relay " + RELAY + ": connected in 35 ms",
                "UDP: the relay's STUN answered in 12 ms; public address 198.18.3.2:61000",
                "calls: direct where the peer's network allows it, through the relay otherwise");
    }

    @Test
    void aRelayWithoutUdpMeansRelayOnlyAndNothingMeansLocalOnly() {
        NetReport proxied = new NetReport(List.of(LAN), RELAY, "http://198.18.5.2:8888", 120, -1, List.of(), 3000);
        assertThat(proxied.verdict()).isEqualTo(NetReport.Verdict.RELAY_ONLY);
        assertThat(proxied.lines()).contains("IPv6: no routable address",
                "relay " + RELAY + ": connected in 120 ms through the HTTP proxy http://198.18.5.2:8888",
                "UDP: no STUN answer within 3000 ms (UDP blocked on this network, or the relay serves no STUN)");
        NetReport nothing = new NetReport(List.of(LAN), RELAY, null, -1, -1, List.of(), 3000);
        assertThat(nothing.verdict()).isEqualTo(NetReport.Verdict.LOCAL_ONLY);
        assertThat(nothing.lines()).contains("relay " + RELAY + ": not reachable within 3000 ms");
        assertThat(new NetReport(List.of(LAN), null, null, -1, -1, List.of(), 3000).verdict())
                .isEqualTo(NetReport.Verdict.UNTESTED);
    }
}
