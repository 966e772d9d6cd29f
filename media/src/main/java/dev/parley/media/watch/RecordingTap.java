package dev.parley.media.watch;

import dev.parley.media.codec.EncodedAudio;
import dev.parley.media.codec.EncodedVideo;
import dev.parley.media.codec.Mp4Recorder;

/**
 * Hands what a watcher receives to a {@link Mp4Recorder} while recording: the audio, and the video of
 * the rendition being watched. When the watcher subscribes another rendition, the recording follows at
 * that rendition's first keyframe later than what it already holds, so the file never holds frames it cannot decode. Called from the
 * track reader threads; thread-safe.
 */
final class RecordingTap {
    private volatile Mp4Recorder recorder;
    private String preferred;
    private int preferredWidth;
    private int preferredHeight;
    private String recording;
    private long lastVideoMicros = Long.MIN_VALUE;

    /** The rendition just subscribed: recording moves to it at its next keyframe. */
    synchronized void prefer(String track, Integer width, Integer height) {
        preferred = track;
        preferredWidth = width == null ? 0 : width;
        preferredHeight = height == null ? 0 : height;
    }

    void video(String track, EncodedVideo unit) {
        if (recorder == null) {
            return;
        }
        int w;
        int h;
        Mp4Recorder r;
        synchronized (this) {
            r = recorder;
            if (r == null) {
                return;
            }
            if (!track.equals(recording)) {
                // a new subscription starts at its group's keyframe, which may be older than what was
                // already recorded: switch only at a keyframe after it, or the file would hold undecodable frames
                if (!track.equals(preferred) || !unit.keyframe() || unit.timestampMicros() <= lastVideoMicros) {
                    return;
                }
                recording = track;
            }
            lastVideoMicros = Math.max(lastVideoMicros, unit.timestampMicros());
            w = preferredWidth;
            h = preferredHeight;
        }
        r.video(unit, w, h);
    }

    void audio(EncodedAudio packet) {
        Mp4Recorder r = recorder;
        if (r != null) {
            r.audio(packet);
        }
    }

    synchronized void start(Mp4Recorder r) {
        if (recorder != null) {
            throw new IllegalStateException("already recording to " + recorder.file());
        }
        recording = null;
        lastVideoMicros = Long.MIN_VALUE;
        recorder = r;
    }

    /** Stops forwarding and returns the recorder (to close), or null when not recording. */
    synchronized Mp4Recorder stop() {
        Mp4Recorder r = recorder;
        recorder = null;
        recording = null;
        return r;
    }

    Mp4Recorder recorder() {
        return recorder;
    }
}
