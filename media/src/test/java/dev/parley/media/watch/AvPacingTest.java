package dev.parley.media.watch;

import org.junit.jupiter.api.Test;

import java.util.function.LongUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A/V pacing in simulated time: 30 fps video whose frames arrive with a given lateness behind live, audio
 * played with a given delay behind live (its jitter buffer and the path's queue), and the hold each frame
 * gets. Times in microseconds, media time = capture time, live edge at zero lateness.
 */
class AvPacingTest {
    private static final long FRAME = 33_333;
    private static final long EPOCH = 1_000_000_000; // media time of the first frame (a negative audio clock means none)

    /** One frame: when it was shown, how far behind live, and how far ahead of audio (negative: audio ahead). */
    record Shown(long captureMicros, long behindLiveMicros, long aheadOfAudioMicros) {}

    static Shown show(long capture, long lateness, long audioDelay) {
        long arrival = EPOCH + capture + lateness;
        long hold = AvPacing.holdMicros(EPOCH + capture, arrival - audioDelay, lateness);
        long shownAt = arrival + hold;
        return new Shown(capture, shownAt - EPOCH - capture, EPOCH + capture - (shownAt - audioDelay));
    }

    static Shown[] run(int frames, LongUnaryOperator lateness, LongUnaryOperator audioDelay) {
        Shown[] out = new Shown[frames];
        for (int k = 0; k < frames; k++) {
            long capture = k * FRAME;
            out[k] = show(capture, lateness.applyAsLong(capture), audioDelay.applyAsLong(capture));
        }
        return out;
    }

    @Test
    void onACleanLinkVideoWaitsForAudioAndStaysInSync() {
        // audio 60-80 ms behind live (jitter buffer + sink), video arriving 0-30 ms late
        Shown[] shown = run(300, c -> (c / FRAME) % 4 * 10_000, c -> 60_000 + (c / FRAME) % 3 * 10_000);
        for (Shown s : shown) {
            assertThat(s.aheadOfAudioMicros()).as("lip sync on a clean link").isZero();
            assertThat(s.behindLiveMicros()).isBetween(60_000L, 80_000L);
        }
    }

    @Test
    void videoArrivingLaterThanAudioIsShownAtOnce() {
        Shown s = show(0, 150_000, 60_000);
        assertThat(s.behindLiveMicros()).isEqualTo(150_000);
        assertThat(s.aheadOfAudioMicros()).isEqualTo(-90_000);
        assertThat(AvPacing.holdMicros(0, -1, 0)).as("no audio: no hold").isZero();
    }

    @Test
    void aTransientQueueDoesNotHoldVideoBehindTheGrownAudioBuffer() {
        // the lab's bottleneck switch, simulated: the path's queue grows to 250 ms in 0.4 s and drains in 0.4 s;
        // audio crosses the same queue and its jitter buffer grows to 200 ms, so audio plays 350 ms behind live
        // during the queue and 240 ms behind (its buffer) for seconds after it
        LongUnaryOperator queue = c -> c < 400_000 ? c * 250 / 400 : c < 800_000 ? 250_000 - (c - 400_000) * 250 / 400 : 0;
        LongUnaryOperator audio = c -> c < 200_000 ? 60_000 : c < 800_000 ? 350_000 : 240_000;
        Shown[] shown = run(90, queue, audio);
        long worst = 0;
        for (Shown s : shown) {
            long lateness = queue.applyAsLong(s.captureMicros());
            // video is never held beyond 100 ms behind live, and a late frame is never held at all
            assertThat(s.behindLiveMicros()).isEqualTo(Math.max(lateness, Math.min(audio.applyAsLong(s.captureMicros()),
                    AvPacing.MAX_BEHIND_LIVE_MICROS)));
            worst = Math.max(worst, s.behindLiveMicros());
            // audio lags video by at most its delay beyond 100 ms
            assertThat(s.aheadOfAudioMicros()).isLessThanOrEqualTo(Math.max(0,
                    audio.applyAsLong(s.captureMicros()) - AvPacing.MAX_BEHIND_LIVE_MICROS));
        }
        assertThat(worst).as("the queue's own delay, nothing added for audio").isBetween(245_000L, 250_000L);
        // the old rule (hold until audio reaches the frame when it is at most 100 ms ahead) gave frames of the
        // queue's peak 350 ms: the audio's delay
        assertThat(shown[12].behindLiveMicros()).isEqualTo(queue.applyAsLong(shown[12].captureMicros())).isGreaterThan(245_000);
    }
}
