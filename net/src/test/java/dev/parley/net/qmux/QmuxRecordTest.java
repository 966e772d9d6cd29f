package dev.parley.net.qmux;

import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.CloseReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * qmux-01/02 record framing: several frames per WebSocket message, PADDING, QX_PING, the new transport
 * parameters and their checks, as a codec (with a seeded fuzz) and on the wire against a raw peer.
 */
@Timeout(60)
class QmuxRecordTest {
    private static final int FUZZ_CASES = Boolean.getBoolean("parley.long") ? 2_000_000 : 100_000;
    private static final TransportParameters GENEROUS = new TransportParameters(1 << 20, 1 << 16, 1 << 16, 1 << 16, 100, 100);

    private static byte[] encode(QmuxFrame... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (QmuxFrame f : frames) {
            ByteBuf b = QmuxFrameCodec.encode(ByteBufAllocator.DEFAULT, f);
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    private static List<QmuxFrame> record(byte[] bytes) {
        return QmuxFrameCodec.decodeRecord(Unpooled.wrappedBuffer(bytes));
    }

    private static List<QmuxFrame> recordHex(String hex) {
        return record(HexFormat.of().parseHex(hex));
    }

    @Test
    void aRecordCarriesSeveralFramesAndPadding() {
        byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
        List<QmuxFrame> frames = List.of(new QmuxFrame.MaxData(99), new QmuxFrame.Stream(4, 0, data, true),
                new QmuxFrame.Ping(false, 7), new QmuxFrame.Ping(true, 7), new QmuxFrame.StopSending(2, 3));
        byte[] wire = encode(frames.toArray(QmuxFrame[]::new));
        assertThat(record(wire)).isEqualTo(frames);
        // PADDING anywhere (leading, between, trailing) is dropped
        byte[] padded = new byte[wire.length + 5];
        System.arraycopy(wire, 0, padded, 2, wire.length);
        assertThat(record(padded)).isEqualTo(frames);
        // QX_PING as the Rust and JavaScript implementations write it: an 8-byte varint type, then the sequence
        assertThat(HexFormat.of().formatHex(encode(new QmuxFrame.Ping(false, 1)))).isEqualTo("f48c67529ef8c7bd01");
        assertThat(HexFormat.of().formatHex(encode(new QmuxFrame.Ping(true, 1)))).isEqualTo("f48c67529ef8c7be01");
        // STREAM without LEN runs to the end of the record; APPLICATION_CLOSE without a frame type (RFC 9000)
        assertThat(recordHex("0904616263")).containsExactly(new QmuxFrame.Stream(4, 0, "abc".getBytes(StandardCharsets.US_ASCII), true));
        assertThat(recordHex("1d05026869100a")).containsExactly(new QmuxFrame.ConnectionClose(5, 0, "hi", true),
                new QmuxFrame.MaxData(10));
        assertThat(recordHex("")).isEmpty();
        // RESET_STREAM_AT and DATAGRAM decode (the connection refuses them: Parley advertises neither)
        assertThat(recordHex("2404010503")).containsExactly(new QmuxFrame.ResetStreamAt(4, 1, 5, 3));
        assertThat(recordHex("3103aabbcc1005")).containsExactly(new QmuxFrame.Datagram(3), new QmuxFrame.MaxData(5));
    }

    @Test
    void badRecordsAndParametersAreRefused() {
        assertThatThrownBy(() -> record(new byte[QmuxFrame.DEFAULT_MAX_RECORD_SIZE + 1]))
                .isInstanceOf(QmuxProtocolException.class).hasMessageContaining("max_record_size 16382");
        assertThatThrownBy(() -> recordHex("2404010305")).isInstanceOf(QmuxProtocolException.class)
                .hasMessageContaining("reliable size 5 above the final size 3");
        assertThatThrownBy(() -> recordHex("3105aabb")).isInstanceOf(QmuxProtocolException.class);
        assertThatThrownBy(() -> recordHex("1c0500")).isInstanceOf(QmuxProtocolException.class);
        // qmux-00 knows none of the record-only frames
        assertThatThrownBy(() -> QmuxFrameCodec.decode(Unpooled.wrappedBuffer(encode(new QmuxFrame.Ping(false, 1)))))
                .isInstanceOf(QmuxProtocolException.class).hasMessageContaining("unknown frame type");
        assertThatThrownBy(() -> QmuxFrameCodec.decode(Unpooled.wrappedBuffer(HexFormat.of().parseHex("00"))))
                .isInstanceOf(QmuxProtocolException.class);
        // parameters: max_record_size below the minimum, a repeat, application_protocols, a forbidden QUIC id
        assertThatThrownBy(() -> recordHex(params("c571c59429cd0845" + "04" + "80003ffd")))
                .isInstanceOfSatisfying(QmuxProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(QmuxProtocolException.TRANSPORT_PARAMETER_ERROR))
                .hasMessageContaining("max_record_size 16381 below the minimum");
        assertThatThrownBy(() -> recordHex(params("040105" + "040106"))).hasMessageContaining("repeated");
        assertThatThrownBy(() -> recordHex(params("fd4f9c2a8b1e6075" + "00"))).hasMessageContaining("application_protocols");
        assertThatThrownBy(() -> recordHex(params("0c0100"))).hasMessageContaining("not allowed");
        assertThatThrownBy(() -> recordHex(params("1d0100"))).hasMessageContaining("reset_stream_at must be empty");
        // what the JavaScript qmux 0.3.3 sends on qmux-02: idle timeout, datagram size, max_record_size, reset_stream_at
        List<QmuxFrame> ok = recordHex(params("010480007530" + "040480100000" + "08024064" + "2002" + "7ffe"
                + "c571c59429cd0845" + "04" + "80003ffe" + "1d00" + "1f0103"));
        assertThat(ok).containsExactly(new QmuxFrame.Parameters(new TransportParameters(1 << 20, 0, 0, 0, 100, 0)));
    }

    private static String params(String body) {
        int len = body.length() / 2;
        return "ff5153300d0a0d0a" + HexFormat.of().toHexDigits((byte) len) + body;
    }

    /** Random records of valid frames round-trip; mutated ones decode or fail with a protocol exception only. */
    @Test
    void recordFuzz() {
        Random rnd = new Random(1301);
        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < FUZZ_CASES; i++) {
            List<QmuxFrame> frames = new ArrayList<>();
            int total = 0;
            for (int n = 1 + rnd.nextInt(4); n > 0; n--) {
                QmuxFrame f = switch (rnd.nextInt(4)) {
                    case 0 -> new QmuxFrame.Ping(rnd.nextBoolean(), rnd.nextLong(1L << 40));
                    case 1 -> new QmuxFrame.ResetStreamAt(rnd.nextInt(1000), rnd.nextInt(100), 50 + rnd.nextInt(50), rnd.nextInt(50));
                    default -> {
                        QmuxFrame r = QmuxFrameCodecTest.randomFrame(rnd);
                        yield r instanceof QmuxFrame.Stream s && s.data().length > 200
                                ? new QmuxFrame.Stream(s.streamId(), s.offset(), java.util.Arrays.copyOf(s.data(), 200), s.fin()) : r;
                    }
                };
                if (f instanceof QmuxFrame.ConnectionClose c) {
                    f = new QmuxFrame.ConnectionClose(c.code(), c.frameType(), c.reason(), false); // always sent as 0x1c
                }
                frames.add(f);
                total += encode(f).length;
            }
            byte[] wire = encode(frames.toArray(QmuxFrame[]::new));
            assertThat(total).isEqualTo(wire.length);
            int mutations = rnd.nextInt(3);
            if (mutations == 0) {
                assertThat(record(wire)).as("case %d", i).isEqualTo(frames);
                decoded++;
                continue;
            }
            for (int m = 0; m < mutations && wire.length > 0; m++) {
                switch (rnd.nextInt(3)) {
                    case 0 -> wire[rnd.nextInt(wire.length)] = (byte) rnd.nextInt(256);
                    case 1 -> wire = java.util.Arrays.copyOf(wire, rnd.nextInt(wire.length));
                    default -> wire = java.util.Arrays.copyOf(wire, wire.length + 1 + rnd.nextInt(4));
                }
            }
            try {
                record(wire);
                decoded++;
            } catch (QmuxProtocolException e) {
                rejected++;
                assertThat(e.getMessage()).isNotBlank();
            }
        }
        assertThat(decoded).isGreaterThan(FUZZ_CASES / 10);
        assertThat(rejected).isGreaterThan(FUZZ_CASES / 20);
    }

    /** A raw qmux-02 peer: records with several frames are read, QX_PING is answered with its sequence. */
    @Test
    void qmux02PeerIsAnsweredRecordByRecord() throws Exception {
        try (var t = new QmuxTestSupport();
             RawWsPeer peer = new RawWsPeer(URI.create(t.url("/")), "qmux-02.moq-lite-03")) {
            assertThat(peer.subprotocol()).isEqualTo("qmux-02.moq-lite-03");
            assertThat(peer.nextRecord(10)).containsExactly(new QmuxFrame.Parameters(QmuxConfig.defaults().local()));
            byte[] hello = "hello over records".getBytes(StandardCharsets.UTF_8);
            peer.sendRecord(new QmuxFrame.Parameters(GENEROUS), new QmuxFrame.Ping(false, 0),
                    new QmuxFrame.Stream(0, 0, hello, true));
            QmuxConnection s = t.nextAccepted();
            assertThat(s.wireFormat()).isEqualTo(QmuxWireFormat.QMUX_02);
            assertThat(s.protocol()).isEqualTo("moq-lite-03");
            BidiStream bidi = s.acceptBidi();
            assertThat(QmuxTestSupport.readAll(bidi.recv())).isEqualTo(hello);
            List<QmuxFrame> got = new ArrayList<>();
            while (!got.contains(new QmuxFrame.Ping(true, 0))) {
                List<QmuxFrame> r = peer.nextRecord(10);
                assertThat(r).as("frames so far %s", got).isNotNull();
                got.addAll(r);
            }
            // qmux-02: a ping sequence that does not increase is a protocol violation
            peer.sendRecord(new QmuxFrame.Ping(false, 0));
            assertThat(s.closed().get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(CloseReason.TransportError.class,
                    r -> assertThat(r.message()).contains("QX_PING sequence 0 after 0"));
        }
    }

    /** qmux-01 refuses datagrams and RESET_STREAM_AT (neither advertised) with a reason. */
    @Test
    void unadvertisedFramesCloseTheConnection() throws Exception {
        try (var t = new QmuxTestSupport()) {
            for (QmuxFrame bad : List.of(new QmuxFrame.Datagram(4), new QmuxFrame.ResetStreamAt(0, 1, 0, 0))) {
                try (RawWsPeer peer = new RawWsPeer(URI.create(t.url("/")), "qmux-01.moq-lite-04")) {
                    assertThat(peer.nextRecord(10)).hasSize(1);
                    peer.sendRecord(new QmuxFrame.Parameters(GENEROUS), bad);
                    QmuxConnection s = t.nextAccepted();
                    assertThat(s.wireFormat()).isEqualTo(QmuxWireFormat.QMUX_01);
                    assertThat(s.closed().get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(CloseReason.TransportError.class,
                            r -> assertThat(r.message()).containsAnyOf("did not advertise reset_stream_at", "advertised no max_datagram_frame_size"));
                }
            }
        }
    }

    /** Parley to Parley settles on the newest wire format and app protocol; a bare qmux-02 is accepted too. */
    @Test
    void parleyToParleyUsesQmux02() throws Exception {
        try (var t = new QmuxTestSupport()) {
            QmuxConnection c = t.connect();
            QmuxConnection s = t.nextAccepted();
            assertThat(c.wireFormat()).isEqualTo(QmuxWireFormat.QMUX_02);
            assertThat(s.wireFormat()).isEqualTo(QmuxWireFormat.QMUX_02);
            assertThat(c.protocol()).isEqualTo("moq-lite-05");
            // a 100 KB stream crosses as several records within the flow-control windows
            byte[] big = new byte[100_000];
            new Random(5).nextBytes(big);
            var out = c.openUni();
            out.write(big);
            out.finish();
            assertThat(QmuxTestSupport.readAll(s.acceptUni())).isEqualTo(big);
            c.close(0, "done");
        }
        try (var t = new QmuxTestSupport(); RawWsPeer bare = new RawWsPeer(URI.create(t.url("/")), "qmux-02")) {
            assertThat(bare.subprotocol()).isEqualTo("qmux-02");
            assertThat(bare.nextRecord(10)).hasSize(1);
            bare.sendRecord(new QmuxFrame.Parameters(GENEROUS));
            QmuxConnection s = t.nextAccepted();
            assertThat(s.protocol()).isEmpty();
            assertThat(s.wireFormat()).isEqualTo(QmuxWireFormat.QMUX_02);
        }
    }
}
