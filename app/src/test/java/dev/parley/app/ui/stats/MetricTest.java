package dev.parley.app.ui.stats;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MetricTest {
    @Test
    void movingAverageStartsAtTheFirstSample() {
        Metric m = new Metric("RTT", "ms", 0.5, Thresholds.lowerBetter(30, 100));
        assertThat(m.hasValue()).isFalse();
        assertThat(m.text()).isEqualTo("-");
        assertThat(m.level()).isEqualTo(Level.NONE);
        m.add(10);
        m.add(20);
        assertThat(m.value()).isCloseTo(15, within(1e-9));
        assertThat(m.text()).isEqualTo("15.0 ms");
        m.add(Double.NaN);
        assertThat(m.size()).isEqualTo(2);
    }

    @Test
    void historyKeepsTheNewest300InOrder() {
        Metric m = new Metric("x", "", 1.0, null);
        for (int i = 0; i < 450; i++) {
            m.add(i);
        }
        assertThat(m.size()).isEqualTo(Metric.HISTORY);
        assertThat(m.sample(0)).isEqualTo(150);
        assertThat(m.sample(299)).isEqualTo(449);
    }

    @Test
    void thresholdsColourBothDirections() {
        Thresholds rtt = Thresholds.lowerBetter(30, 100);
        assertThat(rtt.rate(29.9)).isEqualTo(Level.GOOD);
        assertThat(rtt.rate(30)).isEqualTo(Level.WARN);
        assertThat(rtt.rate(100)).isEqualTo(Level.BAD);
        Thresholds fps = Thresholds.higherBetter(25, 15);
        assertThat(fps.rate(30)).isEqualTo(Level.GOOD);
        assertThat(fps.rate(20)).isEqualTo(Level.WARN);
        assertThat(fps.rate(15)).isEqualTo(Level.BAD);
    }
}
