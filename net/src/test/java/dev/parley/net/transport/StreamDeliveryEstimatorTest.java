package dev.parley.net.transport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The stream binding's delivery estimate, by simulation: 200 ms samples of bytes taken, backlog and ping RTT. */
class StreamDeliveryEstimatorTest {
    static final long TICK = 200_000_000L;
    static final long MS = 1_000_000L;
    static final long WINDOW = 100_000; // bytes of send buffer

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
        while (t < 11 * TICK + StreamDeliveryEstimator.HOLD_NANOS + TICK) {
            t += TICK;
            taken += 15_000;
            held = e.sample(t, taken, 0, MS, WINDOW);
        }
        assertThat(held).as("after the hold the window bound applies again").isEqualTo(WINDOW * 8 * 1000);
    }

    @Test
    void aPingRttStandingAboveItsFloorIsAQueueEvenWithoutBacklog() {
        StreamDeliveryEstimator e = new StreamDeliveryEstimator();
        long taken = 0;
        e.sample(0, taken, 0, 20 * MS, WINDOW);
        long last = 0;
        for (int i = 1; i <= 6; i++) {
            taken += 25_000; // 1 Mbit/s into the kernel while pings come back 200 ms late
            last = e.sample(i * TICK, taken, 0, 220 * MS, WINDOW);
        }
        assertThat(e.limited()).isTrue();
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
