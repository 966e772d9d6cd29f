package dev.parley.media.watch;

import dev.parley.media.hang.AudioRendition;
import dev.parley.media.hang.Catalog;
import dev.parley.media.playout.AudioClock;
import dev.parley.media.playout.AudioSink;
import dev.parley.media.playout.JitterBuffer;
import dev.parley.media.playout.MeteredSink;
import dev.parley.media.playout.SpeakerSink;
import dev.parley.media.stats.AudioLevel;
import dev.parley.media.stats.AudioLevelMeter;
import dev.parley.media.voice.VoiceProcessing;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * The audio side of a watcher: subscribes the catalog's first playable Opus rendition and plays it
 * through one {@link AudioPlayout} (opened with the first rendition, kept across re-subscriptions), whose
 * clock paces the video. Confined to the owner's actor thread ({@code RemoteMedia}); {@link #playout()} and
 * {@link #level()} are read from any thread, and {@link #close()} runs after that actor has stopped.
 */
final class AudioWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AudioWatcher.class);

    private final AudioClock clock;
    private final AudioSink configuredSink;
    private final Duration maxLatency;
    private final java.util.concurrent.atomic.AtomicLong stalledGroups;
    private final java.util.function.Supplier<dev.parley.media.hang.MediaTimeline> timeline;
    private final AudioLevelMeter level = new AudioLevelMeter();
    private final RecordingTap tap;
    private volatile AudioPlayout playout;
    private AudioTrackReader reader;
    private final dev.parley.media.adapt.ArrivalWindow arrivals;

    /** @param arrivals where the reader counts each audio frame's arrival (the silence signal), or null */
    AudioWatcher(AudioClock clock, AudioSink sink, Duration maxLatency, java.util.concurrent.atomic.AtomicLong stalledGroups,
                 RecordingTap tap, java.util.function.Supplier<dev.parley.media.hang.MediaTimeline> timeline,
                 dev.parley.media.adapt.ArrivalWindow arrivals) {
        this.arrivals = arrivals;
        this.tap = tap;
        this.timeline = timeline;
        this.clock = clock;
        this.stalledGroups = stalledGroups;
        this.configuredSink = sink;
        this.maxLatency = maxLatency;
    }

    /**
     * Follows the catalog: stops when it offers no playable audio, subscribes when nothing is being read.
     *
     * @param source the broadcast a rendition's track lives in (by its relative broadcast), or null
     */
    void refresh(Catalog catalog, Function<String, BroadcastConsumer> source) {
        Map.Entry<String, AudioRendition> entry = choose(catalog.audioRenditions().entrySet().stream()
                .filter(e -> isOpus(e.getValue()) && source.apply(e.getValue().broadcast()) != null).toList());
        if (entry == null) {
            if (reader != null) {
                reader.close();
                reader = null;
            }
            return;
        }
        if (reader != null && !reader.ended()) {
            return;
        }
        if (playout == null) {
            // what the speaker plays is the echo canceller's reference; a configured sink (tests, headless) is no speaker
            AudioSink sink = configuredSink != null ? configuredSink : VoiceProcessing.shared().tap(SpeakerSink.openOrNull());
            // Parley's sinks and level meter are mono; an Opus decoder opened for one channel downmixes a
            // stereo stream (other hang publishers often send stereo), so decode to mono whatever arrives.
            int channels = 1;
            playout = new AudioPlayout(new MeteredSink(sink, level, channels), clock, channels);
        }
        try {
            TrackConsumer c = source.apply(entry.getValue().broadcast())
                    .subscribe(new TrackInfo(entry.getKey(), TrackInfo.PRIORITY_AUDIO)).maxLatency(maxLatency);
            reader = new AudioTrackReader(c, playout, stalledGroups, tap, timeline, arrivals);
        } catch (MoqException | IllegalStateException e) {
            LOG.debug("cannot subscribe audio: {}", e.getMessage());
        }
    }

    /** Whether the audio track being read has ended (the publisher restarted it). */
    boolean ended() {
        return reader != null && reader.ended();
    }

    /** Stops reading (audio is not wanted); the playout stays for a later refresh. */
    void stop() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    AudioPlayout playout() {
        return playout;
    }

    AudioLevel level() {
        return level.level();
    }

    /**
     * The first playable rendition whose packets are not shorter than the playout's 20 ms tick (a
     * declared {@code jitter} under 20 ms means shorter packets, such as the 10 ms track Parley offers
     * hang web players; no {@code jitter} is taken as 20 ms, hang's Opus default), else the first.
     */
    static Map.Entry<String, AudioRendition> choose(java.util.List<Map.Entry<String, AudioRendition>> playable) {
        return playable.stream()
                .filter(e -> e.getValue().jitter() == null || e.getValue().jitter() * 1000 >= JitterBuffer.FRAME_MICROS)
                .findFirst().orElse(playable.isEmpty() ? null : playable.getFirst());
    }

    // Opus with more than two channels needs a multistream mapping (an OpusHead description): not played.
    private static boolean isOpus(AudioRendition a) {
        return "opus".equals(a.codec()) && a.containerKind().equals("legacy")
                && (a.numberOfChannels() == null || a.numberOfChannels() <= 2);
    }

    @Override
    public void close() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
        if (playout != null) {
            playout.close();
        }
    }
}
