package dev.parley.media.adapt;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class UplinkGovernorTest {
    static final Map<String, Long> RUNNING = Map.of("720p", 1_935_360L, "180p", 120_960L);

    @Test
    void unknownEstimatesLeaveTheNominalBitrates() {
        UplinkGovernor g = UplinkGovernor.defaults();
        assertThat(g.tick(RUNNING, List.of(), 0)).isEqualTo(RUNNING);
        assertThat(g.tick(RUNNING, List.of(0L, 900_000L), 200)).as("one watcher never queued: not the uplink").isEqualTo(RUNNING);
    }

    @Test
    void aSlowUplinkLowersWhatDoesNotFitAtOnceAndRestoresAfterTheHold() {
        UplinkGovernor g = UplinkGovernor.defaults();
        // every watcher measures about 1 Mbit/s: 720p is encoded at 0.8 × 1 Mbit/s, 180p fits
        assertThat(g.tick(RUNNING, List.of(1_000_000L, 900_000L), 0))
                .isEqualTo(Map.of("720p", 800_000L, "180p", 120_960L));
        // deeper: never below 30 % of nominal
        assertThat(g.tick(RUNNING, List.of(300_000L), 200).get("720p")).isEqualTo((long) (1_935_360 * 0.3));
        // recovered: the higher target waits 2 s
        assertThat(g.tick(RUNNING, List.of(5_000_000L), 400).get("720p")).isEqualTo((long) (1_935_360 * 0.3));
        assertThat(g.tick(RUNNING, List.of(5_000_000L), 2200).get("720p")).isEqualTo((long) (1_935_360 * 0.3));
        assertThat(g.tick(RUNNING, List.of(5_000_000L), 2400).get("720p")).isEqualTo(1_935_360L);
    }

    @Test
    void oneSlowWatcherAmongFastOnesIsNotTheUplink() {
        UplinkGovernor g = UplinkGovernor.defaults();
        assertThat(g.tick(RUNNING, List.of(400_000L, 20_000_000L), 0)).isEqualTo(RUNNING);
    }

    @Test
    void stoppedRenditionsAreForgotten() {
        UplinkGovernor g = UplinkGovernor.defaults();
        g.tick(RUNNING, List.of(1_000_000L), 0);
        assertThat(g.tick(Map.of("180p", 120_960L), List.of(1_000_000L), 200)).isEqualTo(Map.of("180p", 120_960L));
        assertThat(g.tick(RUNNING, List.of(8_000_000L), 400).get("720p")).as("a restarted encoder starts nominal").isEqualTo(1_935_360L);
    }
}
