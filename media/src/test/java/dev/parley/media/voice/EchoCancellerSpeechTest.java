package dev.parley.media.voice;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The echo canceller on real speech with a simulated room: espeak-ng speech as the far end (what
 * Parley plays) and as the near-end talker; the microphone hears the far end through an echo path
 * (a delay, a low-pass filter for the speaker and the room, a gain) plus the near end. 7 s of far-end
 * speech alone, then 5 s of double talk. Measured: echo return loss enhancement over the far-end-only
 * part after 2 s of convergence, and how well the near-end talker survives the double talk.
 */
class EchoCancellerSpeechTest {
    private static final int RATE = 48_000;
    private static final int N = EchoCanceller.FRAME_SAMPLES;

    @ParameterizedTest(name = "echo delay {0} ms, low-pass {1}, gain {2}")
    @CsvSource({"30, 0.5, 0.5", "120, 0.7, 0.6", "200, 0.6, 0.5"})
    void removesTheEchoOfSpeechAndKeepsTheNearEndTalker(int delayMs, double lowPass, double gain) throws Exception {
        float[] farVoice = Speech.say("en-us", 50,
                "The quick brown fox jumps over the lazy dog. Parley calls should work without a headset on laptop speakers.");
        float[] nearVoice = Speech.say("en+f3", 70,
                "Echo cancellation keeps my own voice clear while you are talking at the same time.");
        Optional<EchoCanceller> created = EchoCanceller.create();
        Assumptions.assumeTrue(created.isPresent(), () -> "webrtc-java did not load: " + EchoCanceller.loadFailure());

        int total = 12 * RATE;
        int doubleTalkFrom = 7 * RATE;
        float[] far = new float[total];
        float[] near = new float[total];
        for (int i = 0; i < total; i++) {
            far[i] = 0.5f * farVoice[i % farVoice.length];
        }
        for (int i = doubleTalkFrom; i < total; i++) {
            int j = i - doubleTalkFrom;
            near[i] = j < nearVoice.length ? 0.5f * nearVoice[j] : 0;
        }
        // the echo path: delay, a one-pole low-pass (small speaker, absorbing room), gain
        float[] echo = new float[total];
        int delay = delayMs * RATE / 1000;
        float state = 0;
        for (int i = 0; i < total; i++) {
            float x = i >= delay ? far[i - delay] : 0;
            state += (float) ((1 - lowPass) * (x - state));
            echo[i] = (float) (gain * state);
        }
        java.util.Random noise = new java.util.Random(1);
        float[] mic = new float[total];
        for (int i = 0; i < total; i++) {
            mic[i] = echo[i] + near[i] + (float) (noise.nextGaussian() * 1e-4); // -80 dBFS floor
        }

        float[] out = new float[total];
        try (EchoCanceller aec = created.get()) {
            short[] farFrame = new short[N];
            short[] micFrame = new short[N];
            EchoMeter meter = new EchoMeter();
            double meterAtDoubleTalk = Double.NaN;
            for (int f = 0; f + N <= total; f += N) {
                for (int i = 0; i < N; i++) {
                    farFrame[i] = pcm(far[f + i]);
                    micFrame[i] = pcm(mic[f + i]);
                }
                short[] before = micFrame.clone();
                aec.render(farFrame);
                aec.capture(micFrame, 0);
                meter.frame(farFrame, before, micFrame);
                if (f + N > doubleTalkFrom && Double.isNaN(meterAtDoubleTalk)) {
                    meterAtDoubleTalk = meter.reductionDb();
                }
                for (int i = 0; i < N; i++) {
                    out[f + i] = micFrame[i] / 32768f;
                }
            }
            // far-end-only after convergence: frames where the echo is clearly present
            double echoEnergy = 0, residual = 0;
            for (int f = 2 * RATE; f + N <= doubleTalkFrom; f += N) {
                double e = energy(mic, f, N);
                if (e / N > 1e-5) { // echo above -50 dBFS in this frame
                    echoEnergy += e;
                    residual += energy(out, f, N);
                }
            }
            double erle = 10 * Math.log10(echoEnergy / Math.max(residual, 1e-12));
            double correlation = bestCorrelation(out, near, doubleTalkFrom, Math.min(total, doubleTalkFrom + nearVoice.length));
            System.out.printf("AEC (delay %d ms, low-pass %.1f, gain %.1f): ERLE far-end only %.1f dB after 2 s; double talk: "
                            + "correlation with the clean near end %.3f; overlay estimate %.1f dB%n",
                    delayMs, lowPass, gain, erle, correlation, meterAtDoubleTalk);
            assertThat(erle).as("echo return loss enhancement, dB").isGreaterThanOrEqualTo(20);
            assertThat(meterAtDoubleTalk).as("the overlay's estimate sees the echo removed").isGreaterThan(15);
            assertThat(correlation).as("near-end talker preserved during double talk").isGreaterThanOrEqualTo(0.8);
        }
    }

    private static short pcm(float v) {
        return (short) Math.clamp(Math.round(v * 32767), Short.MIN_VALUE, Short.MAX_VALUE);
    }

    private static double energy(float[] s, int from, int n) {
        double e = 0;
        for (int i = from; i < from + n; i++) {
            e += (double) s[i] * s[i];
        }
        return e;
    }

    /** Normalised correlation of {@code a} with {@code b} over [from, to), best over lags of ±40 ms (the module delays its output by about 15 ms). */
    private static double bestCorrelation(float[] a, float[] b, int from, int to) {
        double best = -1;
        for (int lag = -1920; lag <= 1920; lag += 8) {
            double ab = 0, aa = 0, bb = 0;
            for (int i = from; i < to; i++) {
                int j = i - lag;
                if (j < 0 || j >= b.length || i >= a.length) {
                    continue;
                }
                ab += (double) a[i] * b[j];
                aa += (double) a[i] * a[i];
                bb += (double) b[j] * b[j];
            }
            best = Math.max(best, ab / Math.sqrt(aa * bb + 1e-30));
        }
        return best;
    }
}
