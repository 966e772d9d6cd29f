package dev.parley.media.source;

import com.github.sarxos.webcam.Webcam;
import com.github.sarxos.webcam.WebcamDevice;
import com.github.sarxos.webcam.WebcamDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The webcam-capture capture path end to end through the real library (its Webcam class, task
 * processor, lock and buffer reads), with the one part this machine lacks replaced: the camera.
 * {@link PatternDevice} is a driver-level stand-in that serves a fixed RGB24 picture the way the
 * native grabber does (raw bytes into the caller's buffer), at one size whatever is asked.
 */
@Timeout(120)
class WebcamVideoSourceTest {
    private static final PatternDevice CAMERA = new PatternDevice("Pattern Cam");
    private static WebcamBackend backend;

    @BeforeAll
    static void installPatternDriver() {
        // Settle the process-wide backend first, so the stand-in driver never shows up in it.
        WebcamBackend.shared().discover();
        Webcam.setDriver(new WebcamDriver() {
            @Override
            public List<WebcamDevice> getDevices() {
                return List.of(CAMERA);
            }

            @Override
            public boolean isThreadSafe() {
                return false;
            }
        });
        backend = new WebcamBackend(Duration.ofSeconds(10), () -> WebcamLibrary.cameras(10_000));
    }

    @AfterAll
    static void restoreDriver() throws InterruptedException {
        // Also a check: resetting disposes the camera through webcam-capture's worker thread, which
        // never finishes if a stop had interrupted a caller mid-task (the worker would be wedged).
        Thread reset = Thread.ofPlatform().daemon().start(Webcam::resetDriver);
        reset.join(10_000);
        assertThat(reset.isAlive()).as("webcam-capture's worker still answers after our stops").isFalse();
    }

    @Test
    void framesArriveAsI420AtTheRequestedSizeWithTheCameraColoursAndCaptureStopsWithTheLastSink() throws Exception {
        WebcamBackend.Discovery d = backend.discover();
        assertThat(d.available()).as(String.valueOf(d.unavailable())).isTrue();
        assertThat(d.cameras()).extracting(WebcamBackend.Camera::name).containsExactly("Pattern Cam");
        WebcamVideoSource src = new WebcamVideoSource("Pattern Cam", d.cameras().getFirst().key(), 1280, 720, 30, backend);
        try {
            for (int round = 0; round < 2; round++) {
                int opensBefore = CAMERA.opens.get();
                List<int[]> frames = capture(src, 5);
                assertThat(CAMERA.opens.get()).isEqualTo(opensBefore + 1);
                assertThat(frames).allSatisfy(yuv -> {
                    // left half red (Y 82, V 240), right half blue (Y 41, V 110): BT.601 limited range
                    assertThat(yuv[0]).isCloseTo(82, within(3));
                    assertThat(yuv[1]).isCloseTo(240, within(3));
                    assertThat(yuv[2]).isCloseTo(41, within(3));
                    assertThat(yuv[3]).isCloseTo(110, within(3));
                });
                awaitClosed(src);
            }
        } finally {
            src.close();
        }
        assertThat(CAMERA.asked.get()).as("the requested size reached the driver").isEqualTo(new Dimension(1280, 720));
    }

    @Test
    void whenFfmpegCannotOpenACameraWebcamCaptureTakesOver() throws Exception {
        // A camera FFmpeg lists under the same name but cannot open (the node does not exist).
        var listed = new DeviceInfo(DeviceKind.CAMERA, 0, "Pattern Cam", "/dev/video-nonexistent", "video4linux2");
        CameraSource src = new CameraSource(listed, 640, 360, 30, backend);
        assertThat(src.backend()).isEqualTo("video4linux2");
        try {
            List<int[]> frames = capture(src, 3);
            assertThat(frames).hasSize(3);
            assertThat(src.backend()).isEqualTo(WebcamBackend.NAME);
            assertThat(src.lastError()).isNull();
            awaitClosed(src);
        } finally {
            src.close();
        }
    }

    /** Y and V at the left edge, Y and V at the right edge (mid-height) of {@code n} frames. */
    private static List<int[]> capture(VideoSource src, int n) throws InterruptedException {
        List<int[]> seen = new CopyOnWriteArrayList<>();
        CountDownLatch enough = new CountDownLatch(n);
        AtomicReference<RuntimeException> error = new AtomicReference<>();
        src.onError(error::set);
        try (var sub = src.subscribe(f -> {
            if (seen.size() >= n) {
                return;
            }
            assertThat(f.width()).isEqualTo(src.width());
            assertThat(f.height()).isEqualTo(src.height());
            ByteBuffer b = f.data();
            int w = f.width();
            int h = f.height();
            int vPlane = w * h + (w / 2) * (h / 2);
            int row = h / 2;
            seen.add(new int[]{b.get(row * w + 8) & 0xff, b.get(vPlane + (row / 2) * (w / 2) + 4) & 0xff,
                    b.get(row * w + w - 8) & 0xff, b.get(vPlane + (row / 2) * (w / 2) + w / 2 - 4) & 0xff});
            enough.countDown();
        })) {
            assertThat(enough.await(30, TimeUnit.SECONDS)).as("frames (error: %s)", error.get()).isTrue();
        }
        return seen.subList(0, n);
    }

    private static void awaitClosed(VideoSource src) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((src.isCapturing() || CAMERA.isOpen()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(src.isCapturing()).as("capture thread stopped").isFalse();
        assertThat(CAMERA.isOpen()).as("camera closed once nothing consumes it").isFalse();
    }

    /** A 640x480-only camera: left half red, right half blue, 10 fps, raw RGB24 like OpenIMAJ. */
    private static final class PatternDevice implements WebcamDevice, WebcamDevice.BufferAccess {
        private static final Dimension NATIVE = new Dimension(640, 480);
        private final String name;
        private final ByteBuffer picture = ByteBuffer.allocateDirect(640 * 480 * 3);
        private final AtomicInteger opens = new AtomicInteger();
        private final AtomicReference<Dimension> asked = new AtomicReference<>();
        private volatile boolean open;
        private Dimension size = NATIVE;

        PatternDevice(String name) {
            this.name = name;
            for (int y = 0; y < 480; y++) {
                for (int x = 0; x < 640; x++) {
                    picture.put((byte) (x < 320 ? 255 : 0)).put((byte) 0).put((byte) (x < 320 ? 0 : 255));
                }
            }
            picture.flip();
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public Dimension[] getResolutions() {
            return new Dimension[]{NATIVE};
        }

        @Override
        public Dimension getResolution() {
            return size;
        }

        @Override
        public void setResolution(Dimension size) {
            asked.set(size);
            this.size = size;
        }

        @Override
        public void open() {
            size = NATIVE; // like the native grabber: it delivers what the camera can
            opens.incrementAndGet();
            open = true;
        }

        @Override
        public void close() {
            open = false;
        }

        @Override
        public void dispose() {
            close();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public BufferedImage getImage() {
            throw new UnsupportedOperationException("Parley reads raw bytes");
        }

        @Override
        public ByteBuffer getImageBytes() {
            throw new UnsupportedOperationException("Parley reads into its own buffer");
        }

        @Override
        public void getImageBytes(ByteBuffer target) {
            try {
                Thread.sleep(100); // a slow camera: a stop almost always lands mid-read
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (target.remaining() > picture.capacity()) {
                throw new IllegalArgumentException("buffer larger than a frame"); // as webcam-capture 0.3.12
            }
            target.put(picture.duplicate().limit(target.remaining()));
        }
    }
}
