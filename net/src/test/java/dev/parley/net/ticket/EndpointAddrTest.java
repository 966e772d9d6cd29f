package dev.parley.net.ticket;

import dev.parley.net.identity.EndpointId;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointAddrTest {
    static final EndpointId ID = EndpointId.fromHex("ae58ff8833241ac82d6ff7611046ed67b5072d142c588d0063e942d9a75502b6");
    private static final HexFormat HEX = HexFormat.of();

    static InetSocketAddress addr(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    /**
     * iroh-tickets' vector: relay "http://derp.me./" and 127.0.0.1:1024.
     * id[32] | 02 (two entries) | 00 (Relay) 10 (16 chars) "http://derp.me./" | 01 (Ip) 00 (V4) 7f000001 8008 (1024 as LEB128).
     */
    @Test
    void irohGoldenVector() throws Exception {
        EndpointAddr a = new EndpointAddr(ID, List.of(addr("127.0.0.1", 1024)), List.of("http://derp.me./"));
        String expected = "ae58ff8833241ac82d6ff7611046ed67b5072d142c588d0063e942d9a75502b6"
                + "02" + "00" + "10" + "687474703a2f2f646572702e6d652e2f" + "01" + "00" + "7f000001" + "8008";
        assertThat(HEX.formatHex(a.encode())).isEqualTo(expected);
        assertThat(EndpointAddr.decode(HEX.parseHex(expected))).isEqualTo(a);
    }

    /**
     * Order follows Rust's BTreeSet: relays, then V4, then V6; IPs by octets then port.
     * id | 04 | 01 00 0a000001 bb03 (10.0.0.1:443) | 01 00 c0a8010a d08603 (192.168.1.10:50000)
     *    | 01 00 c0a8010a ffff03 (192.168.1.10:65535) | 01 01 (V6) 00..01 (::1) 00 (port 0)
     */
    @Test
    void ipOrderingAndPortVarints() throws Exception {
        EndpointAddr a = new EndpointAddr(ID, List.of(addr("::1", 0), addr("192.168.1.10", 65535),
                addr("192.168.1.10", 50000), addr("10.0.0.1", 443), addr("10.0.0.1", 443)), List.of());
        String expected = HEX.formatHex(ID.bytes()) + "04"
                + "0100" + "0a000001" + "bb03"
                + "0100" + "c0a8010a" + "d08603"
                + "0100" + "c0a8010a" + "ffff03"
                + "0101" + "00000000000000000000000000000001" + "00";
        assertThat(HEX.formatHex(a.encode())).isEqualTo(expected);
        assertThat(EndpointAddr.decode(a.encode())).isEqualTo(a);
    }

    @Test
    void emptyAddressSet() {
        EndpointAddr a = EndpointAddr.of(ID);
        assertThat(HEX.formatHex(a.encode())).isEqualTo(HEX.formatHex(ID.bytes()) + "00");
    }

    @Test
    void customTransportEntriesAreSkipped() {
        // id | 01 | 02 (Custom) 07 (id 7) 02 abcd
        byte[] bytes = HEX.parseHex(HEX.formatHex(ID.bytes()) + "01" + "02" + "07" + "02abcd");
        EndpointAddr a = EndpointAddr.decode(bytes);
        assertThat(a.directAddresses()).isEmpty();
        assertThat(a.relayUrls()).isEmpty();
    }

    @Test
    void malformedBytesGiveClearErrors() {
        String id = HEX.formatHex(ID.bytes());
        assertThatThrownBy(() -> EndpointAddr.decode(HEX.parseHex("ae58"))).isInstanceOf(TicketException.class)
                .hasMessageContaining("truncated").hasMessageContaining("endpoint id");
        assertThatThrownBy(() -> EndpointAddr.decode(HEX.parseHex(id + "01" + "0100" + "7f00")))
                .isInstanceOf(TicketException.class).hasMessageContaining("ipv4 address");
        assertThatThrownBy(() -> EndpointAddr.decode(HEX.parseHex(id + "01" + "0100" + "7f000001" + "ffff07")))
                .isInstanceOf(TicketException.class).hasMessageContaining("port is out of range");
        assertThatThrownBy(() -> EndpointAddr.decode(HEX.parseHex(id + "01" + "09")))
                .isInstanceOf(TicketException.class).hasMessageContaining("unknown address kind 9");
        assertThatThrownBy(() -> EndpointAddr.decode(HEX.parseHex(id + "00" + "ff")))
                .isInstanceOf(TicketException.class).hasMessageContaining("trailing");
        assertThatThrownBy(() -> EndpointAddr.decode(HEX.parseHex(id + "ffffffff0f")))
                .isInstanceOf(TicketException.class).hasMessageContaining("address count");
    }
}
