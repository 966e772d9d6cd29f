package dev.parley.media.watch;

import dev.parley.media.adapt.AdaptiveController;
import dev.parley.media.adapt.NetworkSignals;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The watcher's pure control step. */
class WatchControlTest {
    static final List<AdaptiveController.Rung> LADDER = List.of(
            new AdaptiveController.Rung("720p", 1280 * 720, 1_935_360),
            new AdaptiveController.Rung("180p", 320 * 180, 120_960));

    static VideoSwitcher.State showing(String track) {
        return new VideoSwitcher.State(track, false, null, null, false, 0, null);
    }

    @Test
    void steadyShowingDoesNothing() {
        WatchControl c = new WatchControl();
        c.setRenditions(LADDER, "720p");
        assertThat(c.step(1000, showing("720p"), false, true, null)).isEmpty();
    }

    @Test
    void aSwitchWithoutAKeyframeForThreeSecondsIsAbandoned() {
        WatchControl c = new WatchControl();
        var pending = new VideoSwitcher.State("720p", false, null, "180p", false, 1000, null);
        assertThat(c.step(3900, pending, false, true, null)).isEmpty();
        assertThat(c.step(4100, pending, false, true, null)).containsExactly(new WatchControl.AbandonPending("180p"));
    }

    @Test
    void aFailedDecoderIsDroppedAndVideoPickedAgain() {
        WatchControl c = new WatchControl();
        var failed = new VideoSwitcher.State("720p", false, "no decoder", null, false, 0, null);
        assertThat(c.step(1000, failed, false, true, null)).containsExactly(
                new WatchControl.DecoderFailed("720p", true, "no decoder"), new WatchControl.RefreshVideo());
    }

    @Test
    void endedTracksAreSubscribedAgain() {
        WatchControl c = new WatchControl();
        var ended = new VideoSwitcher.State("720p", true, null, null, false, 0, null);
        assertThat(c.step(1000, ended, true, true, null)).containsExactly(
                new WatchControl.RefreshVideo(), new WatchControl.RefreshAudio());
        assertThat(c.step(1200, new VideoSwitcher.State(null, false, null, null, false, 0, null), false, false, null))
                .as("no video in the catalog: nothing to pick").isEmpty();
    }

    @Test
    void aStandingQueueAlsoCutsOver() {
        WatchControl c = new WatchControl();
        c.setRenditions(LADDER, "720p");
        var queue = new NetworkSignals(Duration.ofMillis(45), 6, 550_000, 0, 0);
        assertThat(c.step(1000, showing("720p"), false, true, queue)).isEmpty();
        assertThat(c.step(1200, showing("720p"), false, true, queue))
                .containsExactly(new WatchControl.Show("180p", "queue", true));
    }

    @Test
    void framesAboutToBeSkippedCutOverToWhatFits() {
        WatchControl c = new WatchControl();
        c.setRenditions(LADDER, "720p");
        var late = new NetworkSignals(Duration.ofMillis(200), 6, 550_000, 0, 0);
        c.step(800, showing("720p"), false, true, new NetworkSignals(Duration.ofMillis(40), 6, 650_000, 0, 0));
        assertThat(c.step(1000, showing("720p"), false, true, late))
                .containsExactly(new WatchControl.Show("180p", "frames late", true));
        assertThat(c.capacityBps()).isEqualTo(550_000);
    }

    @Test
    void anAdaptiveStartMovesUpAsSoonAsTheLowestShowsAPicture() {
        WatchControl c = new WatchControl();
        c.setRenditions(LADDER, "720p");
        c.startUp("720p", 0);
        var waiting = new VideoSwitcher.State("180p", false, null, null, false, 0, null, false);
        assertThat(c.step(200, waiting, false, true, null)).as("no picture yet: stay on the cheap keyframe").isEmpty();
        var shown = new VideoSwitcher.State("180p", false, null, null, false, 0, null, true);
        assertThat(c.step(400, shown, false, true, null)).containsExactly(new WatchControl.Show("720p", "start", false));
        assertThat(c.step(600, shown, false, true, null)).as("once only").isEmpty();
    }

    @Test
    void anAdaptiveStartMovesUpAfterTheStartWaitEvenWithoutAPicture() {
        WatchControl c = new WatchControl();
        c.setRenditions(LADDER, "720p");
        c.startUp("720p", 1000);
        var waiting = new VideoSwitcher.State("180p", false, null, null, false, 0, null, false);
        assertThat(c.step(1000 + WatchControl.START_WAIT_MS - 1, waiting, false, true, null)).isEmpty();
        assertThat(c.step(1000 + WatchControl.START_WAIT_MS, waiting, false, true, null))
                .containsExactly(new WatchControl.Show("720p", "start", false));
    }

    @Test
    void aQueueBeforeTheStartStepCancelsIt() {
        WatchControl c = new WatchControl();
        c.setRenditions(LADDER, "720p");
        c.startUp("720p", 0);
        var waiting = new VideoSwitcher.State("180p", false, null, null, false, 0, null, false);
        var queue = new NetworkSignals(Duration.ofMillis(45), 6, 550_000, 0, 0);
        assertThat(c.step(200, waiting, false, true, queue)).isEmpty();
        assertThat(c.step(400, waiting, false, true, queue)).containsExactly(new WatchControl.Show("180p", "queue", true));
        var shown = new VideoSwitcher.State("180p", false, null, null, false, 0, null, true);
        assertThat(c.step(600, shown, false, true, null)).as("the controller's step down stands").isEmpty();
    }
}
