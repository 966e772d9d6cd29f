package dev.parley.media.publish;

import dev.parley.media.codec.VideoEncoderConfig;
import dev.parley.media.codec.VideoPreset;

import java.util.List;

/**
 * What {@link LocalMedia} publishes.
 *
 * @param presets       camera renditions offered (only those not larger than the source are used)
 * @param encoder       FFmpeg H.264 encoder name, or null to probe hardware and fall back to libx264
 * @param bitsPerPixel  bitrate factor: bitrate = w × h × bitsPerPixel × (30 + (fps − 30) / 2); 0.07 by default
 * @param audioBitrate  Opus bits per second
 * @param screenPreset  the screen-share rendition
 */
public record PublishOptions(List<VideoPreset> presets, String encoder, double bitsPerPixel, long audioBitrate,
                             VideoPreset screenPreset) {
    public PublishOptions {
        presets = List.copyOf(presets);
        if (bitsPerPixel <= 0 || audioBitrate <= 0) {
            throw new IllegalArgumentException("bitrates must be positive");
        }
    }

    /** 180p, 360p, 720p, 1080p; probed encoder; 0.07 bpp; Opus 32 kbps; screen 1080p at 10 fps. */
    public static PublishOptions defaults() {
        return new PublishOptions(List.of(VideoPreset.camera()), null, 0.07, 32_000, VideoPreset.SCREEN);
    }

    public PublishOptions withPresets(VideoPreset... p) {
        return new PublishOptions(List.of(p), encoder, bitsPerPixel, audioBitrate, screenPreset);
    }

    public PublishOptions withEncoder(String name) {
        return new PublishOptions(presets, name, bitsPerPixel, audioBitrate, screenPreset);
    }

    public PublishOptions withBitsPerPixel(double bpp) {
        return new PublishOptions(presets, encoder, bpp, audioBitrate, screenPreset);
    }

    /** Encoder settings for a preset under these options. */
    public VideoEncoderConfig config(VideoPreset p) {
        long bitrate = Math.round(p.width() * p.height() * bitsPerPixel * (30 + (p.fps() - 30) / 2.0));
        return new VideoEncoderConfig(p.width(), p.height(), p.fps(), bitrate, p.fps());
    }
}
