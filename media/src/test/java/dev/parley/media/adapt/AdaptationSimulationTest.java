package dev.parley.media.adapt;

import dev.parley.media.adapt.AdaptiveController.Decision;
import dev.parley.net.transport.SendEstimator;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The controller on a simulated path, fed the way the watcher feeds it: frames of the chosen rendition
 * (30 fps, 80 % of the nominal bitrate, plus 40 kbit/s of audio) go through a bottleneck with a
 * 200 ms drop-tail queue ({@code tbf latency 200ms}), lost bytes are sent again, the publisher's
 * {@link SendEstimator} sees its counters and RTT, and the watcher sees each frame's queueing delay,
 * the bytes that arrive and the groups it skips (frames more than 150 ms late).
 */
class AdaptationSimulationTest {
    private static final List<AdaptiveController.Rung> LADDER = List.of(
            new AdaptiveController.Rung("720p", 1280 * 720, 1_935_360),
            new AdaptiveController.Rung("360p", 640 * 360, 483_840),
            new AdaptiveController.Rung("180p", 320 * 180, 120_960));

    /**
     * One simulated call; 10 ms steps, link samples (receive rate, the publisher's estimate) every 200 ms,
     * a control tick every {@code tickMs}; with {@code standby} the lowest rendition is sent beside any other.
     */
    static final class Sim {
        final long tickMs;
        final boolean standby;
        long rx;

        Sim() {
            this(200, false);
        }

        Sim(long tickMs, boolean standby) {
            this.tickMs = tickMs;
            this.standby = standby;
            controller.setStandby(standby);
        }

        final AdaptiveController controller = new AdaptiveController(AdaptiveConfig.defaults());
        final SendEstimator estimator = new SendEstimator();
        final ArrivalWindow arrivals = new ArrivalWindow();
        final Random random = new Random(7);
        final List<long[]> switches = new ArrayList<>(); // {time ms, rung index}
        final List<long[]> latencies = new ArrayList<>(); // {time ms, lateness ms}
        String rendition = "720p";
        long now;
        double queueBits;
        double backlogBits; // lost bytes waiting to be sent again
        long sentBytes;
        long lostBytes;
        long packetsSent;
        long packetsLost;
        long receivedBits;
        long receivedAtTick;
        long skipped;
        long peer;

        long rate(String r) {
            long extra = standby && !r.equals(LADDER.getLast().track()) ? LADDER.getLast().bitrate() * 8 / 10 : 0;
            return LADDER.stream().filter(x -> x.track().equals(r)).findFirst().orElseThrow().bitrate() * 8 / 10 + 40_000 + extra;
        }

        /** Runs until {@code untilMs} with capacity(t), random loss and per-frame jitter (ms). */
        void run(long untilMs, LongUnaryOperator capacity, double loss, int jitterMs) {
            controller.setRenditions(LADDER, rendition);
            for (; now < untilMs; now += 10) {
                long cap = capacity.applyAsLong(now);
                double offered = rate(rendition) / 100.0 + backlogBits;
                backlogBits = 0;
                double maxQueue = cap * 0.2;
                double through = Math.min(cap / 100.0, queueBits + offered);
                queueBits += offered - through;
                double dropped = Math.max(0, queueBits - maxQueue);
                queueBits -= dropped;
                double randomDrop = through * loss;
                backlogBits += dropped + randomDrop;
                sentBytes += (long) (offered / 8);
                lostBytes += (long) ((dropped + randomDrop) / 8);
                packetsSent += (long) Math.ceil(offered / 8 / 1200);
                packetsLost += (long) Math.ceil((dropped + randomDrop) / 8 / 1200);
                receivedBits += (long) (through - randomDrop);
                if (now % 33 < 10) { // a frame
                    long late = (long) (queueBits * 1000 / cap) + (randomDrop > 0 ? 2 : 0)
                            + (jitterMs > 0 ? random.nextInt(jitterMs) : 0);
                    if (late > 150) {
                        skipped++;
                    }
                    latencies.add(new long[]{now, late});
                    arrivals.record(late * 1000);
                }
                if (now % 200 == 0) {
                    long rtt = 1_000_000L + (long) (queueBits * 1e9 / cap);
                    peer = estimator.sample(now * 1_000_000L, sentBytes, lostBytes, packetsSent, packetsLost, rtt);
                    rx = (receivedBits - receivedAtTick) * 5;
                    receivedAtTick = receivedBits;
                }
                if (now % tickMs == 0) {
                    ArrivalWindow.Summary a = arrivals.drain();
                    Decision d = controller.tick(new NetworkSignals(Duration.ofNanos(a.minLatenessMicros() * 1000), a.count(),
                            rx, peer, skipped), now);
                    String to = switch (d) {
                        case AdaptiveController.SwitchTo s -> s.track();
                        case AdaptiveController.StartProbe s -> s.track();
                        case AdaptiveController.AbortProbe s -> controller.currentTrack();
                        default -> null;
                    };
                    if (to != null && !to.equals(rendition)) {
                        rendition = to;
                        backlogBits = 0; // the old track's streams are reset: what was lost is not sent again
                        switches.add(new long[]{now, LADDER.indexOf(LADDER.stream().filter(r -> r.track().equals(to)).findFirst().orElseThrow())});
                    }
                }
            }
        }

