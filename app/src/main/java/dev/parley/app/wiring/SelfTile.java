package dev.parley.app.wiring;

import dev.parley.app.service.BgraFrame;
import dev.parley.app.service.Participant;
import dev.parley.app.service.StatsSnapshot;
import dev.parley.app.service.StatsSource;
import dev.parley.app.service.VideoFeed;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.hang.VideoRendition;
import dev.parley.media.publish.LocalMedia;
import dev.parley.media.publish.LocalPreview;
import dev.parley.media.stats.EncoderStats;
import dev.parley.media.stats.PublishStats;
import dev.parley.media.voice.EchoStats;
import dev.parley.media.voice.VoiceProcessing;
import dev.parley.media.watch.RenditionChoice;
import java.util.Map;

/**
 * Ourselves: a self-view of the published camera, the microphone's level as captured and the
 * encoder's statistics. Created off the UI thread (it starts the microphone meter).
 */
final class SelfTile implements Participant {
    private final String id;
    private final String displayName;
    private volatile String source; // the camera's name, for the overlay; follows switches and fallbacks
    private final LocalMedia media;
    private final LocalPreview preview;
    private final VideoFeed feed;

    /** The camera now captured from (after a switch or a fallback), as the overlay's CAPTURE line names it. */
    void source(String cameraName) {
        this.source = cameraName;
    }

    SelfTile(String id, String displayName, String source, LocalMedia media) {
        this.id = id;
        this.displayName = displayName;
        this.source = source;
        this.media = media;
        this.preview = media.preview(MediaDeviceService.PREVIEW_WIDTH, MediaDeviceService.PREVIEW_HEIGHT);
        media.meterMicrophone(true);
        this.feed = () -> {
            if (!media.cameraOn()) {
                return null;
            }
            VideoFrame f = preview.pollFrame();
            return f == null ? null : new BgraFrame(f.data(), f.width(), f.height(), f.width() * 4, f::close);
        };
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String displayName() {
        return displayName;
    }

    @Override
    public boolean isLocal() {
        return true;
    }

    @Override
    public VideoFeed video() {
        return feed;
    }

    @Override
    public StatsSource stats() {
        return this::sample;
    }

    /**
     * The CAPTURE section: the busiest running encoder of the camera broadcast stands for the pipeline.
     * While nobody watches no encoder runs; the section then names the source and the largest rendition
     * with the encoder marked idle, and no rates (an idle encoder is not a slow one).
     */
    private StatsSnapshot sample() {
        return new StatsSnapshot(null, capture(source, media.stats(), media.catalog().videoRenditions())
                .withVoice(voice(VoiceProcessing.shared().enabled(), VoiceProcessing.shared().stats())), null, null);
    }

    /** {@code "echo cancel on · −31 dB echo"}, {@code "echo cancel off"}, or why it cannot run. */
    static String voice(boolean enabled, EchoStats s) {
        if (s.unavailable() != null) {
            return "echo cancel unavailable (" + s.unavailable() + ")";
        }
        if (!enabled) {
            return "echo cancel off";
        }
        if (!s.active()) {
            return "echo cancel on (idle: no microphone)";
        }
        return Double.isNaN(s.reductionDb()) ? "echo cancel active · no far end yet"
                : String.format(java.util.Locale.ROOT, "echo cancel active · ERLE %.0f dB", s.reductionDb());
    }

    static StatsSnapshot.Capture capture(String source, PublishStats p, Map<String, VideoRendition> renditions) {
        if (!p.cameraOn()) {
            return new StatsSnapshot.Capture(source + " (camera off)", "", "", "", Double.NaN, Double.NaN, 0);
        }
        EncoderStats best = null;
        for (EncoderStats e : p.video()) {
            // only the camera's renditions: a screen share has encoders of its own
            if (renditions.containsKey(e.track()) && e.running() && (best == null || e.bitrateBps() > best.bitrateBps())) {
                best = e;
            }
        }
        if (best == null) {
            var ranked = RenditionChoice.ranked(renditions);
            VideoRendition r = ranked.isEmpty() ? null : ranked.getFirst().getValue();
            String encoder = p.video().isEmpty() ? "" : p.video().getFirst().encoder() + " (idle: nobody watching)";
            return new StatsSnapshot.Capture(source, r == null ? "" : r.codec(), encoder, size(r), Double.NaN, Double.NaN, 0);
        }
        VideoRendition r = renditions.get(best.track());
        return new StatsSnapshot.Capture(source, r == null ? "" : r.codec(), best.encoder(), size(r), best.encodeFps(),
                best.encodeMillis(), best.bitrateBps() / 1000.0);
    }

    private static String size(VideoRendition r) {
        return r == null || r.codedWidth() == null ? "" : r.codedWidth() + "x" + r.codedHeight();
    }

    @Override
    public double audioLevel() {
        return LevelScale.of(media.micLevel());
    }

    void close() {
        media.meterMicrophone(false);
        preview.close();
    }
}
