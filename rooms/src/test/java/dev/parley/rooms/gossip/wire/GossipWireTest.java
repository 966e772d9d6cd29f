package dev.parley.rooms.gossip.wire;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.postcard.PostcardException;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GossipWireTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final EndpointId A = EndpointId.fromHex("ae58ff8833241ac82d6ff7611046ed67b5072d142c588d0063e942d9a75502b6");

    @Test
    void joinWithAddressesMatchesTheSpecVector() {
        PeerData data = AddrInfo.of(List.of(new InetSocketAddress("192.168.1.10", 50000))).toPeerData();
        assertThat(HEX.formatHex(data.bytes())).isEqualTo("000100c0a8010ad08603");
        byte[] framed = Frames.message(new SwarmMessage.Join(data), Frames.DEFAULT_MAX_MESSAGE_SIZE);
        assertThat(HEX.formatHex(framed)).isEqualTo("0000000e" + "0000010a000100c0a8010ad08603");
    }

    @Test
    void smallMessagesMatchTheSpec() {
        assertThat(HEX.formatHex(new TreeMessage.Prune().encode())).isEqualTo("0101");
        byte[] content = "hi".getBytes(StandardCharsets.UTF_8);
        MessageId id = MessageId.hash(content);
        byte[] gossip = new TreeMessage.Gossip(id, content, new TreeMessage.Scope.Swarm(300)).encode();
        assertThat(HEX.formatHex(gossip)).isEqualTo("0100" + HEX.formatHex(id.bytes()) + "02" + "6869" + "00" + "ac02");
        assertThat(HEX.formatHex(new SwarmMessage.Disconnect(true).encode())).isEqualTo("00050100");
        assertThat(HEX.formatHex(new SwarmMessage.Neighbor(SwarmMessage.Priority.LOW, null).encode())).isEqualTo("00040100");
        // u16::MAX ttl is ff ff 03
        assertThat(HEX.formatHex(new SwarmMessage.ForwardJoin(new PeerInfo(A, null), 0xFFFF).encode()))
                .isEqualTo("0001" + A.hex() + "00" + "ffff03");
    }

    @Test
    void blake3MatchesTheReferenceVector() {
        // BLAKE3 of the empty input, from the BLAKE3 specification
        assertThat(HEX.formatHex(MessageId.hash(new byte[0]).bytes()))
                .isEqualTo("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
    }

    @Test
    void everyMessageRoundTrips() {
        PeerData d = PeerData.of(new byte[] {9, 8, 7});
        EndpointId b = EndpointId.of(new byte[32]);
        MessageId id = MessageId.hash(new byte[] {1});
        List<TopicMessage> all = List.of(
                new SwarmMessage.Join(null), new SwarmMessage.Join(d),
                new SwarmMessage.ForwardJoin(new PeerInfo(A, d), 6),
                new SwarmMessage.Shuffle(A, List.of(new PeerInfo(A, null), new PeerInfo(b, d)), 3),
                new SwarmMessage.ShuffleReply(List.of(new PeerInfo(b, d))),
                new SwarmMessage.Neighbor(SwarmMessage.Priority.HIGH, d),
                new SwarmMessage.Disconnect(false),
                new TreeMessage.Gossip(id, new byte[] {1}, new TreeMessage.Scope.Neighbors()),
                new TreeMessage.Prune(),
                new TreeMessage.Graft(null, 7), new TreeMessage.Graft(id, 16383),
                new TreeMessage.IHave(List.of(new TreeMessage.Announcement(id, 0), new TreeMessage.Announcement(id, 65535))));
        for (TopicMessage m : all) {
            byte[] bytes = m.encode();
            TopicMessage back = TopicMessage.decode(bytes);
            assertThat(back.encode()).as(m.toString()).isEqualTo(bytes);
            assertThat(back.getClass()).isEqualTo(m.getClass());
        }
    }

    @Test
    void truncatedTrailingAndUnknownInputFailsCleanly() {
        byte[] ok = new SwarmMessage.Shuffle(A, List.of(new PeerInfo(A, PeerData.of(new byte[5]))), 3).encode();
        for (int cut = 0; cut < ok.length; cut++) {
            byte[] part = java.util.Arrays.copyOf(ok, cut);
            assertThatThrownBy(() -> TopicMessage.decode(part)).isInstanceOf(PostcardException.class);
        }
        byte[] longer = java.util.Arrays.copyOf(ok, ok.length + 1);
        assertThatThrownBy(() -> TopicMessage.decode(longer)).isInstanceOf(PostcardException.class).hasMessageContaining("trailing");
        assertThatThrownBy(() -> TopicMessage.decode(new byte[] {0, 6})).isInstanceOf(PostcardException.class);
        assertThatThrownBy(() -> TopicMessage.decode(new byte[] {2})).isInstanceOf(PostcardException.class);
        // a length claiming far more than is present is refused before allocating
        assertThatThrownBy(() -> TopicMessage.decode(HEX.parseHex("0000" + "01" + "ffffffff0f")))
                .isInstanceOf(PostcardException.class);
    }

    @Test
    void randomGarbageOnlyEverThrowsDecodeException() {
        Random r = new Random(42);
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[r.nextInt(80)];
            r.nextBytes(junk);
            if (junk.length > 0) {
                junk[0] = (byte) r.nextInt(2);
            }
            try {
                TopicMessage.decode(junk);
                decoded++;
            } catch (PostcardException expected) {
                // fine
            }
        }
        assertThat(decoded).isLessThan(20_000);
    }

    @Test
    void framesEnforceTheSizeLimit() {
        assertThatThrownBy(() -> Frames.frame(new byte[4096], 4096)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Frames.frame(new byte[4095], 4096)).hasSize(4099);
        assertThatThrownBy(() -> Frames.checkLength(4097, 4096)).isInstanceOf(PostcardException.class);
        assertThat(Frames.maxPayload(4096)).isEqualTo(4063);
        TopicId t = TopicId.of(new byte[32]);
        assertThat(Frames.decodeHeader(java.util.Arrays.copyOfRange(Frames.header(t, 4096), 4, 36))).isEqualTo(t);
    }

    @Test
    void addrInfoSortsLikeRustAndRoundTrips() {
        AddrInfo info = new AddrInfo(Optional.of("http://derp.me./"), List.of(
                new InetSocketAddress("::1", 5), new InetSocketAddress("127.0.0.1", 1024), new InetSocketAddress("10.0.0.1", 443)));
        assertThat(info.directAddresses()).extracting(InetSocketAddress::getPort).containsExactly(443, 1024, 5);
        AddrInfo back = AddrInfo.fromPeerData(info.toPeerData());
        assertThat(back).isEqualTo(info);
        assertThat(AddrInfo.fromPeerData(PeerData.of(new byte[0])).directAddresses()).isEmpty();
    }
}
