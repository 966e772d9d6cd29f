package dev.parley.media.codec;

/**
 * Simulcast presets. Default bitrate is {@code w × h × 0.07 × (30 + (fps − 30) / 2)} bits per second,
 * which is {@code w × h × 0.07 × 30} at 30 fps (180p ≈ 121 kbps … 1080p ≈ 4.35 Mbps).
 */
public enum VideoPreset {
    P180("180p", 320, 180, 30),
    P360("360p", 640, 360, 30),
    P720("720p", 1280, 720, 30),
    P1080("1080p", 1920, 1080, 30),
    /** Screen share: full HD at a low frame rate, sharper per frame. */
    SCREEN("screen", 1920, 1080, 10);

    private final String label;
    private final int width;
    private final int height;
    private final int fps;

    VideoPreset(String label, int width, int height, int fps) {
        this.label = label;
        this.width = width;
        this.height = height;
        this.fps = fps;
    }

    public String label() {
        return label;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int fps() {
        return fps;
    }

    public long defaultBitrate() {
        return Math.round(width * height * 0.07 * (30 + (fps - 30) / 2.0));
    }

    /** The hang track name, e.g. {@code video/h264-720p}. */
    public String trackName() {
        return "video/h264-" + label;
    }

    /** Camera presets, lowest first. */
    public static VideoPreset[] camera() {
        return new VideoPreset[]{P180, P360, P720, P1080};
    }

    public static VideoPreset byLabel(String label) {
        for (VideoPreset p : values()) {
            if (p.label.equalsIgnoreCase(label) || p.trackName().equals(label)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preset " + label);
    }

    /** Encoder settings for this preset with its default bitrate. */
    public VideoEncoderConfig config() {
        return new VideoEncoderConfig(width, height, fps, defaultBitrate(), fps);
    }
}
