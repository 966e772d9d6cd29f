package dev.parley.net.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class StunTest {
    private static final byte[] TX = hex("b7 e7 a7 01 bc 34 d6 86 fa 87 df ae");
    // RFC 5769 §2.2 and §2.3 sample responses (SOFTWARE, XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT)
    private static final byte[] RFC_V4 = hex("""
            01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 08 00 01 a1 47 e1 12 a6 43
            00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
            80 28 00 04 c0 7d 4c 96""");
    private static final byte[] RFC_V6 = hex("""
            01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
            00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
            80 28 00 04 c8 fb 0b 4c""");

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    @Test
    void parsesTheRfc5769SampleResponses() {
        var v4 = Stun.parseBindingResponse(Unpooled.wrappedBuffer(RFC_V4)).orElseThrow();
        assertThat(v4.txId()).isEqualTo(TX);
        assertThat(v4.mapped()).isEqualTo(new InetSocketAddress("192.0.2.1", 32853));
        var v6 = Stun.parseBindingResponse(Unpooled.wrappedBuffer(RFC_V6)).orElseThrow();
        assertThat(v6.mapped()).isEqualTo(new InetSocketAddress("2001:db8:1234:5678:11:2233:4455:6677", 32853));
    }

    @Test
    void writesTheSameXorMappedAddressAsTheRfc() {
        ByteBuf ours = Stun.bindingResponse(ByteBufAllocator.DEFAULT, TX, new InetSocketAddress("192.0.2.1", 32853));
        // header with our length, then the RFC's XOR-MAPPED-ADDRESS attribute byte for byte
        assertThat(HexFormat.of().formatHex(ByteBufUtil.getBytes(ours)))
                .isEqualTo("0101000c2112a442b7e7a701bc34d686fa87dfae" + "002000080001a147e112a643");
        ours.release();
    }

    @Test
    void requestAndResponseRoundTrip() {
        for (String host : new String[]{"198.18.0.7", "::1", "fd00::1:2"}) {
            byte[] tx = new byte[12];
            tx[11] = (byte) host.length();
            ByteBuf req = Stun.bindingRequest(ByteBufAllocator.DEFAULT, tx);
            assertThat(Stun.isStun(req)).isTrue();
            assertThat(Stun.parseBindingRequest(req)).hasValueSatisfying(t -> assertThat(t).isEqualTo(tx));
            assertThat(Stun.parseBindingResponse(req)).isEmpty();
            req.release();
            InetSocketAddress addr = new InetSocketAddress(host, 61234);
            ByteBuf res = Stun.bindingResponse(ByteBufAllocator.DEFAULT, tx, addr);
            int reader = res.readerIndex();
            var parsed = Stun.parseBindingResponse(res).orElseThrow();
            assertThat(res.readerIndex()).isEqualTo(reader);
            assertThat(parsed.mapped()).isEqualTo(addr);
            assertThat(parsed.txId()).isEqualTo(tx);
            assertThat(Stun.parseBindingRequest(res)).isEmpty();
            res.release();
        }
    }

    @Test
    void tellsStunFromQuicAndGarbage() {
        byte[] quicLong = new byte[40];
        quicLong[0] = (byte) 0xc3; // QUIC always sets 0x40
        assertThat(Stun.isStun(Unpooled.wrappedBuffer(quicLong))).isFalse();
        byte[] noCookie = new byte[20];
        assertThat(Stun.isStun(Unpooled.wrappedBuffer(noCookie))).isFalse();
        assertThat(Stun.isStun(Unpooled.wrappedBuffer(new byte[]{0, 1, 0, 0, 0x21, 0x12, (byte) 0xa4, 0x42}))).isFalse();
        byte[] lying = RFC_V4.clone();
        lying[3] = (byte) 0xf0; // attribute length beyond the packet
        assertThat(Stun.parseBindingResponse(Unpooled.wrappedBuffer(lying))).isEmpty();
        byte[] badFamily = RFC_V4.clone();
        badFamily[20 + 16 + 5] = 7;
        assertThat(Stun.parseBindingResponse(Unpooled.wrappedBuffer(badFamily))).isEmpty();
    }
}
