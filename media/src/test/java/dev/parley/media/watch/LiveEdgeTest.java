package dev.parley.media.watch;

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
}
