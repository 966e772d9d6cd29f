package dev.parley.rooms.ticket;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.net.ticket.TicketException;
import dev.parley.rooms.gossip.wire.TopicId;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoomTicketTest {
    private static EndpointAddr peer(int n) {
        byte[] id = new byte[32];
        Arrays.fill(id, (byte) n);
        return new EndpointAddr(EndpointId.of(id), List.of(new InetSocketAddress("127.0.0.1", 40000 + n),
                new InetSocketAddress("192.168.1." + n, 40000 + n)), List.of());
    }

    @Test
    void roundTripsThroughTheString() {
        TopicId topic = TopicId.of(new byte[32]);
        RoomTicket t = new RoomTicket(topic, List.of(peer(1), peer(2)));
        String s = t.toString();
        assertThat(s).startsWith("parley-room:").hasSizeLessThan(2000);
        RoomTicket back = RoomTicket.parse("  " + s + "\n");
        assertThat(back).isEqualTo(t);
        assertThat(back.bootstrap()).extracting(EndpointAddr::id).containsExactly(peer(1).id(), peer(2).id());
        assertThat(RoomTicket.parse(s.replace("parley-room:", "PARLEY-ROOM:"))).isEqualTo(t);
    }

    @Test
    void exactBytes() {
        RoomTicket t = new RoomTicket(TopicId.of(new byte[32]), List.of(EndpointAddr.of(peer(1).id(), new InetSocketAddress("127.0.0.1", 1024))));
        byte[] addr = t.bootstrap().getFirst().encode();
        assertThat(addr).hasSize(32 + 1 + 8);
        byte[] expected = new byte[1 + 32 + 1 + 1 + addr.length];
        expected[0] = 1;
        expected[33] = 1;
        expected[34] = (byte) addr.length;
        System.arraycopy(addr, 0, expected, 35, addr.length);
        assertThat(t.toBytes()).isEqualTo(expected);
    }

    @Test
    void staysUnder2000CharactersByKeepingTheFirstPeersThatFit() {
        List<EndpointAddr> many = new ArrayList<>();
        for (int i = 1; i <= 16; i++) {
            List<InetSocketAddress> addrs = new ArrayList<>();
            for (int j = 0; j < 10; j++) {
                addrs.add(new InetSocketAddress("10.0." + i + "." + j, 1000 + j));
            }
            byte[] id = new byte[32];
            Arrays.fill(id, (byte) i);
            many.add(new EndpointAddr(EndpointId.of(id), addrs, List.of()));
        }
        RoomTicket t = RoomTicket.of(TopicId.random(), many);
        assertThat(t.toString().length()).isLessThan(2000);
        assertThat(t.bootstrap()).isNotEmpty().hasSizeLessThan(16);
        assertThat(t.bootstrap().getFirst()).isEqualTo(many.getFirst());
        assertThatThrownBy(() -> new RoomTicket(TopicId.random(), many)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void garbageGetsAClearError() {
        assertThatThrownBy(() -> RoomTicket.parse("")).isInstanceOf(TicketException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> RoomTicket.parse("hello")).isInstanceOf(TicketException.class).hasMessageContaining("parley-room:");
        assertThatThrownBy(() -> RoomTicket.parse("roomagxfr74igmsbvsbnn73wcecg5vt3kbzncqwfrdiampuufwnhkublmfyxc4lrofyxc4lrofyx"))
                .isInstanceOf(TicketException.class).hasMessageContaining("iroh-live");
        assertThatThrownBy(() -> RoomTicket.parse("parley-room:!!!")).isInstanceOf(TicketException.class).hasMessageContaining("base64url");
        assertThatThrownBy(() -> RoomTicket.parse("parley-room:" + "A".repeat(2000))).isInstanceOf(TicketException.class).hasMessageContaining("too long");
        String good = new RoomTicket(TopicId.random(), List.of(peer(3))).toString();
        assertThatThrownBy(() -> RoomTicket.parse(good.substring(0, good.length() - 5))).isInstanceOf(TicketException.class);
        byte[] v2 = RoomTicket.parse(good).toBytes();
        v2[0] = 2;
        assertThatThrownBy(() -> RoomTicket.parse("parley-room:" + Base64.getUrlEncoder().withoutPadding().encodeToString(v2)))
                .isInstanceOf(TicketException.class).hasMessageContaining("version 2");
        Random r = new Random(7);
        for (int i = 0; i < 5000; i++) {
            byte[] junk = new byte[1 + r.nextInt(120)];
            r.nextBytes(junk);
            junk[0] = 1;
            String s = "parley-room:" + Base64.getUrlEncoder().withoutPadding().encodeToString(junk);
            try {
                RoomTicket.parse(s);
            } catch (TicketException expected) {
                // the only failure allowed
            }
        }
    }

    /** A gossip ticket as every earlier Parley wrote it (topic 00…, one peer 01… at 127.0.0.1:1024). */
    private static final String GOLDEN_GOSSIP = "parley-room:AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAASkBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAH8AAAGACA";

    @Test
    void oldTicketsStillParseAsGossipRoomsAndGossipTicketsKeepTheirBytes() {
        RoomTicket old = RoomTicket.parse(GOLDEN_GOSSIP);
        assertThat(old.mode()).isEqualTo(RoomMode.GOSSIP);
        assertThat(old.moqRelay()).isEmpty();
        assertThat(old.topic()).isEqualTo(TopicId.of(new byte[32]));
        assertThat(old.bootstrap()).extracting(EndpointAddr::id).containsExactly(peer(1).id());
        assertThat(old.toString()).isEqualTo(GOLDEN_GOSSIP); // written back byte for byte
    }

    @Test
    void aRelayTicketAppendsTheUrlAndTheMode() {
        String url = "https://relay.example:4443/team?jwt=abc";
        RoomTicket t = new RoomTicket(TopicId.of(new byte[32]), List.of(), RoomMode.RELAY, Optional.of(url));
        byte[] b = t.toBytes();
        // version, topic, 0 peers, then varint(len) url, then mode 1
        assertThat(HexFormat.of().formatHex(b)).isEqualTo("01" + "00".repeat(32) + "00"
                + String.format("%02x", url.length()) + HexFormat.of().formatHex(url.getBytes()) + "01");
        assertThat(t.toString()).isEqualTo("parley-room:AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACdodHRwczovL3JlbGF5LmV4YW1wbGU6NDQ0My90ZWFtP2p3dD1hYmMB");
        RoomTicket back = RoomTicket.parse(t.toString());
        assertThat(back).isEqualTo(t);
        RoomTicket hybrid = new RoomTicket(TopicId.random(), List.of(peer(2)), RoomMode.HYBRID, Optional.of(url));
        assertThat(RoomTicket.parse(hybrid.toString())).isEqualTo(hybrid);
        assertThat(hybrid.withPeers(List.of(peer(3), peer(2))).bootstrap()).hasSize(2);
        assertThat(hybrid.withPeers(List.of(peer(3))).mode()).isEqualTo(RoomMode.HYBRID);
    }

    @Test
    void badRelayFieldsGetClearErrors() {
        assertThatThrownBy(() -> new RoomTicket(TopicId.random(), List.of(), RoomMode.RELAY, Optional.empty()))
                .hasMessageContaining("needs a moq relay");
        assertThatThrownBy(() -> new RoomTicket(TopicId.random(), List.of(), RoomMode.GOSSIP, Optional.of("http://x/")))
                .hasMessageContaining("names no moq relay");
        byte[] b = new RoomTicket(TopicId.of(new byte[32]), List.of(), RoomMode.RELAY, Optional.of("http://r/")).toBytes();
        b[b.length - 1] = 7;
        assertThatThrownBy(() -> RoomTicket.fromBytes(b)).isInstanceOf(TicketException.class).hasMessageContaining("room mode 7");
        b[b.length - 1] = 0; // "gossip" cannot come with a relay
        assertThatThrownBy(() -> RoomTicket.fromBytes(b)).isInstanceOf(TicketException.class);
        byte[] cut = java.util.Arrays.copyOf(b, b.length - 1);
        assertThatThrownBy(() -> RoomTicket.fromBytes(cut)).isInstanceOf(TicketException.class);
        assertThatThrownBy(() -> RoomMode.parse("mesh")).hasMessageContaining("gossip, relay or hybrid");
        assertThat(RoomMode.parse(" Hybrid ")).isEqualTo(RoomMode.HYBRID);
    }
}
