package dev.parley.media.hang;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One video rendition in the catalog (WebCodecs {@code VideoDecoderConfig} style, camelCase).
 *
 * @param codec      WebCodecs codec string, e.g. {@code avc1.42c01f}
 * @param bitrate    bits per second (null = unknown)
 * @param framerate  frames per second
 * @param description optional hex codec configuration record (avcC for H.264, hvcC for HEVC): when
 *                    present, frames are length-prefixed NAL units; absent means Annex-B with in-band
 *                    parameter sets
 * @param jitter      the publisher's maximum delay before a frame is sent, in milliseconds (null = none)
 * @param broadcast   where the track lives, relative to the catalog's broadcast (e.g. {@code ../source});
 *                    null = the same broadcast (hang 0.3.5)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record VideoRendition(String codec, Container container, String description, Integer codedWidth,
                             Integer codedHeight, Long bitrate, Double framerate, Boolean optimizeForLatency,
                             Long jitter, String broadcast) {
    public static VideoRendition h264(String codec, int width, int height, long bitrate, double fps) {
        return new VideoRendition(codec, Container.LEGACY, null, width, height, bitrate, fps, true, null, null);
    }

    /** This rendition declaring {@code jitterMillis} (null: none, and players fall back to one frame interval). */
    public VideoRendition withJitter(Long jitterMillis) {
        return new VideoRendition(codec, container, description, codedWidth, codedHeight, bitrate, framerate,
                optimizeForLatency, jitterMillis, broadcast);
    }

    /** The description's bytes, or null when there is none (the schema guarantees even-length hex). */
    public byte[] descriptionBytes() {
        return description == null || description.isEmpty() ? null : java.util.HexFormat.of().parseHex(description);
    }

    public long jitterMillisOrZero() {
        return jitter == null ? 0 : jitter;
    }

    /** Pixels (0 when the size is not given). */
    public long pixels() {
        return codedWidth == null || codedHeight == null ? 0 : (long) codedWidth * codedHeight;
    }

    public long bitrateOrZero() {
        return bitrate == null ? 0 : bitrate;
    }

    public String containerKind() {
        return container == null ? "legacy" : container.kind();
    }
}
