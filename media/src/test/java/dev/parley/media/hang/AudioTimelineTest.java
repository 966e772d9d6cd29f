package dev.parley.media.hang;

import dev.parley.media.MediaException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AudioTimelineTest {

    @Test
    void jitteredAndBurstyCaptureTimesBecomeAGaplessTimeline() {
        AudioTimeline t = new AudioTimeline();
        // read times with ±3 ms jitter, then an 82 ms stall and a burst of four reads 1 ms apart
        long[] read = {1_000_000, 1_022_200, 1_037_700, 1_060_000, 1_142_000, 1_143_000, 1_144_000, 1_145_000, 1_160_000};
        for (int i = 0; i < read.length; i++) {
            assertThat(t.stamp(read[i], 20_000)).isEqualTo(1_000_000 + 20_000L * i);
        }
        assertThat(t.resyncs()).isZero();
    }

    @Test
    void resyncsToTheCaptureClockWhenSamplesWereReallyLost() {
        AudioTimeline t = new AudioTimeline();
        assertThat(t.stamp(5_000_000, 20_000)).isEqualTo(5_000_000);
        assertThat(t.stamp(5_020_000, 20_000)).isEqualTo(5_020_000);
        // the source restarted half a second later
        assertThat(t.stamp(5_540_000, 20_000)).isEqualTo(5_540_000);
        assertThat(t.stamp(5_561_000, 20_000)).isEqualTo(5_560_000);
        // and a clock that ran backwards beyond the limit also resyncs
        assertThat(t.stamp(5_400_000, 20_000)).isEqualTo(5_400_000);
        assertThat(t.resyncs()).isEqualTo(2);
    }

    @Test
    void opusPacketDurationComesFromItsTocByte() {
        assertThat(OpusPacket.durationMicros(new byte[]{(byte) (15 << 3), 1, 2})).isEqualTo(20_000); // hybrid FB 20 ms
        assertThat(OpusPacket.durationMicros(new byte[]{(byte) (31 << 3 | 4)})).isEqualTo(20_000); // CELT FB 20 ms, stereo
        assertThat(OpusPacket.durationMicros(new byte[]{(byte) (3 << 3 | 1)})).isEqualTo(120_000); // SILK 60 ms × 2
        assertThat(OpusPacket.durationMicros(new byte[]{(byte) (16 << 3 | 3), 5})).isEqualTo(12_500); // CELT 2.5 ms × 5
        assertThatThrownBy(() -> OpusPacket.durationMicros(new byte[0])).isInstanceOf(MediaException.class);
        assertThatThrownBy(() -> OpusPacket.durationMicros(new byte[]{(byte) 3})).isInstanceOf(MediaException.class);
    }
}
