package dev.parley.media.codec;

import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.source.TestPatternSource;
import dev.parley.media.source.TimestampBarcode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Real libx264 → FFmpeg h264 decode at 720p on the synthetic source. */
@Timeout(120)
class VideoRoundTripTest {

    /** Luma PSNR between two I420 frames of equal size. */
    static double psnr(VideoFrame a, VideoFrame b) {
        ByteBuffer x = a.data();
        ByteBuffer y = b.data();
        int n = a.width() * a.height();
        double sse = 0;
        for (int i = 0; i < n; i++) {
            int d = Byte.toUnsignedInt(x.get(i)) - Byte.toUnsignedInt(y.get(i));
            sse += d * d;
        }
        double mse = sse / n;
        return mse == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    @Test
    void encodesAndDecodes720pWithPsnrBarcodeAndMonotonicTimestamps() {
        TestPatternSource pattern = TestPatternSource.hd();
        VideoEncoderConfig cfg = VideoPreset.P720.config();
        List<Double> psnrs = new ArrayList<>();
        List<Long> timestamps = new ArrayList<>();
        int keyframes = 0;
        try (H264Encoder enc = H264Encoder.open(H264Encoder.SOFTWARE, cfg);
             H264Decoder dec = new H264Decoder(PixelFormat.I420);
             H264Decoder bgra = new H264Decoder(PixelFormat.BGRA)) {
            assertThat(enc.unusedOptions()).as("libx264 accepted every option").isEmpty();
            long base = 1_763_680_000_000_000L;
            for (int i = 0; i < 45; i++) {
                long micros = base + i * 33_333L;
                try (VideoFrame src = VideoFrame.allocate(1280, 720, PixelFormat.I420, micros, null)) {
                    pattern.render(src, i);
                    TimestampBarcode.draw(src.data(), 1280, 720, micros / 1000);
                    for (EncodedVideo unit : enc.encode(src)) {
                        assertThat(unit.timestampMicros()).isEqualTo(micros);
                        if (unit.keyframe()) {
                            keyframes++;
                            assertThat(H264Sps.find(unit.data())).isPresent();
                            assertThat(unit.data()).startsWith(0, 0, 0, 1);
                        }
                        for (VideoFrame out : dec.decode(unit)) {
                            try (out) {
                                psnrs.add(psnr(src, out));
                                timestamps.add(out.captureMicros());
                                assertThat(TimestampBarcode.read(out)).isEqualTo(micros / 1000);
                            }
                        }
                        for (VideoFrame out : bgra.decode(unit)) {
                            try (out) {
                                assertThat(out.format()).isEqualTo(PixelFormat.BGRA);
                                assertThat(TimestampBarcode.read(out)).isEqualTo(micros / 1000);
                            }
                        }
                    }
                }
            }
        }
        assertThat(psnrs).hasSize(45);
        assertThat(psnrs).allSatisfy(p -> assertThat(p).isGreaterThanOrEqualTo(30.0));
        assertThat(timestamps).isSorted().doesNotHaveDuplicates();
        assertThat(keyframes).as("one keyframe per second at 30 fps over 45 frames").isEqualTo(2);
    }

    @Test
    void keyframeOnDemandAndCodecStringFromSps() {
        try (H264Encoder enc = H264Encoder.open(H264Encoder.SOFTWARE, VideoPreset.P360.config());
             VideoFrame src = VideoFrame.allocate(1280, 720, PixelFormat.I420, 1, null)) {
            TestPatternSource.hd().render(src, 0);
            EncodedVideo first = enc.encode(src).getFirst();
            assertThat(first.keyframe()).isTrue();
            String codec = H264Sps.codecStringOf(first.data());
            assertThat(codec).matches("avc1\\.[0-9a-f]{6}");
            byte[] sps = H264Sps.find(first.data()).orElseThrow();
            assertThat(codec).isEqualTo(String.format("avc1.%02x%02x%02x", sps[1], sps[2], sps[3]));
            assertThat(sps[1]).as("libx264 ultrafast uses Constrained Baseline (66)").isEqualTo((byte) 66);
            assertThat(enc.encode(src).getFirst().keyframe()).isFalse();
            enc.requestKeyframe();
            EncodedVideo forced = enc.encode(src).getFirst();
            assertThat(forced.keyframe()).isTrue();
            assertThat(H264Sps.find(forced.data())).isPresent();
        }
    }

    @Test
    void codecStringOfKnownSps() {
        byte[] au = {0, 0, 0, 1, 0x67, 0x42, (byte) 0xc0, 0x1f, 0x11, 0, 0, 1, 0x68, 1};
        assertThat(H264Sps.codecStringOf(au)).isEqualTo("avc1.42c01f");
        assertThat(H264Sps.find(new byte[]{0, 0, 1, 0x65, 1, 2})).isEmpty();
    }

    @Test
    void probeFallsBackToSoftwareWithReasons() {
        EncoderProbe.Result r = EncoderProbe.probe();
        assertThat(r.chosen()).isNotBlank();
        if (r.chosen().equals(H264Encoder.SOFTWARE)) {
            assertThat(r.rejected()).hasSize(EncoderProbe.HARDWARE.size());
        }
    }
}
