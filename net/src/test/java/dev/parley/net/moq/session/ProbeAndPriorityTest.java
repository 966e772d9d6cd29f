package dev.parley.net.moq.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProbeAndPriorityTest {

    @Test
    void probeReportsBigChangesAtOnceAndSmallDriftsLater() {
        ProbeReporter r = new ProbeReporter();
        assertThat(r.onTick(0)).isEqualTo(-1);                  // nothing known yet
        assertThat(r.onTick(1_000_000)).isEqualTo(1_000_000);   // first estimate
        assertThat(r.onTick(1_000_000)).isEqualTo(-1);          // unchanged
        assertThat(r.onTick(1_500_000)).isEqualTo(1_500_000);   // +50%: at once
        int ticks = 0;
        long sent;
        while ((sent = r.onTick(1_560_000)) < 0) {               // +4%: only once the threshold decayed
            ticks++;
        }
        assertThat(sent).isEqualTo(1_560_000);
        assertThat(ticks).isBetween(10, 20);                    // 25% * 0.9^n < 4% after ~18 ticks
        for (int i = 0; i < 200; i++) {
            assertThat(r.onTick(1_560_000)).isEqualTo(-1);       // a steady estimate is sent only once
        }
    }

    @Test
    void probeRttIsThePathFloorWhenKnown() {
        var base = dev.parley.net.transport.PathStats.empty(new java.net.InetSocketAddress("127.0.0.1", 1), false);
        var loaded = new dev.parley.net.transport.PathStats(base.at(), base.remote(), false, java.time.Duration.ofMillis(44),
                java.time.Duration.ofNanos(400_000), 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(Publisher.rttMillis(Publisher.probeRtt(loaded))).isEqualTo(1);  // floor 0.4 ms, not the 44 ms smoothed
        var noFloor = new dev.parley.net.transport.PathStats(base.at(), base.remote(), false, java.time.Duration.ofMillis(30),
                java.time.Duration.ZERO, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(Publisher.rttMillis(Publisher.probeRtt(noFloor))).isEqualTo(30);
        assertThat(Publisher.rttMillis(Publisher.probeRtt(base))).isZero();         // nothing measured: unknown
    }

    @Test
    void priorityOrdersSubscriberThenPublisherThenNewestGroup() {
        long audioOld = StreamPriority.of(80, 80, 1);
        long videoNew = StreamPriority.of(60, 60, 1_000);
        assertThat(audioOld).isGreaterThan(videoNew);
        assertThat(StreamPriority.of(60, 60, 11)).isGreaterThan(StreamPriority.of(60, 60, 10));
        assertThat(StreamPriority.of(60, 90, 0)).isGreaterThan(StreamPriority.of(60, 10, 99));
        assertThat(StreamPriority.of(255, 255, Long.MAX_VALUE)).isPositive().isLessThan(1L << 56);
        assertThat(StreamPriority.of(200, 0, 5) >>> StreamPriority.PRIORITY_SHIFT).isEqualTo(200);
    }
}
