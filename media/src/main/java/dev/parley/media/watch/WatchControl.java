package dev.parley.media.watch;

import dev.parley.media.adapt.AdaptiveConfig;
import dev.parley.media.adapt.AdaptiveController;
import dev.parley.media.adapt.NetworkSignals;

import java.util.ArrayList;
import java.util.List;

/**
 * The watcher's control step (every 50 ms), pure: from the state of the video switch, whether the
 * audio track ended, and (when adapting) this tick's network signals, the actions to take, in order.
 * A switch that shows no keyframe within {@link #SWITCH_TIMEOUT_MS} is abandoned (and holds the
 * adaptive controller back); a failed decoder is dropped and its rendition refused; an ended track is
 * subscribed again. An adaptive watch starts on the lowest rendition, whose keyframe is the cheapest to
 * send, encode and decode, and moves to its start rendition ({@link #startUp}) as soon as that first
 * picture is decoded, or after {@link #START_WAIT_MS} at the latest. Not thread-safe; time is passed in (ms).
 */
final class WatchControl {
    static final long SWITCH_TIMEOUT_MS = 3000;
    /** The longest an adaptive watch stays on its first (lowest) rendition before moving to its start rendition. */
    static final long START_WAIT_MS = 1000;

    /** What to do. */
    sealed interface Action permits AbandonPending, DecoderFailed, RefreshVideo, RefreshAudio, Show {
    }

    /** Drop the pending rendition: its switch timed out. */
    record AbandonPending(String track) implements Action {
    }

    /** Drop this rendition (current or pending) and refuse it: its decoder failed. */
    record DecoderFailed(String track, boolean current, String reason) implements Action {
    }

    /** Pick and subscribe the video rendition again (the track ended, or nothing is showing). */
    record RefreshVideo() implements Action {
    }

    /** Subscribe audio again (its track ended). */
    record RefreshAudio() implements Action {
    }

    /**
     * The adaptive controller chose this rendition; {@code cut}: stop the current one at once. Every step
     * down cuts: it answers a queue, and each moment the old rendition keeps sending deepens the queue the
     * new one must come through (measured: a seamless step down behind a 600 kbit/s bottleneck showed the
     * new rendition 1.7 s after the decision, at 0-2 fps meanwhile).
     */
    record Show(String track, String why, boolean cut) implements Action {
    }

    private final AdaptiveController controller = new AdaptiveController(AdaptiveConfig.defaults());
    private List<AdaptiveController.Rung> rungs = List.of();
    private String startTarget;
    private long startSinceMs;

    /** The renditions the controller chooses from (best first) and the one showing. */
    void setRenditions(List<AdaptiveController.Rung> bestFirst, String current) {
        setRenditions(bestFirst, current, false);
    }

    /** Like {@link #setRenditions(List, String)}; {@code standby}: the lowest is received beside any other. */
    void setRenditions(List<AdaptiveController.Rung> bestFirst, String current, boolean standby) {
        rungs = List.copyOf(bestFirst);
        controller.setRenditions(bestFirst, current);
        controller.setStandby(standby);
    }

    /**
     * The watch shows a lower rendition first (since {@code nowMs}); move to {@code target} once that shows a
     * picture. The controller already counts {@code target} as current: a queue before then steps down from it.
     */
    void startUp(String target, long nowMs) {
        startTarget = target;
        startSinceMs = nowMs;
    }

    /** The capacity the controller last acted on (bps, 0 = unknown). */
    long capacityBps() {
        return controller.capacityBps();
    }

    /**
     * @param video          the switch state
     * @param audioEnded     whether the audio track ended
     * @param catalogHasVideo whether the catalog offers video at all
     * @param signals        this tick's signals, or null when not adapting (or nothing measured yet)
     */
    List<Action> step(long nowMs, VideoSwitcher.State video, boolean audioEnded, boolean catalogHasVideo,
                      NetworkSignals signals) {
        List<Action> out = new ArrayList<>();
        String current = video.current();
        boolean currentEnded = video.currentEnded();
        if (video.pending() != null && !video.pendingStarted() && nowMs - video.pendingSinceMs() > SWITCH_TIMEOUT_MS) {
            out.add(new AbandonPending(video.pending()));
            controller.switchFailed(nowMs);
        } else if (video.pending() != null && video.pendingFailure() != null) {
            out.add(new DecoderFailed(video.pending(), false, video.pendingFailure()));
        }
        if (current != null && video.currentFailure() != null) {
            out.add(new DecoderFailed(current, true, video.currentFailure()));
            current = null;
        }
        if ((current != null && currentEnded) || (current == null && catalogHasVideo)) {
            out.add(new RefreshVideo());
        }
        if (audioEnded) {
            out.add(new RefreshAudio());
        }
        String target = startTarget;
        if (target != null && (target.equals(current) || target.equals(video.pending()))) {
            startTarget = null; // already there (the catalog offered nothing lower, or a refresh picked it)
        } else if (target != null && current != null && (video.currentStarted() || nowMs - startSinceMs >= START_WAIT_MS)) {
            startTarget = null;
            controller.setRenditions(rungs, target);
            out.add(new Show(target, "start", false));
        }
        if (signals != null) {
            switch (controller.tick(signals, nowMs)) {
                case AdaptiveController.SwitchTo s -> out.add(stepped(new Show(s.track(), s.reason(), true)));
                case AdaptiveController.StartProbe s -> out.add(stepped(new Show(s.track(), "probe", false)));
                case AdaptiveController.AbortProbe s -> out.add(stepped(new Show(controller.currentTrack(), "probe failed: " + s.reason(), true)));
                case AdaptiveController.CommitProbe s -> { }
                case AdaptiveController.Hold h -> { }
            }
        }
        return out;
    }

    // The controller took over: a start-up step still waiting would undo its decision.
    private Show stepped(Show s) {
        startTarget = null;
        return s;
    }
}
