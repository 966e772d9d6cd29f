package dev.parley.net.relay;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.relay.RelayFrame.*;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RelayFrameCodecTest {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final EndpointId A = Identity.fromSecret(new byte[32]).id();

    private static byte[] encode(RelayFrame f) {
        ByteBuf b = RelayFrameCodec.encode(ALLOC, f);
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private static RelayFrame decode(byte[] wire) {
        return RelayFrameCodec.decode(Unpooled.wrappedBuffer(wire));
    }

    @Test
    void controlFramesRoundTrip() {
        byte[] sig = new byte[64];
        sig[3] = 7;
        List<RelayFrame> frames = List.of(new ServerChallenge(new byte[16]), new ClientAuth(A, sig),
                new ServerConfirmsAuth(), new ServerDeniesAuth("bad signature ✗"), new EndpointGone(A),
                new Ping(0x0102030405060708L), new Pong(-1), new Health("ok"), new Restarting(500, 0xffff_ffffL),
                new Status(Status.SAME_ENDPOINT_ID_CONNECTED));
        for (RelayFrame f : frames) {
            assertThat(decode(encode(f))).as(f.toString()).isEqualTo(f);
        }
    }

    @Test
    void layoutsMatchTheIrohTable() {
        byte[] sig = new byte[64];
        byte[] auth = encode(new ClientAuth(A, sig));
        // type 1 ‖ pk[32] ‖ postcard length 0x40 ‖ sig[64]
        assertThat(auth).hasSize(1 + 32 + 1 + 64);
        assertThat(auth[0]).isEqualTo((byte) 1);
        assertThat(auth[33]).isEqualTo((byte) 0x40);
        assertThat(HexFormat.of().formatHex(encode(new Restarting(1, 2)))).isEqualTo("0c0000000100000002");
        assertThat(HexFormat.of().formatHex(encode(new ServerDeniesAuth("no")))).isEqualTo("03026e6f");
        assertThat(HexFormat.of().formatHex(encode(new Status(1)))).isEqualTo("0d01");
        byte[] dg = encode(new ClientToRelayDatagram(A, new Datagrams(2, 0, Unpooled.wrappedBuffer(new byte[]{9, 8}))));
        assertThat(dg).hasSize(1 + 32 + 1 + 2);
        assertThat(dg[0]).isEqualTo((byte) 4);
        assertThat(dg[33]).isEqualTo((byte) 2);
        byte[] batch = encode(new RelayToClientDatagram(A, new Datagrams(0, 3, Unpooled.wrappedBuffer(new byte[]{1, 2, 3, 4}))));
        assertThat(batch[0]).isEqualTo((byte) 7);
        assertThat(batch[34]).isEqualTo((byte) 0);
        assertThat(batch[35]).isEqualTo((byte) 3);
    }

    @Test
    void datagramsDecodeAsSlicesAndCountSegments() {
        byte[] wire = encode(new ClientToRelayDatagram(A, new Datagrams(1, 500, Unpooled.wrappedBuffer(new byte[1201]))));
        ByteBuf in = Unpooled.wrappedBuffer(wire);
        var f = (ClientToRelayDatagram) RelayFrameCodec.decode(in);
        assertThat(f.destination()).isEqualTo(A);
        assertThat(f.datagrams().ecn()).isEqualTo(1);
        assertThat(f.datagrams().segmentSize()).isEqualTo(500);
        assertThat(f.datagrams().count()).isEqualTo(3);
        assertThat(f.datagrams().contents().readableBytes()).isEqualTo(1201);
        assertThat(in.refCnt()).isEqualTo(2); // the slice holds the input
        f.release();
        assertThat(in.refCnt()).isEqualTo(1);
    }

    @Test
    void badInputGetsAClearError() {
        assertThatThrownBy(() -> decode(new byte[0])).isInstanceOf(RelayProtocolException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> decode(new byte[]{0, 1, 2})).hasMessageContaining("truncated challenge");
        assertThatThrownBy(() -> decode(new byte[]{14})).hasMessageContaining("unknown frame type 14");
        assertThatThrownBy(() -> decode(new byte[]{(byte) 0x40, 0x50})).hasMessageContaining("unknown frame type 80");
        assertThatThrownBy(() -> decode(new byte[]{2, 0})).hasMessageContaining("trailing");
        // ServerConfirmsAuth (2) padded to a two-byte varint: found by RelayFuzzTest (it re-encoded as one byte)
        assertThatThrownBy(() -> decode(new byte[]{(byte) 0x40, 0x02})).hasMessageContaining("frame type 2 is not minimally encoded");
        assertThatThrownBy(() -> decode(new byte[]{13, 9})).hasMessageContaining("unknown status 9");
        // a deny reason whose length 6 is padded to two LEB128 bytes (86 00): found by RelayFuzzTest (seed 21851303433393)
        assertThatThrownBy(() -> decode(new byte[]{3, (byte) 0x86, 0, 0, 3, 0, 0, 0, 4}))
                .hasMessageContaining("deny reason length is not minimally encoded");
        byte[] auth = encode(new ClientAuth(A, new byte[64]));
        auth[33] = 63;
        assertThatThrownBy(() -> decode(auth)).hasMessageContaining("64 bytes, got 63");
        byte[] deny = {3, 2, (byte) 0xff, (byte) 0xfe};
        assertThatThrownBy(() -> decode(deny)).hasMessageContaining("UTF-8");
        byte[] noDatagram = new byte[34];
        noDatagram[0] = 4;
        assertThatThrownBy(() -> decode(noDatagram)).hasMessageContaining("empty datagram");
        byte[] zeroSegment = new byte[40];
        zeroSegment[0] = 5;
        assertThatThrownBy(() -> decode(zeroSegment)).hasMessageContaining("segment size is 0");
        byte[] huge = new byte[RelayFrameCodec.MAX_FRAME_SIZE + 1];
        huge[0] = 4;
        assertThatThrownBy(() -> decode(huge)).hasMessageContaining("1 MiB");
    }

    @Test
    void deriveKeyMatchesTheOfficialBlake3Vector() {
        // BLAKE3 test_vectors.json, input length 0, first 32 bytes of derive_key
        assertThat(HexFormat.of().formatHex(RelayAuth.deriveKey("BLAKE3 2019-12-27 16:29:52 test vectors context", new byte[0])))
                .isEqualTo("2cc39783c223154fea8dfb7c1b1660f2ac2dcbd1c1de8277b0b0dd39b7e50d7d");
    }

    @Test
    void authVerifiesOnlyTheRightKeyAndChallenge() {
        Identity alice = Identity.generate();
        byte[] c = new byte[16];
        c[0] = 1;
        ClientAuth auth = RelayAuth.answer(alice, new ServerChallenge(c));
        assertThat(RelayAuth.verify(c, auth)).isTrue();
        byte[] other = c.clone();
        other[15] = 1;
        assertThat(RelayAuth.verify(other, auth)).as("another challenge").isFalse();
        assertThat(RelayAuth.verify(c, new ClientAuth(Identity.generate().id(), auth.signature()))).as("another key").isFalse();
        // The signed message is BLAKE3 derive_key, not the raw challenge.
        assertThat(Identity.verify(alice.id(), c, auth.signature())).isFalse();
        assertThat(RelayAuth.message(c)).hasSize(32).isNotEqualTo(RelayAuth.message(other));
    }
}
