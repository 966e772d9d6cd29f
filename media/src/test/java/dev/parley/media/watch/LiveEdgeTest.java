package dev.parley.media.watch;

import dev.parley.media.adapt.ArrivalWindow;
import dev.parley.media.source.Clock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LiveEdgeTest {
    @Test
    void latenessIsMeasuredAgainstTheBestOffsetSeenWhateverThePublisherClock() {
        LiveEdge edge = new LiveEdge(150);
        long skew = 3_600_000_000L; // publisher clock one hour behind ours
        long now = Clock.nowMicros();
        // both observed before any assertion: AssertJ's first use loads classes for 50+ ms on a loaded machine
        long live = edge.observe(now - skew);
        long late = edge.observe(now - skew - 400_000); // a frame captured 400 ms before the live one
        assertThat(live).isZero();
        assertThat(late).isBetween(390_000L, 450_000L);
        assertThat(edge.tooLate(late)).isTrue();
        assertThat(edge.tooLate(edge.latenessMicros(Clock.nowMicros() - skew - 50_000))).isFalse();
    }

    @Test
    void aShownGroupsStartIsReportedAsItsSendTimeOnTheFastestPathNotItsLateArrival() {
        ArrivalWindow window = new ArrivalWindow();
        LiveEdge edge = new LiveEdge(500, window);
        long skew = 3_600_000_000L;
        long now = Clock.nowMicros();
        edge.observe(now - skew); // the live edge: the fastest path
        // a keyframe captured 100 ms ago arrives now (100 ms late: a queue), one second after the previous group
        edge.observe(now - skew - 100_000, true);
        edge.groupStarted(now - skew - 100_000, 1_000_000, true);
        ArrivalWindow.Summary s = window.drain(now + 20_000);
        assertThat(s.groupAgeMicros()).as("sent ~120 ms before the drain").isBetween(110_000L, 160_000L);
        assertThat(s.groupIntervalMicros()).isEqualTo(1_000_000L);
        assertThat(window.drain(now + 70_000).groupAgeMicros()).as("reported once").isEqualTo(-1L);
        // the standby's group starts are not the shown rendition's cadence
        edge.groupStarted(now - skew, 1_000_000, false);
        assertThat(window.drain(now + 120_000).groupAgeMicros()).isEqualTo(-1L);
    }
}
