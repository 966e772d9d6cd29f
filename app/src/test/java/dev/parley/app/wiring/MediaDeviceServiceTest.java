package dev.parley.app.wiring;

import dev.parley.app.service.BgraFrame;
import dev.parley.app.service.DeviceChoice;
import dev.parley.app.service.SelfPreview;
import dev.parley.app.service.ServiceException;
import dev.parley.app.service.SourceSelection;
import dev.parley.media.source.DeviceInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The preview over the real media module: test pattern through FFmpeg's scaler, test tone meter. */
@Timeout(60)
class MediaDeviceServiceTest {
    private final MediaDeviceService devices = new MediaDeviceService();

    @Test
    void listingNeverThrowsAndUsesPrefixedIds() {
        var list = devices.list();
        assertThat(list.cameras()).allMatch(d -> d.id().startsWith("camera:") && !d.synthetic());
        assertThat(list.microphones()).allMatch(d -> d.id().startsWith("microphone:"));
        assertThat(list.screens()).allMatch(d -> d.id().startsWith("screen:"));
    }

    @Test
    void testSourcesGiveBgraFramesAndAMicLevel() throws Exception {
        try (SelfPreview preview = devices.startPreview(SourceSelection.testSources())) {
            BgraFrame frame = null;
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (frame == null && System.nanoTime() < deadline) {
                frame = preview.video().poll();
                if (frame == null) {
                    Thread.sleep(20);
                }
            }
            assertThat(frame).as("a preview frame within 20 s").isNotNull();
            try (BgraFrame f = frame) {
                assertThat(f.width()).isEqualTo(MediaDeviceService.PREVIEW_WIDTH);
                assertThat(f.height()).isEqualTo(MediaDeviceService.PREVIEW_HEIGHT);
                assertThat(f.bgra().isDirect()).isTrue();
                // Opaque BGRA: every alpha byte of the first row is 255.
                for (int x = 0; x < f.width(); x++) {
                    assertThat(f.bgra().get(x * 4 + 3)).isEqualTo((byte) 0xFF);
                }
            }
            while (preview.micLevel() < 0.1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            // media's meter: a 0.3 full-scale sine is -13.5 dBFS RMS, on the 60 dB bar (60 - 13.5) / 60
            while (Math.abs(preview.micLevel() - 0.775) > 0.02 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(preview.micLevel()).as("the 0.3-amplitude tone moves the meter")
                    .isCloseTo(0.775, org.assertj.core.data.Offset.offset(0.02));
        }
    }

    @Test
    void cameraOffGivesNoFramesAndAWrongIdIsAReadableError() {
        try (SelfPreview preview = devices.startPreview(new SourceSelection(DeviceChoice.OFF, DeviceChoice.OFF, DeviceChoice.OFF))) {
            assertThat(preview.video().poll()).isNull();
            assertThat(preview.micLevel()).isZero();
        }
        DeviceChoice bogus = new DeviceChoice("camera:/dev/video99", "Gone camera", false);
        assertThatThrownBy(() -> devices.startPreview(new SourceSelection(bogus, DeviceChoice.OFF, DeviceChoice.OFF)))
                .isInstanceOf(ServiceException.class).hasMessageNotContaining("Exception");
        DeviceChoice wrongKind = new DeviceChoice("microphone:x", "Mic", false);
        assertThatThrownBy(() -> devices.startPreview(new SourceSelection(wrongKind, DeviceChoice.OFF, DeviceChoice.OFF)))
                .isInstanceOf(ServiceException.class).hasMessageContaining("is not a camera");
    }

    @Test
    void aCameraOnTheSecondBackendSaysSoInItsLabel() {
        var kind = dev.parley.media.source.DeviceKind.CAMERA;
        assertThat(MediaDeviceService.label(new DeviceInfo(kind, 1, "USB Camera",
                "webcam:USB Camera /dev/video2", "webcam-capture"))).isEqualTo("USB Camera (webcam-capture)");
        assertThat(MediaDeviceService.label(new DeviceInfo(kind, 0, "Integrated Camera",
                "/dev/video0", "video4linux2"))).isEqualTo("Integrated Camera");
    }
}
