package dev.parley.media.stats;

import dev.parley.media.codec.EncodedAudio;
import dev.parley.media.codec.OpusDecoder;
import dev.parley.media.codec.OpusEncoder;
import dev.parley.media.frame.AudioBlock;
import dev.parley.media.source.TestToneSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

@Timeout(60)
class AudioLevelMeterTest {
    private static final short[] SILENCE = new short[960];

    private static void feed(AudioLevelMeter meter, TestToneSource tone, int blocks) {
        for (int i = 0; i < blocks; i++) {
            meter.measure(tone.generate(960), 48_000, 1);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.9, 0.5, 0.1, 0.01})
    void aToneOfKnownAmplitudeReadsItsDbfs(double amplitude) {
        AudioLevelMeter meter = new AudioLevelMeter();
        feed(meter, new TestToneSource(1000, amplitude), 10);
        AudioLevel l = meter.level();
        double peak = 20 * Math.log10(amplitude);
        assertThat(l.peakDbfs()).isCloseTo(peak, offset(1.0));
        assertThat(l.rmsDbfs()).as("a sine's RMS is 3 dB under its peak").isCloseTo(peak - 3.01, offset(1.0));
        assertThat(l.silent()).isFalse();
    }

    @Test
    void silenceReadsTheFloorAndSoDoesAnUnfedMeter() {
        assertThat(new AudioLevelMeter().level()).isEqualTo(AudioLevel.SILENT);
        AudioLevelMeter meter = new AudioLevelMeter();
        for (int i = 0; i < 10; i++) {
            meter.measure(SILENCE, 48_000, 1);
        }
        assertThat(meter.level().rmsDbfs()).isEqualTo(AudioLevel.FLOOR_DBFS);
        assertThat(meter.level().peakDbfs()).isEqualTo(AudioLevel.FLOOR_DBFS);
        assertThat(meter.level().silent()).isTrue();
    }

    @Test
    void attackIsShortAndReleaseFallsAtASteadyRate() {
        AudioLevelMeter meter = new AudioLevelMeter();
        meter.measure(SILENCE, 48_000, 1);
        TestToneSource tone = new TestToneSource(1000, 0.5);
        feed(meter, tone, 1);
        assertThat(meter.level().peakDbfs()).as("within 1.5 dB after one 20 ms block").isGreaterThan(-6.02 - 1.5);
        feed(meter, tone, 10);
        double steady = meter.level().rmsDbfs();
        for (int i = 0; i < 10; i++) {
            meter.measure(SILENCE, 48_000, 1);
        }
        // 200 ms of silence = one release time constant = 8.7 dB on a linear amplitude
        assertThat(steady - meter.level().rmsDbfs()).isCloseTo(8.69, offset(1.0));
        for (int i = 0; i < 90; i++) {
            meter.measure(SILENCE, 48_000, 1);
        }
        assertThat(meter.level().silent()).as("at the floor within 2 s").isTrue();
    }

    @Test
    void stereoBlocksUseTheirRealDuration() {
        AudioLevelMeter meter = new AudioLevelMeter();
        short[] stereo = new short[1920];
        short[] mono = new TestToneSource(1000, 0.5).generate(960);
        for (int i = 0; i < 960; i++) {
            stereo[2 * i] = mono[i];
            stereo[2 * i + 1] = mono[i];
        }
        meter.measure(stereo, 48_000, 2);
        assertThat(meter.level().rmsDbfs()).isCloseTo(-9.03, offset(1.5));
    }

    @Test
    void aMeterNoLongerFedReadsSilentSoon() throws InterruptedException {
        AudioLevelMeter meter = new AudioLevelMeter();
        feed(meter, new TestToneSource(1000, 0.5), 5);
        assertThat(meter.level().silent()).isFalse();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!meter.level().silent() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(meter.level()).isEqualTo(AudioLevel.SILENT);
    }

    @Test
    void measuringAllocatesNothingPerBlock() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        AudioLevelMeter meter = new AudioLevelMeter();
        short[] block = new TestToneSource(1000, 0.5).generate(960);
        for (int i = 0; i < 20_000; i++) {
            meter.measure(block, 48_000, 1); // warm up: let the JIT compile it
        }
        long id = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 10_000; i++) {
            meter.measure(block, 48_000, 1);
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertThat(allocated).as("bytes allocated over 10,000 blocks").isLessThan(10_000);
    }

    @Test
    void throughLibopusTheLevelFollowsToneAndSilence() {
        TestToneSource tone = new TestToneSource(1000, 0.3);
        AudioLevelMeter meter = new AudioLevelMeter();
        try (OpusEncoder enc = new OpusEncoder(1, 32_000); OpusDecoder dec = new OpusDecoder(1)) {
            for (int i = 0; i < 50; i++) {
                for (EncodedAudio p : enc.encode(new AudioBlock(tone.generate(960), 48_000, 1, i * 20_000L))) {
                    meter.measure(dec.decode(p.data()), 48_000, 1);
                }
            }
            AudioLevel loud = meter.level();
            assertThat(loud.rmsDbfs()).as("0.3 sine = -13.5 dBFS RMS after the codec").isCloseTo(-13.5, offset(1.5));
            assertThat(loud.peakDbfs()).isCloseTo(-10.5, offset(2.0));
            for (int i = 50; i < 150; i++) {
                for (EncodedAudio p : enc.encode(new AudioBlock(new short[960], 48_000, 1, i * 20_000L))) {
                    meter.measure(dec.decode(p.data()), 48_000, 1);
                }
            }
            assertThat(meter.level().rmsDbfs()).as("2 s of decoded silence").isLessThan(-80);
            for (int i = 150; i < 160; i++) {
                for (EncodedAudio p : enc.encode(new AudioBlock(tone.generate(960), 48_000, 1, i * 20_000L))) {
                    meter.measure(dec.decode(p.data()), 48_000, 1);
                }
            }
            assertThat(meter.level().rmsDbfs()).as("the tone again").isCloseTo(-13.5, offset(1.5));
        }
    }
}
