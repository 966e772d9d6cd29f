package dev.parley.media.codec;

import org.bytedeco.ffmpeg.global.avcodec;

import java.util.Locale;
import java.util.Optional;

/**
 * The video codecs Parley can watch, named by their WebCodecs codec string prefix as a hang catalog
 * writes it: {@code avc1}/{@code avc3} (H.264, parameter sets out of band or in band),
 * {@code hvc1}/{@code hev1} (HEVC), {@code vp8}, {@code vp09} and {@code av01}. All go through
 * FFmpeg's software decoders ({@link VideoDecoder}).
 */
public enum VideoCodec {
    H264("h264", avcodec.AV_CODEC_ID_H264, "avc1", "avc3"),
    HEVC("hevc", avcodec.AV_CODEC_ID_HEVC, "hvc1", "hev1"),
    VP8("vp8", avcodec.AV_CODEC_ID_VP8, "vp8"),
    VP9("vp9", avcodec.AV_CODEC_ID_VP9, "vp09", "vp9"),
    AV1("av1", avcodec.AV_CODEC_ID_AV1, "av01");

    private final String label;
    private final int ffmpegId;
    private final String[] prefixes;
    private volatile Boolean available;

    VideoCodec(String label, int ffmpegId, String... prefixes) {
        this.label = label;
        this.ffmpegId = ffmpegId;
        this.prefixes = prefixes;
    }

    /** The codec a WebCodecs codec string names (its part before the first dot), if Parley knows it. */
    public static Optional<VideoCodec> fromCodecString(String codec) {
        if (codec == null) {
            return Optional.empty();
        }
        String head = codec.strip().toLowerCase(Locale.ROOT);
        int dot = head.indexOf('.');
        if (dot >= 0) {
            head = head.substring(0, dot);
        }
        for (VideoCodec c : values()) {
            for (String p : c.prefixes) {
                if (p.equals(head)) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }

    public String label() {
        return label;
    }

    int ffmpegId() {
        return ffmpegId;
    }

    /** True if this FFmpeg build has a decoder for the codec (looked up once). */
    public boolean decoderAvailable() {
        Boolean a = available;
        if (a == null) {
            Av.init();
            a = avcodec.avcodec_find_decoder(ffmpegId) != null;
            available = a;
        }
        return a;
    }

    /**
     * Why a rendition's {@code description} (hex-decoded) cannot configure this codec, or empty when
     * it can. H.264 wants an avcC record and HEVC an hvcC record (both start with version 1); the
     * other codecs ignore it.
     */
    public Optional<String> descriptionProblem(byte[] description) {
        if (description == null || description.length == 0) {
            return Optional.empty();
        }
        return switch (this) {
            case H264 -> description.length >= 7 && description[0] == 1 ? Optional.empty()
                    : Optional.of("description is not an avcC record");
            case HEVC -> description.length >= 23 && description[0] == 1 ? Optional.empty()
                    : Optional.of("description is not an hvcC record");
            default -> Optional.empty();
        };
    }
}
