package dev.parley.net.transport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The stream binding's delivery estimate, by simulation: 200 ms samples of bytes taken, backlog and ping RTT. */
class StreamDeliveryEstimatorTest {
    static final long TICK = 200_000_000L;
    static final long MS = 1_000_000L;
    static final long WINDOW = 100_000; // bytes of send buffer

    /** An estimator fed a sample every {@link #TICK}, its clock and delivered count kept across runs. */
    private static final class Sim {
        final StreamDeliveryEstimator e = new StreamDeliveryEstimator();
        long t;
        long delivered;

        /** {@code ticks} samples, each after {@code bytes} more were delivered; the last estimate. */
        long run(int ticks, long bytes, long backlog, long rtt, long window) {
            long last = 0;
            for (int i = 0; i < ticks; i++) {
                t += TICK;
                delivered += bytes;
                last = e.sample(t, delivered, backlog, rtt, window);
            }
            return last;
        }
    }

    @Test
    void unknownUntilTheRttAndWindowAreKnown() {
        StreamDeliveryEstimator e = new StreamDeliveryEstimator();
        assertThat(e.sample(0, 0, 0, 0, WINDOW)).as("no RTT yet").isZero();
        assertThat(e.sample(TICK, 10_000, 0, 0, WINDOW)).as("no RTT yet").isZero();
        assertThat(e.sample(2 * TICK, 20_000, 0, MS, 0)).as("no window known").isZero();
    }

    @Test
    void anUnqueuedPathIsReportedAtWhatTcpKeepsInFlightPerRoundTrip() {
        StreamDeliveryEstimator e = new StreamDeliveryEstimator();
        long taken = 0;
        long last = 0;
        for (int i = 0; i <= 10; i++) {
            last = e.sample(i * TICK, taken, 0, MS, WINDOW);
            taken += 50_000; // 2 Mbit/s, socket never pushes back, RTT flat
        }
        assertThat(e.limited()).isFalse();
        assertThat(last).isEqualTo(WINDOW * 8 * 1000); // 100 kB per 1 ms round trip: 800 Mbit/s
        // a longer round trip bounds it lower, but never below what is delivered
        assertThat(e.sample(11 * TICK, taken, 0, 50 * MS, WINDOW)).isEqualTo(16_000_000L);
        assertThat(e.sample(12 * TICK, taken + 50_000, 0, 50 * MS, 1_000)).isBetween(1_900_000L, 2_100_000L);
    }

    @Test
    void aBacklogBehindAFullSocketMeasuresTheCapacity() {
        StreamDeliveryEstimator e = new StreamDeliveryEstimator();
        long taken = 0;
        long last = 0;
        for (int i = 0; i <= 10; i++) {
            last = e.sample(i * TICK, taken, 200_000, MS, WINDOW);
            taken += 15_000; // the path takes 600 kbit/s while more waits
        }
        assertThat(e.limited()).isTrue();
        assertThat(last).isBetween(570_000L, 630_000L);
        // the backlog clears: the measurement is held, not multiplied, for the hold time
        long held = e.sample(11 * TICK, taken, 0, MS, WINDOW);
        assertThat(held).isBetween(570_000L, 630_000L);
        long t = 11 * TICK;
        long end = 11 * TICK + StreamDeliveryEstimator.HOLD_NANOS - TICK;
        while (t < end) {
            t += TICK;
            taken += 15_000;
            held = e.sample(t, taken, 0, MS, WINDOW);
        }
        assertThat(held).as("held through the hold").isBetween(570_000L, 630_000L);
        // then raised step by step, not back to the window bound (800 Mbit/s): about 15 % a second
        for (int i = 0; i < 10; i++) {
            t += TICK;
            taken += 15_000;
            held = e.sample(t, taken, 0, MS, WINDOW);
        }
        assertThat(held).as("two seconds after the hold: 1.15²").isBetween(720_000L, 870_000L);
        for (int i = 0; i < 200; i++) {
            t += TICK;
            taken += 15_000;
            held = e.sample(t, taken, 0, MS, WINDOW);
        }
        assertThat(held).as("raised at most 16 times the measurement").isBetween(9_000_000L, 10_000_000L);
    }

    @Test
    void aCumulativeAckLeapingOverSackedDataIsNotARate() {
        StreamDeliveryEstimator e = new StreamDeliveryEstimator();
        long taken = 0;
        long last = 0;
        for (int i = 0; i <= 12; i++) {
            last = e.sample(i * TICK, taken, 200_000, MS, WINDOW);
            if (i >= StreamDeliveryEstimator.LIMITED_SAMPLES) { // measured from here on
                assertThat(last).as("sample " + i).isBetween(570_000L, 630_000L);
            }
            taken += i == 6 ? 80_000 : 15_000; // 600 kbit/s, and once a loss recovered: 80 kB acknowledged at once
        }
        assertThat(e.limited()).isTrue();
        assertThat(last).isBetween(570_000L, 630_000L);
    }

    @Test
    void theRaisedEstimateStaysUnderTheWindowBound() {
        Sim sim = new Sim();
        sim.run(6, 15_000, 200_000, 100 * MS, 20_000); // 600 kbit/s measured
        assertThat(sim.run(200, 0, 0, 100 * MS, 20_000)).as("20 kB per 100 ms round trip").isEqualTo(1_600_000L);
    }

    @Test
    void aDrainingQueueIsNotACapacityMeasurement() {
        Sim sim = new Sim();
        sim.run(1, 0, 0, 20 * MS, WINDOW); // the path's floor
        sim.run(6, 5_000, 200_000, 400 * MS, WINDOW); // 200 kbit/s measured behind a backlog, pings 400 ms late
        assertThat(sim.e.limited()).isTrue();
        // the sender drops to a lower rendition: the queue in front of the pings drains while little goes in
        long last = 0;
        for (long rtt = 300 * MS; rtt > 50 * MS; rtt = rtt * 3 / 4) {
            last = sim.run(1, 300, 0, rtt, WINDOW);
        }
        assertThat(sim.e.limited()).as("a falling RTT is a queue draining").isFalse();
        assertThat(last).as("the measurement stands").isBetween(190_000L, 210_000L);
    }

    @Test
    void aPingRttStandingAboveItsFloorIsAQueueEvenWithoutBacklog() {
        Sim sim = new Sim();
        sim.run(1, 0, 0, 20 * MS, WINDOW);
        long last = sim.run(6, 25_000, 0, 220 * MS, WINDOW); // 1 Mbit/s into the kernel while pings come back 200 ms late
        assertThat(sim.e.limited()).isTrue();
        assertThat(last).isBetween(950_000L, 1_050_000L);
    }

    @Test
    void oneQueuedSampleIsABurstNotALimit() {
        StreamDeliveryEstimator e = new StreamDeliveryEstimator();
        long taken = 0;
        for (int i = 0; i <= 5; i++) {
            e.sample(i * TICK, taken, i == 3 ? 80_000 : 0, MS, WINDOW); // a keyframe waits for one sample
            taken += 50_000;
        }
        assertThat(e.limited()).isFalse();
    }
}
