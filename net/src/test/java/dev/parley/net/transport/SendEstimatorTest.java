package dev.parley.net.transport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The sender's estimate on synthetic traces of a path sampled every 200 ms. */
class SendEstimatorTest {
    private static final long TICK = 200_000_000L;

    /** A simulated sender: offers {@code offeredBps}, the path carries {@code capacityBps} behind a queue. */
    private static final class Path {
        final SendEstimator estimator = new SendEstimator();
        long now;
        long sent;
        long lost;
        long packetsSent;
        long packetsLost;
        long queueBits;
        long last;

        /** One 200 ms tick; returns the estimate. */
        long tick(long offeredBps, long capacityBps, long maxQueueBits, double randomLoss) {
            now += TICK;
            long offered = offeredBps / 5;
            long through = Math.min(capacityBps / 5, offered + queueBits);
            queueBits = queueBits + offered - through;
            long dropped = Math.max(0, queueBits - maxQueueBits);
            queueBits -= dropped;
            long randomDropped = (long) (through * randomLoss);
            sent += (offered) / 8;
            lost += (dropped + randomDropped) / 8;
            packetsSent += offered / 8 / 1200 + 1;
            packetsLost += (dropped + randomDropped) / 8 / 1200;
            long rtt = 1_000_000L + queueBits * 1_000_000_000L / Math.max(1, capacityBps);
            last = estimator.sample(now, sent, lost, packetsSent, packetsLost, rtt);
            return last;
        }
    }

    @Test
    void unknownUntilThePathQueuesThenTheBottleneckRate() {
        Path p = new Path();
        for (int i = 0; i < 25; i++) {
            assertThat(p.tick(2_000_000, 8_000_000, 1_600_000, 0)).as("app-limited: capacity unknown").isZero();
        }
        p.tick(2_000_000, 600_000, 120_000, 0);
        p.tick(2_000_000, 600_000, 120_000, 0);
        assertThat(p.estimator.congested()).as("one queued sample is not yet a bottleneck").isFalse();
        long est = p.tick(2_000_000, 600_000, 120_000, 0);
        assertThat(p.estimator.congested()).as("the third queued sample is").isTrue();
        assertThat(est).as("within 600 ms of the onset, once the queue is full").isBetween(450_000L, 750_000L);
    }

    @Test
    void aKeyframeBurstThatLiftsTheRttForOneSampleIsNotABottleneck() {
        SendEstimator e = new SendEstimator();
        long sent = 0;
        for (int i = 1; i <= 50; i++) {
            sent += 25_000; // 1 Mbit/s
            long rtt = i % 5 == 0 ? 60_000_000L : 1_000_000L; // every second a 60 ms bump
            assertThat(e.sample(i * TICK, sent, 0, i * 20L, 0, rtt)).isZero();
        }
    }

    @Test
    void aLateAcknowledgingReceiverWithoutLossIsNotABottleneck() {
        SendEstimator e = new SendEstimator();
        long sent = 0;
        for (int i = 1; i <= 50; i++) {
            sent += 12_500; // 500 kbit/s
            long rtt = i > 10 ? 150_000_000L : 1_000_000L; // a starved receiver: RTT up, nothing lost
            assertThat(e.sample(i * TICK, sent, 0, i * 10L, 0, rtt)).isZero();
        }
    }

    @Test
    void randomLossWithoutAQueueIsNotABottleneck() {
        Path p = new Path();
        for (int i = 0; i < 50; i++) {
            assertThat(p.tick(2_000_000, 8_000_000, 1_600_000, 0.2)).isZero();
        }
        assertThat(p.estimator.congested()).isFalse();
    }

    @Test
    void holdsTheMeasuredCapacityThenGrowsSoTheReceiverTriesMore() {
        Path p = new Path();
        for (int i = 0; i < 5; i++) {
            p.tick(2_000_000, 8_000_000, 1_600_000, 0);
        }
        for (int i = 0; i < 10; i++) {
            p.tick(2_000_000, 600_000, 120_000, 0);
        }
        // the receiver switched down: 200 kbit/s offered, the queue drains
        long held = 0;
        for (int i = 0; i < 15; i++) { // 3 s: inside the hold
            held = p.tick(200_000, 600_000, 120_000, 0);
        }
        assertThat(held).as("held at the measured capacity, not the app-limited 200 kbit/s").isBetween(450_000L, 750_000L);
        long grown = 0;
        for (int i = 0; i < 50; i++) { // 10 s more
            grown = p.tick(200_000, 8_000_000, 1_600_000, 0);
        }
        assertThat(grown).as("grows after the hold").isGreaterThan(3 * held);
        long capped = 0;
        for (int i = 0; i < 150; i++) { // 30 s more
            capped = p.tick(200_000, 8_000_000, 1_600_000, 0);
        }
        assertThat(capped).as("up to 16 times the measured capacity").isBetween(15 * held, 17 * held);
        // trying more on a path that is still narrow measures it again
        p.tick(3_000_000, 600_000, 120_000, 0);
        p.tick(3_000_000, 600_000, 120_000, 0);
        assertThat(p.tick(3_000_000, 600_000, 120_000, 0)).isBetween(450_000L, 900_000L);
    }
}
