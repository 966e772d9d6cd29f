package dev.parley.media.codec;

import dev.parley.media.frame.AudioBlock;
import dev.parley.media.source.TestToneSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Real libopus encode → decode of a 1 kHz tone. */
@Timeout(60)
public class AudioRoundTripTest {

    public static double frequencyByZeroCrossings(short[] pcm, int sampleRate) {
        int crossings = 0;
        for (int i = 1; i < pcm.length; i++) {
            if ((pcm[i - 1] < 0) != (pcm[i] < 0)) {
                crossings++;
            }
        }
        return crossings / 2.0 / ((double) pcm.length / sampleRate);
    }

    /**
     * The pitch of a tone from the median length of its periods (rising zero crossings, interpolated
     * between samples): unlike counting crossings, one concealed or silent frame does not move it.
     */
    public static double frequencyByMedianPeriod(short[] pcm, int sampleRate) {
        java.util.List<Double> rises = new java.util.ArrayList<>();
        for (int i = 1; i < pcm.length; i++) {
            if (pcm[i - 1] < 0 && pcm[i] >= 0) {
                rises.add(i - 1 + (double) -pcm[i - 1] / (pcm[i] - pcm[i - 1]));
            }
        }
        double[] periods = new double[Math.max(0, rises.size() - 1)];
        for (int i = 1; i < rises.size(); i++) {
            periods[i - 1] = rises.get(i) - rises.get(i - 1);
        }
        if (periods.length == 0) {
            return 0;
        }
        java.util.Arrays.sort(periods);
        return sampleRate / periods[periods.length / 2];
    }

    static double rms(short[] pcm) {
        double s = 0;
        for (short v : pcm) {
            s += v * (double) v;
        }
        return Math.sqrt(s / pcm.length);
    }

    @Test
    void oneKilohertzToneComesBackAtOneKilohertz() {
        TestToneSource tone = new TestToneSource(1000, 0.3);
        short[] decoded = new short[0];
        try (OpusEncoder enc = new OpusEncoder(1, 32_000); OpusDecoder dec = new OpusDecoder(1)) {
            assertThat(enc.unusedOptions()).as("libopus accepted voip, 20 ms, fec, packet_loss").isEmpty();
            for (int i = 0; i < 75; i++) {
                AudioBlock b = new AudioBlock(tone.generate(960), 48_000, 1, i * 20_000L);
                for (EncodedAudio packet : enc.encode(b)) {
                    assertThat(packet.data().length).isBetween(3, 400);
                    short[] pcm = dec.decode(packet.data());
                    assertThat(pcm).hasSize(960);
                    decoded = concat(decoded, pcm);
                }
            }
            short[] steady = Arrays.copyOfRange(decoded, 48_000 / 10, decoded.length);
            assertThat(frequencyByZeroCrossings(steady, 48_000)).isCloseTo(1000.0, org.assertj.core.data.Offset.offset(5.0));
            assertThat(rms(steady)).as("level survives").isGreaterThan(0.3 * 32767 * 0.707 * 0.7);

            short[] concealed = dec.conceal();
            assertThat(concealed).as("PLC yields one 20 ms frame").hasSize(960);
            assertThat(dec.concealed()).isEqualTo(1);
            assertThat(frequencyByZeroCrossings(concealed, 48_000)).as("PLC continues the tone")
                    .isBetween(800.0, 1200.0);
        }
    }

    private static short[] concat(short[] a, short[] b) {
        short[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
