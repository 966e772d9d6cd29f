package dev.parley.media.watch;

import dev.parley.media.playout.AudioSink;

import java.time.Duration;

/**
 * How to watch a broadcast.
 *
 * @param choice     rendition choice (see {@link RenditionChoice})
 * @param maxLatency groups (and frames) further than this behind live are skipped; 150 ms by default
 * @param audio      whether to play audio
 * @param audioSink  where audio goes; null = the default speaker, or a real-time null sink if there is none
 */
public record WatchOptions(RenditionChoice choice, Duration maxLatency, boolean audio, AudioSink audioSink) {
    public static WatchOptions defaults() {
        return new WatchOptions(RenditionChoice.auto(), Duration.ofMillis(150), true, null);
    }

    public WatchOptions withChoice(RenditionChoice c) {
        return new WatchOptions(c, maxLatency, audio, audioSink);
    }

    public WatchOptions withAudioSink(AudioSink sink) {
        return new WatchOptions(choice, maxLatency, audio, sink);
    }

    public WatchOptions withAudio(boolean on) {
        return new WatchOptions(choice, maxLatency, on, audioSink);
    }

    public WatchOptions withMaxLatency(Duration d) {
        return new WatchOptions(choice, d, audio, audioSink);
    }
}
