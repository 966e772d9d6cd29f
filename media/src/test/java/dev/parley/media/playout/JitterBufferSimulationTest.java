package dev.parley.media.playout;

import dev.parley.media.codec.EncodedAudio;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.IntToLongFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jitter buffer against simulated networks, in simulated time: a sender emits a 20 ms packet every
 * 20 ms (talk spurts of a second alternating with a second of silence), the network adds a base delay
 * plus per-packet jitter (reordering included), and a player pops once per 20 ms tick at an arbitrary
 * phase, skipping droppable packets only when they are silent, as {@code AudioPlayout} does.
 */
class JitterBufferSimulationTest {
    private static final long FRAME = 20_000; // µs
    private static final long BASE_DELAY = 35_000;

    record Outcome(double meanTargetMs, long ticks, long missing, long underruns, long skipped,
                   int lastTargetMs, double meanDepthMs, List<Integer> targets, List<Integer> depths) {
        double missingFraction() {
            return (double) missing / ticks;
        }
    }

    /** Runs {@code seconds} of simulated time; {@code jitterMicros} gives packet {@code k}'s extra delay. */
    static Outcome simulate(int seconds, IntToLongFunction jitterMicros) {
        return simulate(seconds, jitterMicros, true);
    }

    /** {@link #simulate(int, IntToLongFunction)}; without {@code spurts} every packet is sound (a test tone). */
    static Outcome simulate(int seconds, IntToLongFunction jitterMicros, boolean spurts) {
        int packets = seconds * 50;
        record Arrival(long atMicros, int seq) {}
        List<Arrival> arrivals = new ArrayList<>();
        for (int k = 0; k < packets; k++) {
            arrivals.add(new Arrival(BASE_DELAY + k * FRAME + jitterMicros.applyAsLong(k), k));
        }
        arrivals.sort(Comparator.comparingLong(Arrival::atMicros));
        JitterBuffer jb = new JitterBuffer();
        int next = 0;
        boolean started = false;
        long ticks = 0, missing = 0, skipped = 0, targetSum = 0, depthSum = 0;
        List<Integer> targets = new ArrayList<>();
        List<Integer> depths = new ArrayList<>();
        // the player ticks at its own phase (7 ms after the packet grid) until the sender's last packet is due
        for (long now = 7_000; now < BASE_DELAY + packets * FRAME; now += FRAME) {
            while (next < arrivals.size() && arrivals.get(next).atMicros() <= now) {
                int seq = arrivals.get(next++).seq();
                boolean silent = spurts && (seq / 50) % 2 == 1;
                jb.push(new EncodedAudio(new byte[]{(byte) (silent ? 0 : 1)}, seq * FRAME), (now - 1) * 1000);
            }
            JitterBuffer.Slot slot = jb.pop();
            while (slot instanceof JitterBuffer.Play p && p.droppable() && p.packet().data()[0] == 0) {
                jb.skipped();
                skipped++;
                slot = jb.pop();
            }
            if (slot instanceof JitterBuffer.Play) {
                started = true;
            }
            if (started) {
                ticks++;
                targetSum += jb.targetMillis();
                depthSum += jb.depthMillis();
                targets.add(jb.targetMillis());
                depths.add(jb.depthMillis());
                if (slot instanceof JitterBuffer.Lost || slot instanceof JitterBuffer.Recover || slot instanceof JitterBuffer.Silence) {
                    missing++;
                }
            }
        }
        return new Outcome((double) targetSum / ticks, ticks, missing, jb.underruns(), skipped, jb.targetMillis(),
                (double) depthSum / ticks, targets, depths);
    }

    @Test
    void aCleanLinkPlaysWithTwentyToThirtyMillisecondsAndNeverUnderruns() {
        Outcome o = simulate(60, k -> 0);
        System.out.printf("clean link, 60 s: mean target %.1f ms, mean depth %.1f ms, %d ticks, %d missing, %d underruns%n",
                o.meanTargetMs(), o.meanDepthMs(), o.ticks(), o.missing(), o.underruns());
        assertThat(o.ticks()).isGreaterThan(2900);
        assertThat(o.meanTargetMs()).isLessThanOrEqualTo(30);
        assertThat(o.lastTargetMs()).isEqualTo(JitterBuffer.MIN_TARGET_MS);
        assertThat(o.underruns()).isZero();
        assertThat(o.missing()).isZero();
    }

