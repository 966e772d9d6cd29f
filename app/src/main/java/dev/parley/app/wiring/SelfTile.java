package dev.parley.app.wiring;

import dev.parley.app.service.Participant;
import dev.parley.app.service.StatsSnapshot;
import dev.parley.app.service.StatsSource;
import dev.parley.app.service.VideoFeed;
import dev.parley.app.service.VideoFrame;
import dev.parley.media.hang.VideoRendition;
import dev.parley.media.publish.LocalMedia;
import dev.parley.media.publish.LocalPreview;
import dev.parley.media.stats.EncoderStats;
import dev.parley.media.stats.PublishStats;

/**
 * Ourselves: a self-view of the published camera, the microphone's level as captured and the
 * encoder's statistics. Created off the UI thread (it starts the microphone meter).
 */
final class SelfTile implements Participant {
    private final String id;
    private final String displayName;
    private final String source;
    private final LocalMedia media;
    private final LocalPreview preview;
    private final VideoFeed feed;

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
            dev.parley.media.frame.VideoFrame f = preview.pollFrame();
            return f == null ? null : new VideoFrame(f.data(), f.width(), f.height(), f.width() * 4, f::close);
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

    /** The busiest running encoder of the camera broadcast stands for the capture pipeline. */
    private StatsSnapshot sample() {
        PublishStats p = media.stats();
        EncoderStats best = null;
        for (EncoderStats e : p.video()) {
            if (e.running() && (best == null || e.bitrateBps() > best.bitrateBps())) {
                best = e;
            }
        }
        if (best == null) {
            return StatsSnapshot.empty();
        }
        VideoRendition r = media.catalog().videoRenditions().get(best.track());
        String codec = r == null ? "" : r.codec();
        String size = r == null || r.codedWidth() == null ? "" : r.codedWidth() + "x" + r.codedHeight();
        return new StatsSnapshot(null,
                new StatsSnapshot.Capture(source, codec, best.encoder(), size, best.encodeFps(), best.encodeMillis(),
                        best.bitrateBps() / 1000.0),
                null, null);
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
