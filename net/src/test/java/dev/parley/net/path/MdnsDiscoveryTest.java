package dev.parley.net.path;

import dev.parley.net.identity.Identity;
import dev.parley.net.identity.Base32;
import dev.parley.net.ticket.EndpointAddr;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** The mapping from a resolved mDNS service record to a peer address (the multicast itself runs in the lab). */
class MdnsDiscoveryTest {
    @Test
    void aServiceRecordBecomesThePeersAddress() throws Exception {
        Identity peer = Identity.generate();
        String instance = Base32.encodeLower(peer.id().bytes());
        assertThat(instance).hasSize(52);
        EndpointAddr addr = MdnsDiscovery.toAddr(instance, new InetAddress[] {InetAddress.getByName("10.77.1.3"),
                InetAddress.getLoopbackAddress()}, 4433, "http://198.18.1.2:3340/");
        assertThat(addr).isNotNull();
        assertThat(addr.id()).isEqualTo(peer.id());
        assertThat(addr.directAddresses()).containsExactly(new InetSocketAddress("10.77.1.3", 4433));
        assertThat(addr.relayUrls()).containsExactly("http://198.18.1.2:3340/");
    }

    @Test
    void recordsThatNameNoEndpointOrNoAddressAreIgnored() throws Exception {
        InetAddress[] lan = {InetAddress.getByName("10.77.1.3")};
        assertThat(MdnsDiscovery.toAddr("printer", lan, 631, null)).isNull();
        assertThat(MdnsDiscovery.toAddr("a".repeat(52) + "!", lan, 631, null)).isNull();
        assertThat(MdnsDiscovery.toAddr(Base32.encodeLower(new byte[31]), lan, 631, null)).isNull();
        String id = Base32.encodeLower(Identity.generate().id().bytes());
        assertThat(MdnsDiscovery.toAddr(id, new InetAddress[] {InetAddress.getLoopbackAddress()}, 1, null)).isNull();
        assertThat(MdnsDiscovery.toAddr(id, lan, 0, null)).isNull();
        assertThat(MdnsDiscovery.toAddr(id, lan, 5, "x".repeat(300)).relayUrls()).isEmpty();
        assertThat(Base32.decode(Base32.encodeLower(new byte[] {1, 2, 3, 4, 5, (byte) 0xff})))
                .containsExactly(1, 2, 3, 4, 5, 0xff);
    }
}
