package dev.parley.net.moq.wire;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VarIntTest {
    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "0, 00",
            "63, 3f",
            "64, 4040",
            "16383, 7fff",
            "16384, 80004000",
            "1073741823, bfffffff",
            "1073741824, c000000040000000",
            "4611686018427387903, ffffffffffffffff",
            "151288809941952652, c2197c5eff14e88c",
            "494878333, 9d7f3e7d",
            "15293, 7bbd",
            "37, 25",
    })
    void encodesMinimallyAndRoundTrips(long value, String hex) {
        byte[] encoded = new WireWriter().varint(value).toByteArray();
        assertThat(HEX.formatHex(encoded)).isEqualTo(hex);
        assertThat(VarInt.size(value)).isEqualTo(encoded.length);
        WireReader r = new WireReader(encoded);
        assertThat(r.varint()).isEqualTo(value);
        r.expectEnd();
        // the whole-integer form the QMux codec writes and reads through a ByteBuf is the same bytes
        long raw = 0;
        for (byte b : encoded) {
            raw = (raw << 8) | (b & 0xff);
        }
        assertThat(VarInt.tagged(value)).isEqualTo(raw);
        assertThat(VarInt.untag(raw, encoded.length)).isEqualTo(value);
    }

    @ParameterizedTest(name = "non-minimal {0} = {1}")
    @CsvSource({
            "4025, 37",          // RFC 9000 A.1: 37 in two bytes
            "c000000000000025, 37",
            "c0000000ff0dad02, 4279086338", // what the JS client writes for version codes
            "80000000, 0",
            "c000000000003fff, 16383",
    })
    void acceptsNonMinimalForms(String hex, long value) {
        WireReader r = new WireReader(HEX.parseHex(hex));
        assertThat(r.varint()).isEqualTo(value);
        r.expectEnd();
    }

    @Test
    void rejectsValuesBeyondTheRange() {
        assertThatThrownBy(() -> new WireWriter().varint(VarInt.MAX + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WireWriter().varint(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void truncatedVarintIsShort() {
        for (String hex : new String[]{"40", "80ff", "c0000000ff0dad"}) {
            assertThatThrownBy(() -> new WireReader(HEX.parseHex(hex)).varint())
                    .isInstanceOf(DecodeException.class)
                    .satisfies(e -> assertThat(((DecodeException) e).kind()).isEqualTo(DecodeException.Kind.SHORT));
        }
    }
}
