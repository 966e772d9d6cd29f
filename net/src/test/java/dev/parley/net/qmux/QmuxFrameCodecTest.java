package dev.parley.net.qmux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Frame encoding, the interop byte forms, and a seeded fuzz of the decoder. */
class QmuxFrameCodecTest {
    private static final int FUZZ_CASES = Boolean.getBoolean("parley.long") ? 5_000_000 : 150_000;

    private static QmuxFrame decodeHex(String hex) {
        return QmuxFrameCodec.decode(Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex)));
    }

    private static byte[] encode(QmuxFrame f) {
        ByteBuf b = QmuxFrameCodec.encode(ByteBufAllocator.DEFAULT, f);
        try {
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }

    @Test
    void transportParametersAsTheJavaScriptClientSendsThem() {
        TransportParameters js = TransportParameters.defaults();
        byte[] wire = encode(new QmuxFrame.Parameters(js));
        // varint 0x3f5153300d0a0d0a takes 8 bytes with the 0b11 prefix: ff 51 53 30 0d 0a 0d 0a.
        assertThat(HexFormat.of().formatHex(wire, 0, 8)).isEqualTo("ff5153300d0a0d0a");
        assertThat(QmuxFrameCodec.decode(Unpooled.wrappedBuffer(wire))).isEqualTo(new QmuxFrame.Parameters(js));
        // Unknown ids (0x01 idle timeout, a grease id) are skipped.
        QmuxFrame p = decodeHex("ff5153300d0a0d0a" + "0b" + "0104" + "80001388" + "0401" + "05" + "2100");
        assertThat(p).isEqualTo(new QmuxFrame.Parameters(new TransportParameters(5, 0, 0, 0, 0, 0)));
    }

    @Test
    void allStreamFrameFormsDecode() {
        assertThat(decodeHex("0800616263")).isEqualTo(new QmuxFrame.Stream(0, 0, "abc".getBytes(), false));
        assertThat(decodeHex("0904616263")).isEqualTo(new QmuxFrame.Stream(4, 0, "abc".getBytes(), true));
        assertThatThrownBy(() -> decodeHex("0a0202616263")).isInstanceOf(QmuxProtocolException.class)
                .hasMessageContaining("trailing");
    }

    @Test
    void streamFormsWithOffsetAndLength() {
        assertThat(decodeHex("0a02026869")).isEqualTo(new QmuxFrame.Stream(2, 0, "hi".getBytes(), false));
        assertThat(decodeHex("0b0200")).isEqualTo(new QmuxFrame.Stream(2, 0, new byte[0], true));
        assertThat(decodeHex("0c03056869")).isEqualTo(new QmuxFrame.Stream(3, 5, "hi".getBytes(), false));
        assertThat(decodeHex("0f0305026869")).isEqualTo(new QmuxFrame.Stream(3, 5, "hi".getBytes(), true));
        assertThat(decodeHex("0e07400a00")).isEqualTo(new QmuxFrame.Stream(7, 10, new byte[0], false));
        assertThatThrownBy(() -> decodeHex("0a02036869")).isInstanceOf(QmuxProtocolException.class)
                .hasMessageContaining("length 3");
    }

    @Test
    void closeFramesFromBothImplementations() {
        byte[] ours = encode(new QmuxFrame.ConnectionClose(4, 0, "bye", true));
        assertThat(HexFormat.of().formatHex(ours)).isEqualTo("1c040003627965");
        // Rust APPLICATION_CLOSE: code, reason length, reason.
        assertThat(decodeHex("1d0503627965")).isEqualTo(new QmuxFrame.ConnectionClose(5, 0, "bye", true));
        // JavaScript APPLICATION_CLOSE: code, frame type, reason length, reason.
        assertThat(decodeHex("1d050003627965")).isEqualTo(new QmuxFrame.ConnectionClose(5, 0, "bye", true));
    }

    @Test
    void oversizedMessageAndUnknownTypeAreRejected() {
        byte[] big = new byte[QmuxFrame.MAX_FRAME_SIZE + 1];
        big[0] = 0x08;
        assertThatThrownBy(() -> QmuxFrameCodec.decode(Unpooled.wrappedBuffer(big)))
                .isInstanceOf(QmuxProtocolException.class).hasMessageContaining("exceeds 16384");
        assertThatThrownBy(() -> decodeHex("30")).isInstanceOf(QmuxProtocolException.class)
                .hasMessageContaining("unknown frame type 0x30");
        assertThatThrownBy(() -> decodeHex("")).isInstanceOf(QmuxProtocolException.class);
        assertThatThrownBy(() -> encode(new QmuxFrame.Stream(0, 0, new byte[QmuxFrame.MAX_STREAM_PAYLOAD + 1], false)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The codec's ByteBuf varints are moq.wire.VarInt's bytes: minimal out, any length in, truncation refused. */
    @Test
    void bufferVarintsMatchTheWireVarint() {
        Random rnd = new Random(15);
        for (int i = 0; i < 10_000; i++) {
            long v = randomVarint(rnd);
            ByteBuf buf = Unpooled.buffer();
            QmuxFrameCodec.writeVarint(buf, v);
            byte[] expected = new byte[dev.parley.net.moq.wire.VarInt.size(v)];
            dev.parley.net.moq.wire.VarInt.write(v, expected, 0);
            assertThat(io.netty.buffer.ByteBufUtil.getBytes(buf)).isEqualTo(expected);
            assertThat(QmuxFrameCodec.readVarint(buf, "v")).isEqualTo(v);
        }
        assertThat(QmuxFrameCodec.readVarint(Unpooled.wrappedBuffer(HexFormat.of().parseHex("c0000000ff0dad02")), "v"))
                .isEqualTo(0xff0dad02L);
        assertThatThrownBy(() -> QmuxFrameCodec.readVarint(Unpooled.wrappedBuffer(HexFormat.of().parseHex("80ff")), "v"))
                .isInstanceOf(QmuxProtocolException.class).hasMessageContaining("truncated v");
    }

    @Test
    void randomValidFramesRoundTrip() {
        Random rnd = new Random(1234);
        for (int i = 0; i < 20_000; i++) {
            QmuxFrame f = randomFrame(rnd);
            byte[] wire = encode(f);
            assertThat(wire.length).isLessThanOrEqualTo(QmuxFrame.MAX_FRAME_SIZE);
            QmuxFrame back = QmuxFrameCodec.decode(Unpooled.wrappedBuffer(wire));
            if (f instanceof QmuxFrame.ConnectionClose c) {
                assertThat(back).isEqualTo(new QmuxFrame.ConnectionClose(c.code(), c.frameType(), c.reason(), false));
            } else {
                assertThat(back).as("case %d", i).isEqualTo(f);
            }
        }
    }

    /**
     * Random bytes, and valid frames with random mutations, must either decode or fail with
     * {@link QmuxProtocolException}: never another exception, never a read past the message.
     */
    @Test
    void decoderFuzzOnlyThrowsProtocolExceptions() {
        Random rnd = new Random(42);
        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < FUZZ_CASES; i++) {
            byte[] input;
            if (rnd.nextInt(3) == 0) {
                input = new byte[rnd.nextInt(40)];
                rnd.nextBytes(input);
            } else {
                input = encode(randomFrame(rnd));
                int mutations = 1 + rnd.nextInt(3);
                for (int m = 0; m < mutations && input.length > 0; m++) {
                    switch (rnd.nextInt(3)) {
                        case 0 -> input[rnd.nextInt(input.length)] = (byte) rnd.nextInt(256);
                        case 1 -> input = java.util.Arrays.copyOf(input, rnd.nextInt(input.length));
                        default -> {
                            input = java.util.Arrays.copyOf(input, input.length + 1 + rnd.nextInt(4));
                        }
                    }
                }
            }
            ByteBuf buf = Unpooled.wrappedBuffer(input);
            try {
                QmuxFrameCodec.decode(buf);
                decoded++;
                assertThat(buf.isReadable()).isFalse();
            } catch (QmuxProtocolException e) {
                rejected++;
                assertThat(e.getMessage()).isNotBlank();
            }
        }
        assertThat(decoded).isGreaterThan(FUZZ_CASES / 20);
        assertThat(rejected).isGreaterThan(FUZZ_CASES / 20);
    }

    private static long randomVarint(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextInt(64);
            case 1 -> rnd.nextInt(16384);
            case 2 -> rnd.nextLong(1L << 30);
            default -> rnd.nextLong(dev.parley.net.moq.wire.VarInt.MAX);
        };
    }

    static QmuxFrame randomFrame(Random rnd) {
        return switch (rnd.nextInt(11)) {
            case 0 -> {
                byte[] data = new byte[rnd.nextInt(4) == 0 ? rnd.nextInt(QmuxFrame.MAX_STREAM_PAYLOAD + 1) : rnd.nextInt(64)];
                rnd.nextBytes(data);
                yield new QmuxFrame.Stream(randomVarint(rnd), rnd.nextBoolean() ? 0 : rnd.nextLong(1L << 40), data, rnd.nextBoolean());
            }
            case 1 -> new QmuxFrame.ResetStream(randomVarint(rnd), randomVarint(rnd), randomVarint(rnd));
            case 2 -> new QmuxFrame.StopSending(randomVarint(rnd), randomVarint(rnd));
            case 3 -> new QmuxFrame.MaxData(randomVarint(rnd));
            case 4 -> new QmuxFrame.MaxStreamData(randomVarint(rnd), randomVarint(rnd));
            case 5 -> new QmuxFrame.MaxStreams(rnd.nextBoolean(), rnd.nextLong(1L << 60));
            case 6 -> new QmuxFrame.DataBlocked(randomVarint(rnd));
            case 7 -> new QmuxFrame.StreamDataBlocked(randomVarint(rnd), randomVarint(rnd));
            case 8 -> new QmuxFrame.StreamsBlocked(rnd.nextBoolean(), rnd.nextLong(1L << 60));
            case 9 -> new QmuxFrame.ConnectionClose(randomVarint(rnd), rnd.nextInt(0x20), "r" + rnd.nextInt(), rnd.nextBoolean());
            default -> new QmuxFrame.Parameters(new TransportParameters(randomVarint(rnd), randomVarint(rnd), randomVarint(rnd),
                    randomVarint(rnd), rnd.nextLong(1L << 60), rnd.nextLong(1L << 60)));
        };
    }
}
