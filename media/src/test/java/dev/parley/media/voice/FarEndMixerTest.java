package dev.parley.media.voice;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FarEndMixerTest {
    private static final long MS = 1_000_000L;

    private static short[] block(int value) {
        short[] s = new short[960];
        Arrays.fill(s, (short) value);
        return s;
    }

    @Test
    void twoPlayoutsAreSummedOnOneTimelineWithSilenceWhereNothingPlayed() {
        FarEndMixer mixer = new FarEndMixer();
        Object a = new Object();
        Object b = new Object();
        assertThat(mixer.drain(1000 * MS)).hasSize(1); // first drain starts the timeline (silence)
        mixer.add(a, block(100), 1000 * MS);
        mixer.add(b, block(20), 1003 * MS); // same slot, a little later
        mixer.add(a, block(100), 1020 * MS);
        List<short[]> out = mixer.drain(1060 * MS);
        // 10 ms slots 98..103 (up to 30 ms before now) handed out; 98 and 99 had nothing playing
        assertThat(out).hasSize(6);
        assertThat(out.get(0)[0]).as("nothing played: silence").isZero();
        assertThat(out.get(1)[0]).isZero();
        assertThat(out.get(2)[0]).as("both playouts summed").isEqualTo((short) 120);
        assertThat(out.get(3)[0]).isEqualTo((short) 120);
        assertThat(out.get(4)[0]).isEqualTo((short) 100);
        assertThat(out.get(5)[0]).isEqualTo((short) 100);
        assertThat(mixer.drain(1060 * MS)).as("nothing new").isEmpty();
    }

    @Test
    void sumsClipInsteadOfWrappingAndAStalledSourceReanchors() {
        FarEndMixer mixer = new FarEndMixer();
        Object a = new Object();
        Object b = new Object();
        mixer.drain(990 * MS);
        mixer.add(a, block(30_000), 1000 * MS);
        mixer.add(b, block(30_000), 1000 * MS);
        List<short[]> out = mixer.drain(1050 * MS);
        assertThat(out).anyMatch(f -> f[0] == Short.MAX_VALUE);
        // a source that stalled for a second starts again at the current slot, not a second behind
        mixer.add(a, block(7), 2000 * MS);
        List<short[]> later = mixer.drain(2050 * MS);
        assertThat(later).hasSizeLessThanOrEqualTo(FarEndMixer.MAX_PENDING_SLOTS + 1);
        assertThat(later).filteredOn(f -> f[0] == 7).hasSize(2);
    }
}
