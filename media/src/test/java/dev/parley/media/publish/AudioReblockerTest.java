package dev.parley.media.publish;

import dev.parley.media.frame.AudioBlock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AudioReblockerTest {
    static final long T0 = 1_000_000_000L;

    static AudioBlock block(int frames, int channels, long micros, int firstValue) {
        short[] s = new short[frames * channels];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (firstValue + i);
        }
        return new AudioBlock(s, 48_000, channels, micros);
    }

    @Test
    void tenMillisecondBlocksMakeTwentyMillisecondPacketsStampedAtTheirFirstSample() {
        AudioReblocker r = new AudioReblocker(960);
        assertThat(r.add(block(480, 1, T0, 0))).isEmpty();
        List<AudioBlock> out = r.add(block(480, 1, T0 + 10_000, 480));
        assertThat(out).hasSize(1);
        assertThat(out.getFirst().captureMicros()).isEqualTo(T0);
        assertThat(out.getFirst().frames()).isEqualTo(960);
        for (int i = 0; i < 960; i++) {
            assertThat(out.getFirst().samples()[i]).isEqualTo((short) i); // in order, nothing lost or repeated
        }
        assertThat(r.add(block(480, 1, T0 + 20_000, 960))).isEmpty();
        assertThat(r.add(block(480, 1, T0 + 30_000, 1440)).getFirst().captureMicros()).isEqualTo(T0 + 20_000);
    }

    @Test
    void aTwentyMillisecondBlockMakesTwoTenMillisecondPackets() {
        AudioReblocker r = new AudioReblocker(480);
        List<AudioBlock> out = r.add(block(960, 2, T0, 0));
        assertThat(out).extracting(AudioBlock::captureMicros).containsExactly(T0, T0 + 10_000);
        assertThat(out).allSatisfy(b -> assertThat(b.frames()).isEqualTo(480));
        assertThat(out.get(1).samples()[0]).isEqualTo((short) 960); // interleaved stereo: 480 frames = 960 samples
    }

    @Test
    void packetSizedBlocksPassThroughAndUnevenOnesCarryTheRemainder() {
        AudioReblocker r = new AudioReblocker(480);
        AudioBlock b = block(480, 1, T0, 0);
        assertThat(r.add(b)).containsExactly(b);
        // 15 ms blocks: 10 ms out of the first, the 5 ms rest starts the next packet at T0 + 20 ms
        r = new AudioReblocker(480);
        List<AudioBlock> out = new ArrayList<>(r.add(block(720, 1, T0 + 10_000, 0)));
        out.addAll(r.add(block(720, 1, T0 + 25_000, 720)));
        assertThat(out).extracting(AudioBlock::captureMicros).containsExactly(T0 + 10_000, T0 + 20_000, T0 + 30_000);
        assertThat(out.get(1).samples()[0]).isEqualTo((short) 480);
    }

    @Test
    void aFormatChangeDropsWhatWasPending() {
        AudioReblocker r = new AudioReblocker(960);
        assertThat(r.add(block(480, 1, T0, 0))).isEmpty();
        assertThat(r.add(block(480, 2, T0 + 10_000, 0))).isEmpty(); // never a packet of mono and stereo
        assertThat(r.add(block(480, 2, T0 + 20_000, 960)).getFirst().captureMicros()).isEqualTo(T0 + 10_000);
        assertThatThrownBy(() -> new AudioReblocker(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
