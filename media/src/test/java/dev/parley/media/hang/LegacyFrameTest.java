package dev.parley.media.hang;

import dev.parley.media.MediaException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LegacyFrameTest {
    @Test
    void varintBoundariesRoundTrip() {
        long[] values = {0, 63, 64, 16383, 16384, (1L << 30) - 1, 1L << 30, 1_763_680_000_123_456L, (1L << 62) - 1};
        int[] lengths = {1, 1, 2, 2, 4, 4, 8, 8, 8};
        for (int i = 0; i < values.length; i++) {
            byte[] enc = new LegacyFrame(values[i], new byte[]{9, 8}).encode();
            assertThat(enc.length).isEqualTo(lengths[i] + 2);
            LegacyFrame back = LegacyFrame.decode(enc);
            assertThat(back.timestampMicros()).isEqualTo(values[i]);
            assertThat(back.payload()).containsExactly(9, 8);
        }
    }

    @Test
    void knownEncoding() {
        // 16384 µs = 2-byte varint? no: 16384 needs 4 bytes: 0x80 0x00 0x40 0x00
        assertThat(new LegacyFrame(16384, new byte[]{1}).encode()).containsExactly(0x80, 0x00, 0x40, 0x00, 1);
        assertThat(new LegacyFrame(37, new byte[0]).encode()).containsExactly(37);
    }

    @Test
    void truncatedFramesAreRejected() {
        assertThatThrownBy(() -> LegacyFrame.decode(new byte[0])).isInstanceOf(MediaException.class);
        assertThatThrownBy(() -> LegacyFrame.decode(new byte[]{(byte) 0xc0, 1, 2})).isInstanceOf(MediaException.class)
                .hasMessageContaining("shorter");
    }
}
