package dev.parley.media.codec;

/**
 * One raw Opus packet (20 ms).
 *
 * @param timestampMicros capture time of its first sample, microseconds since the Unix epoch
 */
public record EncodedAudio(byte[] data, long timestampMicros) {
}
