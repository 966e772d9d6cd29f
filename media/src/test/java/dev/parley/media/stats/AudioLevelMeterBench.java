package dev.parley.media.stats;

import dev.parley.media.source.TestToneSource;

import java.util.Locale;

/**
 * Prints the cost of metering one 20 ms block (960 mono samples, what the audio threads do per
 * block) and of one UI read, after warm-up. Run: {@code java -cp <test classpath> dev.parley.media.stats.AudioLevelMeterBench}.
 */
public final class AudioLevelMeterBench {
    private AudioLevelMeterBench() {
    }

    public static void main(String[] args) {
        AudioLevelMeter meter = new AudioLevelMeter();
        short[] block = new TestToneSource(1000, 0.3).generate(960);
        double sink = 0;
        for (int round = 0; round < 5; round++) {
            int n = 200_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                meter.measure(block, 48_000, 1);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += meter.level().rmsDbfs();
            }
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "round %d: measure %.0f ns/block (%.4f %% of a 20 ms block), read %.0f ns%n",
                    round, (t1 - t0) / (double) n, (t1 - t0) / (double) n / 20e6 * 100, (t2 - t1) / (double) n);
        }
        System.out.println(sink < 0 ? "" : " ");
    }
}
