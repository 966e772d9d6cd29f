package dev.parley.media.codec;

/**
 * One H.264 access unit in Annex-B; keyframes carry SPS and PPS in-band.
 *
 * @param timestampMicros capture time in microseconds since the Unix epoch
 */
public record EncodedVideo(byte[] data, long timestampMicros, boolean keyframe) {
}
