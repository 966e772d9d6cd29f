package dev.parley.media.hang;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One video rendition in the catalog (WebCodecs {@code VideoDecoderConfig} style, camelCase).
 *
 * @param codec      WebCodecs codec string, e.g. {@code avc1.42c01f}
 * @param bitrate    bits per second (null = unknown)
 * @param framerate  frames per second
 * @param description optional hex AVCC record; absent means Annex-B in-band parameter sets
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record VideoRendition(String codec, Container container, String description, Integer codedWidth,
                             Integer codedHeight, Long bitrate, Double framerate, Boolean optimizeForLatency) {
    public static VideoRendition h264(String codec, int width, int height, long bitrate, double fps) {
        return new VideoRendition(codec, Container.LEGACY, null, width, height, bitrate, fps, true);
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