    @Test
    void jitterUpToEightyMillisecondsGrowsTheTargetAndKeepsUnderrunsBelowOnePercent() {
        Random random = new Random(16);
        long[] jitter = random.longs(3000, 0, 80_001).toArray();
        Outcome o = simulate(60, k -> jitter[k]);
        System.out.printf("0-80 ms jitter, 60 s: mean target %.1f ms, mean depth %.1f ms, %d ticks, %d missing (%.2f %%), %d underruns%n",
                o.meanTargetMs(), o.meanDepthMs(), o.ticks(), o.missing(), 100 * o.missingFraction(), o.underruns());
        assertThat(o.meanTargetMs()).isGreaterThan(70);
        assertThat(o.lastTargetMs()).isBetween(80, JitterBuffer.MAX_TARGET_MS);
        assertThat(o.missingFraction()).as("ticks with nothing to play").isLessThan(0.01);
    }

    @Test
    void theBufferShrinksBackOnSilenceOnceTheJitterIsGone() {
        Random random = new Random(7);
        long[] jitter = random.longs(3000, 0, 80_001).toArray();
        // 20 s of jitter, then 40 s clean
        Outcome o = simulate(60, k -> k < 1000 ? jitter[k] : 0);
        int late = o.targets().get(o.targets().size() - 1);
        double lastTenSeconds = o.targets().subList(o.targets().size() - 500, o.targets().size()).stream()
                .mapToInt(Integer::intValue).average().orElseThrow();
        System.out.printf("20 s jitter then 40 s clean: peak target %d ms, last 10 s mean target %.1f ms, %d silent frames skipped, %.2f %% missing%n",
                o.targets().stream().mapToInt(Integer::intValue).max().orElseThrow(), lastTenSeconds, o.skipped(), 100 * o.missingFraction());
        assertThat(o.targets()).anyMatch(t -> t >= 80);
        assertThat(late).isEqualTo(JitterBuffer.MIN_TARGET_MS);
        assertThat(lastTenSeconds).isLessThanOrEqualTo(30);
        assertThat(o.skipped()).as("surplus shed on silent frames").isGreaterThan(0);
        assertThat(o.missingFraction()).isLessThan(0.01);
    }

    @Test
    void aTransientQueueIsCoveredThenLetGoOfWithinTwoSecondsOfItsDrain() {
        // the lab's bottleneck switch: at 10 s the path's queue grows to 250 ms in 0.4 s and drains in 0.4 s,
        // audio is a steady tone (no silent frame to skip), then the link is clean again
        int start = 500, ramp = 20;
        Outcome o = simulate(30, k -> k < start ? 0 : k < start + ramp ? (k - start) * 12_500L
                : k < start + 2 * ramp ? 250_000 - (k - start - ramp) * 12_500L : 0, false);
        // ticks count from the first packet played, about packet 2
        int drained = start + 2 * ramp - 2;
        int peak = o.targets().subList(start - 2, drained + 50).stream().mapToInt(Integer::intValue).max().orElseThrow();
        int targetAfter = o.targets().get(drained + 100);
        int depthAfter = o.depths().get(drained + 100);
        int lastFive = o.targets().subList(o.targets().size() - 250, o.targets().size()).stream()
                .mapToInt(Integer::intValue).max().orElseThrow();
        System.out.printf("a 250 ms queue for 0.8 s: peak target %d ms; 2 s after the drain: target %d ms, depth %d ms; "
                        + "last 5 s max target %d ms; %d underruns, %d ticks missing (%.2f %%)%n",
                peak, targetAfter, depthAfter, lastFive, o.underruns(), o.missing(), 100 * o.missingFraction());
        assertThat(peak).as("the buffer grew for the queue").isGreaterThanOrEqualTo(100);
        assertThat(targetAfter).as("target 2 s after the drain").isLessThanOrEqualTo(80);
        assertThat(depthAfter).as("depth 2 s after the drain").isLessThanOrEqualTo(targetAfter + 80);
        assertThat(lastFive).as("back to the clean link's depth").isLessThanOrEqualTo(40);
        assertThat(o.missing()).as("ticks concealed or silent: the queue's own gap, not seconds of it").isLessThan(40);
    }
}
