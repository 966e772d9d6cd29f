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
        // the first drain anchors: the two frames ending 3 slots (30 ms) before now, slots 96 and 97
        assertThat(mixer.drain(2, 1000 * MS)).hasSize(2).allMatch(f -> f[0] == 0);
        mixer.add(a, block(100), 1000 * MS); // slots 100, 101
        mixer.add(b, block(20), 1003 * MS); // the same slots, a little later
        mixer.add(a, block(100), 1020 * MS); // 102, 103
        List<short[]> out = mixer.drain(2, 1020 * MS); // 98, 99: nothing played then
        assertThat(out).hasSize(2).allMatch(f -> f[0] == 0);
        out = mixer.drain(2, 1040 * MS); // 100, 101
        assertThat(out).extracting(f -> f[0]).containsExactly((short) 120, (short) 120);
        out = mixer.drain(2, 1060 * MS); // 102, 103
        assertThat(out).extracting(f -> f[0]).containsExactly((short) 100, (short) 100);
        assertThat(mixer.reanchors()).isEqualTo(1);
    }

    @Test
    void drainsStayInLockstepWithTheMicrophoneWhateverTheScheduling() {
        FarEndMixer mixer = new FarEndMixer();
        Object a = new Object();
        mixer.drain(2, 1000 * MS); // anchor: slots 96, 97
        for (int i = 0; i < 3; i++) {
            mixer.add(a, block(i + 1), (1000 + 20L * i) * MS); // slots 100..105
        }
        // the microphone thread is late, then catches up in a burst: the reference still advances
        // exactly one 10 ms frame per microphone frame (slots 98..105 in order)
        List<short[]> late = mixer.drain(2, 1065 * MS);
        List<short[]> burst = mixer.drain(6, 1066 * MS);
        assertThat(late).extracting(f -> f[0]).containsExactly((short) 0, (short) 0);
        assertThat(burst).extracting(f -> f[0]).containsExactly((short) 1, (short) 1, (short) 2, (short) 2, (short) 3, (short) 3);
        assertThat(mixer.reanchors()).isEqualTo(1);
    }

    @Test
    void sumsClipInsteadOfWrappingAndAStallReanchors() {
        FarEndMixer mixer = new FarEndMixer();
        Object a = new Object();
        Object b = new Object();
        mixer.drain(2, 1020 * MS); // anchor: 98, 99
        mixer.add(a, block(30_000), 1000 * MS);
        mixer.add(b, block(30_000), 1000 * MS);
        assertThat(mixer.drain(2, 1040 * MS)).allMatch(f -> f[0] == Short.MAX_VALUE); // 100, 101
        // a second without microphone frames: the timeline re-anchors near now instead of replaying the past
        mixer.add(a, block(7), 2000 * MS); // slots 200, 201 (the source re-anchors too)
        List<short[]> later = mixer.drain(2, 2040 * MS); // 200, 201
        assertThat(later).extracting(f -> f[0]).containsExactly((short) 7, (short) 7);
        assertThat(mixer.reanchors()).isEqualTo(2);
    }
}
