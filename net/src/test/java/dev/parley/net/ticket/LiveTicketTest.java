package dev.parley.net.ticket;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static dev.parley.net.ticket.EndpointAddrTest.ID;
import static dev.parley.net.ticket.EndpointAddrTest.addr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LiveTicketTest {

    /**
     * The iroh-live example ticket body for the iroh-tickets address and name "hello", with Parley's scheme:
     * base64url(postcard(addr)) = "rlj_iDMk...AQB_AAABgAg" (the §3.2 bytes, unpadded).
     */
    @Test
    void goldenTicketString() throws Exception {
        EndpointAddr a = new EndpointAddr(ID, List.of(addr("127.0.0.1", 1024)), List.of("http://derp.me./"));
        String expected = "parley:rlj_iDMkGsgtb_dhEEbtZ7UHLRQsWI0AY-lC2adVArYCABBodHRwOi8vZGVycC5tZS4vAQB_AAABgAg/hello";
        assertThat(new LiveTicket(a, "hello").toString()).isEqualTo(expected);
        assertThat(LiveTicket.parse(expected)).isEqualTo(new LiveTicket(a, "hello"));
    }

    @Test
    void roundTripWithSeveralAddressesAndANameWithSlashes() throws Exception {
        EndpointAddr a = new EndpointAddr(ID, List.of(addr("127.0.0.1", 4433), addr("fe80::1", 4433),
                addr("192.168.0.7", 4433)), List.of());
        LiveTicket t = new LiveTicket(a, "room/cam");
        assertThat(LiveTicket.parse("  " + t + "\n")).isEqualTo(t);
        assertThat(LiveTicket.parse(t.toString()).broadcast()).isEqualTo("room/cam");
        assertThat(t.toString()).hasSizeLessThan(LiveTicket.MAX_LENGTH);
    }

    @Test
    void ticketsStayUnderTheLengthLimit() throws Exception {
        List<InetSocketAddress> many = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            many.add(new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) i}), 40000 + i));
        }
        assertThat(new LiveTicket(new EndpointAddr(ID, many, List.of()), "call").toString().length())
                .isLessThan(LiveTicket.MAX_LENGTH);
        List<InetSocketAddress> tooMany = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            tooMany.add(new InetSocketAddress(InetAddress.getByAddress(new byte[16]), 1 + i));
        }
        assertThatThrownBy(() -> new LiveTicket(new EndpointAddr(ID, tooMany, List.of()), "call"))
                .hasMessageContaining("limit");
    }

    @Test
    void garbageTruncatedAndWrongPrefixTicketsGiveOneClearMessage() throws Exception {
        String good = new LiveTicket(EndpointAddr.of(ID, addr("127.0.0.1", 1024)), "call").toString();
        String body = good.substring("parley:".length(), good.indexOf('/'));

        assertThatThrownBy(() -> LiveTicket.parse("")).isInstanceOf(TicketException.class).hasMessage("the ticket is empty");
        assertThatThrownBy(() -> LiveTicket.parse("hello world")).isInstanceOf(TicketException.class)
                .hasMessageContaining("must start with 'parley:'");
        assertThatThrownBy(() -> LiveTicket.parse("iroh-live:" + body + "/call")).isInstanceOf(TicketException.class)
                .hasMessageContaining("iroh-live ticket");
        assertThatThrownBy(() -> LiveTicket.parse("parley:" + body)).isInstanceOf(TicketException.class)
                .hasMessageContaining("no broadcast name");
        assertThatThrownBy(() -> LiveTicket.parse("parley:" + body + "/")).isInstanceOf(TicketException.class)
                .hasMessageContaining("empty broadcast name");
        assertThatThrownBy(() -> LiveTicket.parse("parley:/call")).isInstanceOf(TicketException.class)
                .hasMessageContaining("no address part");
        assertThatThrownBy(() -> LiveTicket.parse("parley:" + body.substring(0, body.length() - 8) + "/call"))
                .isInstanceOf(TicketException.class).hasMessageContaining("damaged").hasMessageContaining("truncated");
        assertThatThrownBy(() -> LiveTicket.parse("parley:" + body + "!!/call")).isInstanceOf(TicketException.class)
                .hasMessageContaining("base64url");
        assertThatThrownBy(() -> LiveTicket.parse("parley:" + "A".repeat(2100) + "/call")).isInstanceOf(TicketException.class)
                .hasMessageContaining("too long");
    }

    @Test
    void randomGarbageNeverEscapesAsAnotherException() {
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[random.nextInt(0, 120)];
            random.nextBytes(bytes);
            String candidate = "parley:" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "/x";
            try {
                LiveTicket.parse(candidate);
            } catch (TicketException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }
}
