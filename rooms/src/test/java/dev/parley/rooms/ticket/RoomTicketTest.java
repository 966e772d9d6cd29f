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
import java.util.List;
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
}
