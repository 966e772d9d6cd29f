package dev.parley.media.codec;

import dev.parley.media.MediaException;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.source.TimestampBarcode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link VideoDecoder} on the other codecs a hang catalog may name, encoded by FFmpeg's own encoders. */
@Timeout(120)
class VideoDecoderCodecsTest {

    @ParameterizedTest(name = "{0} from {1}")
    @CsvSource({
            "hev1.1.6.L60.90, libx265, hevc (ffmpeg)",
            "vp8, libvpx, vp8 (ffmpeg)",
            "vp09.00.10.08, libvpx-vp9, vp9 (ffmpeg)",
            "av01.0.04M.08, libaom-av1, libaom-av1 (ffmpeg)",
    })
    void decodesEveryFrameWithItsBarcode(String codecString, String encoder, String decoderName) {
        List<EncodedVideo> units = TestVideoEncoder.encode(encoder, 320, 180, 20, 10);
        assertThat(units.getFirst().keyframe()).isTrue();
        assertThat(units.stream().filter(EncodedVideo::keyframe)).hasSize(2);
        VideoCodec codec = VideoCodec.fromCodecString(codecString).orElseThrow();
        List<Long> decoded = new ArrayList<>();
        try (VideoDecoder dec = new VideoDecoder(codec, null, PixelFormat.BGRA)) {
            assertThat(dec.name()).isEqualTo(decoderName);
            for (EncodedVideo u : units) {
                for (VideoFrame f : dec.decode(u)) {
                    try (f) {
                        assertThat(f.width()).isEqualTo(320);
                        assertThat(TimestampBarcode.read(f)).isEqualTo(f.captureMicros() / 1000);
                        decoded.add(f.captureMicros());
                    }
                }
            }
            assertThat(dec.errors()).isZero();
        }
        assertThat(decoded).as("low delay: every frame out as it goes in").hasSize(20).isSorted();
    }

    /** Other publishers may send B-frames (decode order ≠ display order): the low-delay flag must not break reordering. */
    @Test
    void h264WithBFramesComesOutInDisplayOrder() {
        List<EncodedVideo> units = TestVideoEncoder.encode("libx264", 320, 180, 30, 15, 2);
        List<Long> sent = units.stream().map(EncodedVideo::timestampMicros).toList();
        assertThat(sent).as("decode order").isNotEqualTo(sent.stream().sorted().toList());
        List<Long> decoded = new ArrayList<>();
        try (VideoDecoder dec = new VideoDecoder(PixelFormat.BGRA)) {
            for (EncodedVideo u : units) {
                for (VideoFrame f : dec.decode(u)) {
                    try (f) {
                        assertThat(TimestampBarcode.read(f)).isEqualTo(f.captureMicros() / 1000);
                        decoded.add(f.captureMicros());
                    }
                }
            }
        }
        // the reorder delay holds the last two frames back (nothing flushes a live stream)
        assertThat(decoded).hasSizeBetween(27, 30).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void codecStringsMapToCodecs() {
        assertThat(VideoCodec.fromCodecString("avc1.42c01f")).contains(VideoCodec.H264);
        assertThat(VideoCodec.fromCodecString("avc3.640028")).contains(VideoCodec.H264);
        assertThat(VideoCodec.fromCodecString("hvc1.1.6.L93.B0")).contains(VideoCodec.HEVC);
        assertThat(VideoCodec.fromCodecString("vp09.00.10.08")).contains(VideoCodec.VP9);
        assertThat(VideoCodec.fromCodecString("VP8")).contains(VideoCodec.VP8);
        assertThat(VideoCodec.fromCodecString("av01.0.08M.08")).contains(VideoCodec.AV1);
        assertThat(VideoCodec.fromCodecString("mp4v.20.9")).isEmpty();
        assertThat(VideoCodec.fromCodecString("avc1x")).isEmpty();
        assertThat(VideoCodec.fromCodecString("")).isEmpty();
        assertThat(VideoCodec.values()).allMatch(VideoCodec::decoderAvailable);
    }

    @Test
    void aDescriptionThatIsNotACodecRecordIsRefusedBeforeFfmpegSeesIt() {
        assertThatThrownBy(() -> new VideoDecoder(VideoCodec.H264, new byte[]{0, 1, 2}, PixelFormat.BGRA))
                .isInstanceOf(MediaException.class).hasMessage("description is not an avcC record");
        assertThatThrownBy(() -> new VideoDecoder(VideoCodec.HEVC, new byte[30], PixelFormat.BGRA))
                .isInstanceOf(MediaException.class).hasMessage("description is not an hvcC record");
    }
}
