package dev.parley.media.codec;

import dev.parley.media.MediaException;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The encoder probe on this machine's real FFmpeg: every hardware encoder goes through the same
 * open-and-encode check; h264_vaapi takes the hardware-frames path and, without a GPU, is turned
 * down at device creation with a clear reason and without leaking.
 */
@Timeout(120)
class EncoderProbeTest {
    private static boolean hasRenderNode() {
        File[] nodes = new File("/dev/dri").listFiles((d, n) -> n.startsWith("renderD"));
        return nodes != null && nodes.length > 0;
    }

    @Test
    void everyHardwareEncoderIsTriedInOrderAndTheChosenOneEncodes() {
        EncoderProbe.Result r = EncoderProbe.probe();
        System.out.println("probe: " + r);
        List<String> tried = r.rejected().stream().map(s -> s.substring(0, s.indexOf(':'))).toList();
        int chosenAt = EncoderProbe.HARDWARE.indexOf(r.chosen());
        List<String> expected = chosenAt < 0 ? EncoderProbe.HARDWARE : EncoderProbe.HARDWARE.subList(0, chosenAt);
        if (System.getProperty("parley.encoder") == null) {
            assertThat(tried).as("each hardware encoder before the chosen one was tried, in order").isEqualTo(expected);
        }
        assertThat(r.rejected()).allSatisfy(reason -> assertThat(reason).matches("h264_\\w+: .{10,}"));
        assertThat(EncoderProbe.tryEncoder(r.chosen())).as("the chosen encoder really encodes").isNull();
        if (!hasRenderNode() && chosenAt < 0) {
            assertThat(r.rejected()).anySatisfy(reason -> assertThat(reason)
                    .startsWith("h264_vaapi: no VAAPI device (av_hwdevice_ctx_create: "));
        }
    }

    @Test
    void vaapiWithoutADeviceFailsAtDeviceCreationNotAtOpen() {
        if (hasRenderNode()) {
            String why = EncoderProbe.tryEncoder("h264_vaapi");
            System.out.println("this machine has a DRM render node; h264_vaapi probe says: " + (why == null ? "usable" : why));
            assertThat(why == null || why.contains("VAAPI") || why.contains("h264_vaapi")).isTrue();
            return;
        }
        assertThat(EncoderProbe.tryEncoder("h264_vaapi"))
                .startsWith("no VAAPI device (av_hwdevice_ctx_create: ")
                .doesNotContain("Invalid argument (-22)");
    }

    @Test
    void aNamedVaapiDeviceThatDoesNotExistIsReported() {
        assertThatThrownBy(() -> HwFrames.open(avutil.AV_HWDEVICE_TYPE_VAAPI, avutil.AV_PIX_FMT_VAAPI,
                "/dev/dri/renderD199", 320, 180))
                .isInstanceOf(MediaException.class)
                .hasMessageStartingWith("no VAAPI device (av_hwdevice_ctx_create on /dev/dri/renderD199: ");
    }

    @Test
    void theVaapiDevicePropertyReachesTheEncoder() {
        String before = System.getProperty(H264Encoder.VAAPI_DEVICE_PROPERTY);
        System.setProperty(H264Encoder.VAAPI_DEVICE_PROPERTY, "/dev/dri/renderD198");
        try {
            assertThatThrownBy(() -> H264Encoder.open("h264_vaapi", new VideoEncoderConfig(320, 180, 30, 200_000, 30)))
                    .isInstanceOf(MediaException.class)
                    .hasMessageContaining("av_hwdevice_ctx_create on /dev/dri/renderD198");
        } finally {
            if (before == null) {
                System.clearProperty(H264Encoder.VAAPI_DEVICE_PROPERTY);
            } else {
                System.setProperty(H264Encoder.VAAPI_DEVICE_PROPERTY, before);
            }
        }
    }

    @Test
    void softwareAndSystemMemoryEncodersNeedNoHardwareFrames() {
        Av.init();
        for (String name : List.of("libx264", "h264_nvenc", "h264_qsv")) {
            var codec = org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name(name);
            if (codec != null) {
                assertThat(HwFrames.hardwareOnly(codec)).as(name + " takes frames from system memory").isNull();
            }
        }
        var vaapi = org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name("h264_vaapi");
        assertThat(vaapi).as("this FFmpeg build has h264_vaapi").isNotNull();
        var cfg = HwFrames.hardwareOnly(vaapi);
        assertThat(cfg).isNotNull();
        assertThat(cfg.device_type()).isEqualTo(avutil.AV_HWDEVICE_TYPE_VAAPI);
        assertThat(cfg.pix_fmt()).isEqualTo(avutil.AV_PIX_FMT_VAAPI);
    }

    @Test
    void repeatedFailedVaapiProbesDoNotGrowNativeMemory() {
        if (hasRenderNode()) {
            System.out.println("skipped: this machine has a DRM render node, so the failure path does not run");
            return;
        }
        for (int i = 0; i < 50; i++) {
            EncoderProbe.tryEncoder("h264_vaapi"); // warm-up: libva and driver lookups settle
        }
        System.gc();
        long before = Pointer.physicalBytes() - Runtime.getRuntime().totalMemory();
        for (int i = 0; i < Integer.getInteger("probes", 1000); i++) {
            assertThat(EncoderProbe.tryEncoder("h264_vaapi")).startsWith("no VAAPI device");
        }
        System.gc();
        // resident memory outside the Java heap (heap growth is not what a native leak looks like)
        long grown = Pointer.physicalBytes() - Runtime.getRuntime().totalMemory() - before;
        System.out.printf("non-heap resident memory change over %d failed VAAPI probes: %+.1f MB%n", Integer.getInteger("probes", 1000), grown / 1e6);
        assertThat(grown).as("bounded: no per-attempt leak").isLessThan(16_000_000L);
    }
}