        long p95Latency(long fromMs, long toMs) {
            long[] l = latencies.stream().filter(x -> x[0] >= fromMs && x[0] < toMs).mapToLong(x -> x[1]).sorted().toArray();
            return l.length == 0 ? 0 : l[(int) (l.length * 0.95)];
        }

        long switchesBetween(long fromMs, long toMs) {
            return switches.stream().filter(s -> s[0] >= fromMs && s[0] < toMs).count();
        }
    }

    @Test
    void bottleneckOnsetSwitchesDownWithinASecondHoldsAndRecoversWithoutOscillating() {
        Sim sim = new Sim();
        LongUnaryOperator link = t -> t >= 10_000 && t < 40_000 ? 600_000 : 8_000_000;
        sim.run(90_000, link, 0, 0);
        assertThat(sim.switchesBetween(0, 10_000)).as("steady on 720p before").isZero();
        long[] down = sim.switches.stream().filter(s -> s[0] >= 10_000).findFirst().orElseThrow();
        assertThat(down[0] - 10_000).as("down-switch delay, ms").isLessThanOrEqualTo(1000);
        assertThat(down[1]).as("straight to 180p: 0.8 × 600k fits nothing else").isEqualTo(2);
        assertThat(sim.p95Latency(11_000, 40_000)).as("p95 queueing during the bottleneck, ms").isLessThanOrEqualTo(300);
        assertThat(sim.switchesBetween(11_000, 40_000)).as("probes while narrow (each one up and back)").isLessThanOrEqualTo(4);
        long[] best = sim.switches.stream().filter(s -> s[0] >= 40_000 && s[1] == 0).findFirst().orElseThrow();
        assertThat(best[0] - 40_000).as("back on 720p after the link is restored, ms").isLessThanOrEqualTo(30_000);
        assertThat(sim.switches.stream().filter(s -> s[0] > best[0]).count()).as("stays there").isZero();
    }

    @Test
    void withShortTicksAndAStandbyAGrowingQueueSwitchesToTheStandbyWithinAFewTicksAndStillRecovers() {
        Sim sim = new Sim(50, true);
        LongUnaryOperator link = t -> t >= 10_000 && t < 40_000 ? 600_000 : 8_000_000;
        sim.run(90_000, link, 0, 0);
        assertThat(sim.switchesBetween(0, 10_000)).as("steady on 720p before").isZero();
        long[] down = sim.switches.stream().filter(s -> s[0] >= 10_000).findFirst().orElseThrow();
        System.out.println("short ticks: down at +" + (down[0] - 10_000) + " ms; switches " + sim.switches.stream()
                .map(x -> x[0] + ":" + LADDER.get((int) x[1]).track()).toList());
        // measured with 200 ms ticks: 400-600 ms; the queue is seen growing after 150-250 ms
        assertThat(down[0] - 10_000).as("down-switch delay, ms").isLessThanOrEqualTo(300);
        assertThat(down[1]).as("to the standby").isEqualTo(2);
        assertThat(sim.p95Latency(10_000, 11_000)).as("p95 queueing in the switch's second, ms").isLessThanOrEqualTo(200);
        assertThat(sim.p95Latency(11_000, 40_000)).as("p95 queueing during the bottleneck, ms").isLessThanOrEqualTo(300);
        assertThat(sim.switchesBetween(11_000, 40_000)).as("probes while narrow (each one up and back)").isLessThanOrEqualTo(4);
        long[] best = sim.switches.stream().filter(s -> s[0] >= 40_000 && s[1] == 0).findFirst().orElseThrow();
        assertThat(best[0] - 40_000).as("back on 720p after the link is restored, ms").isLessThanOrEqualTo(30_000);
        assertThat(sim.switches.stream().filter(s -> s[0] > best[0]).count()).as("stays there").isZero();
    }

    @Test
    void withShortTicksJitterAndLossDoNotSwitch() {
        Sim jitter = new Sim(50, true);
        jitter.run(60_000, t -> 8_000_000, 0, 60);
        assertThat(jitter.switches).as("60 ms of random jitter per frame").isEmpty();
        Sim loss = new Sim(50, true);
        loss.run(60_000, t -> 8_000_000, 0.05, 0);
        assertThat(loss.switches).as("5 %% random loss").isEmpty();
    }

    @Test
    void lossWithoutABottleneckDoesNotSwitch() {
        Sim sim = new Sim();
        sim.run(60_000, t -> 8_000_000, 0.05, 0);
        assertThat(sim.switches).isEmpty();
        assertThat(sim.peer).as("random loss is not a capacity measurement").isZero();
    }

    @Test
    void jitterDoesNotSwitch() {
        Sim sim = new Sim();
        sim.run(60_000, t -> 8_000_000, 0, 60);
        assertThat(sim.switches).isEmpty();
    }

    @Test
    void aLongBottleneckProbesRarelyAndStaysOnWhatFits() {
        Sim sim = new Sim();
        sim.run(130_000, t -> t >= 10_000 ? 600_000 : 8_000_000, 0, 20);
        sim.switches.forEach(x -> System.out.println("switch at " + x[0] + " ms to " + LADDER.get((int) x[1]).track()));
        assertThat(sim.rendition).isNotEqualTo("720p");
        // each failed probe is two switches; backoff 8 s, 16 s, 16 s… over two minutes
        assertThat(sim.switchesBetween(11_000, 130_000)).isLessThanOrEqualTo(18);
        assertThat(sim.p95Latency(11_000, 130_000)).isLessThanOrEqualTo(300);
    }
}
