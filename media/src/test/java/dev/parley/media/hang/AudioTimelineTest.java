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
    void jumpsForwardOnlyWhenEveryReadOfAWindowWasLate() {
        AudioTimeline t = new AudioTimeline();
        long read = 5_000_000;
        for (int i = 0; i < 10; i++, read += 20_000) {
            assertThat(t.stamp(read, 20_000)).isEqualTo(5_000_000 + 20_000L * i);
        }
        // 300 ms of samples lost: every later read is 300 ms behind the timeline; the window that
        // started before the loss still saw an on-time read, so the jump comes one window later
        read += 300_000;
        long previous = 5_000_000 + 20_000L * 9;
        long jumps = 0;
        for (int i = 0; i < 2 * AudioTimeline.WINDOW; i++, read += 20_000) {
            long ts = t.stamp(read, 20_000);
            if (ts - previous != 20_000) {
                jumps++;
                assertThat(ts - previous).as("one forward jump by the lost time").isEqualTo(320_000);
            }
            previous = ts;
        }
        assertThat(jumps).isEqualTo(1);
        assertThat(t.resyncs()).isEqualTo(1);
        assertThat(t.stamp(read, 20_000)).as("back on the read clock").isEqualTo(read);
    }

    @Test
    void stepsBackGraduallyWhenReadsComeBeforeTheirSamplesCouldExist() {
        AudioTimeline t = new AudioTimeline();
        assertThat(t.stamp(1_050_000, 20_000)).isEqualTo(1_050_000); // the first read was 40 ms late
        // later reads come 40 ms before the timeline: at most 10 ms back per packet, never backwards
        long read = 1_010_000;
        long previous = 1_050_000;
        for (int i = 0; i < 6; i++) {
            read += 20_000;
            long ts = t.stamp(read, 20_000);
            assertThat(ts - previous).isBetween(10_000L, 20_000L);
            previous = ts;
        }
        assertThat(previous - read).as("within the allowance again").isBetween(0L, AudioTimeline.AHEAD_MICROS);
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
