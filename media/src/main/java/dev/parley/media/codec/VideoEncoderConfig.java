package dev.parley.media.codec;

/**
 * What an H.264 encoder produces.
 *
 * @param bitrate          target bits per second
 * @param keyframeInterval frames between keyframes (fps = one per second)
 */
public record VideoEncoderConfig(int width, int height, int fps, long bitrate, int keyframeInterval) {
    public VideoEncoderConfig {
        if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("dimensions must be positive and even: " + width + "x" + height);
        }
        if (fps <= 0 || bitrate <= 0 || keyframeInterval <= 0) {
            throw new IllegalArgumentException("fps, bitrate and keyframe interval must be positive");
        }
    }

    public VideoEncoderConfig withBitrate(long bps) {
        return new VideoEncoderConfig(width, height, fps, bps, keyframeInterval);
    }
}
