package dev.parley.media.codec;

/**
 * One encoded video access unit. Parley's encoder writes H.264 Annex-B with SPS and PPS in-band on
 * keyframes; a watched rendition may carry another codec's bitstream, or H.264/HEVC as
 * length-prefixed NAL units when its catalog entry has a description.
 *
 * @param timestampMicros presentation time in microseconds (Parley: capture time since the Unix epoch)
 */
public record EncodedVideo(byte[] data, long timestampMicros, boolean keyframe) {
}
