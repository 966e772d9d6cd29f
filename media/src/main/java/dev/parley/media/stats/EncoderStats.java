package dev.parley.media.stats;

/**
 * One video rendition's publishing stage.
 *
 * @param track        hang track name
 * @param encoder      FFmpeg encoder name ({@code libx264}, {@code h264_nvenc}, …)
 * @param running      whether the encoder runs (only while someone subscribes)
 * @param captureFps   frames per second arriving from the source
 * @param encodeFps    frames per second encoded
 * @param encodeMillis smoothed time per encode call, scaling included
 * @param bitrateBps   output bits per second over the last second
 */
public record EncoderStats(String track, String encoder, boolean running, double captureFps, double encodeFps,
                           double encodeMillis, long bitrateBps, long framesEncoded, long keyframes) {
}
