package dev.parley.media.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

@Timeout(60)
class DevicesTest {
    @Test
    void listingNeverThrowsAndIndexesEachKind() {
        List<DeviceInfo> all = Devices.list();
        for (DeviceKind k : DeviceKind.values()) {
            List<DeviceInfo> ofKind = Devices.list(k);
            for (int i = 0; i < ofKind.size(); i++) {
                assertThat(ofKind.get(i).index()).isEqualTo(i);
                assertThat(ofKind.get(i).name()).isNotBlank();
            }
        }
        int sum = 0;
        for (DeviceKind k : DeviceKind.values()) {
            sum += Devices.list(k).size();
        }
        assertThat(all).hasSize(sum);
    }

    @Test
    void missingCameraGivesAClearErrorListingWhatExists() {
        assumeThat(Devices.list(DeviceKind.CAMERA)).as("this check needs a machine without cameras").isEmpty();
        assertThatThrownBy(() -> GrabberVideoSource.camera(null, 1280, 720, 30))
                .isInstanceOf(DeviceUnavailableException.class)
                .hasMessageStartingWith("camera 'default' is not available (none found")
                .hasMessageEndingWith("; no camera devices are available on this machine");
        assertThatThrownBy(() -> MicrophoneSource.open("Blue Yeti"))
                .isInstanceOf(DeviceUnavailableException.class)
                .hasMessageContaining("microphone 'Blue Yeti' is not available");
        assumeThat(Devices.list(DeviceKind.SPEAKER)).as("and without speakers").isEmpty();
        assertThatThrownBy(dev.parley.media.playout.SpeakerSink::open).isInstanceOf(DeviceUnavailableException.class)
                .hasMessageContaining("speaker 'default' is not available")
                .hasMessageContaining("no speaker devices are available");
        // the routed speaker plays on no device (real-time paced silence) until an output appears or is chosen
        try (var sink = dev.parley.media.playout.SpeakerSink.openOrNull()) {
            assertThat(sink.name()).isEqualTo("none (no output device)");
        }
    }

    @Test
    void openingANonexistentDeviceNodeFailsCleanlyOnTheCaptureThread() throws Exception {
        assumeThat(Devices.os()).isEqualTo("linux");
        var src = new GrabberVideoSource(DeviceKind.CAMERA, "ghost", "/dev/video-nonexistent", "video4linux2",
                640, 360, 30, java.util.Map.of());
        AtomicReference<RuntimeException> error = new AtomicReference<>();
        src.onError(error::set);
        try (var sub = src.subscribe(f -> { })) {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (error.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        assertThat(error.get()).isInstanceOf(DeviceUnavailableException.class)
                .hasMessageContaining("camera 'ghost' is not available")
                .hasMessageContaining("available");
        assertThat(src.isCapturing()).isFalse();
        src.close();
    }

    @Test
    void chooseByIndexAndNameAgainstTheRealList() {
        for (DeviceKind k : DeviceKind.values()) {
            List<DeviceInfo> list = Devices.list(k);
            if (list.isEmpty()) {
                assertThatThrownBy(() -> Devices.choose(k, "0")).isInstanceOf(DeviceUnavailableException.class);
                continue;
            }
            assertThat(Devices.choose(k, "0")).isEqualTo(list.getFirst());
            assertThat(Devices.choose(k, list.getLast().name())).isEqualTo(list.getLast());
            assertThatThrownBy(() -> Devices.choose(k, "99")).isInstanceOf(DeviceUnavailableException.class)
                    .hasMessageContaining(list.getFirst().name());
        }
    }

    @Test
    void ffmpegDeviceCapturePathDeliversI420FramesThroughLavfi() throws Exception {
        // The same FFmpegFrameGrabber path cameras and screens use, on FFmpeg's lavfi virtual device.
        var src = GrabberVideoSource.lavfi("testsrc2=size=640x360:rate=30", 640, 360, 30);
        java.util.concurrent.CountDownLatch five = new java.util.concurrent.CountDownLatch(5);
        AtomicReference<RuntimeException> error = new AtomicReference<>();
        src.onError(error::set);
        List<int[]> sizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var sub = src.subscribe(f -> {
            sizes.add(new int[]{f.width(), f.height(), f.data().remaining()});
            five.countDown();
        })) {
            assertThat(five.await(20, java.util.concurrent.TimeUnit.SECONDS))
                    .as("lavfi frames (error: %s)", error.get()).isTrue();
        }
        assertThat(sizes).allSatisfy(s -> assertThat(s).containsExactly(640, 360, 640 * 360 * 3 / 2));
        src.close();
    }
}
