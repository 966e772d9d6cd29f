package dev.parley.media.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * webcam-capture as the second camera backend on a machine without cameras: listing returns
 * promptly and quietly, a missing camera gets the clear error, failures become a reason.
 */
@Timeout(120)
class WebcamBackendTest {
    private static boolean machineHasVideoNodes() {
        try (var s = Files.list(Path.of("/dev"))) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("video"));
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void listingWithTheWebcamBackendReturnsPromptlyAndFindsNoCameraHere() {
        long t0 = System.nanoTime();
        List<DeviceInfo> cameras = Devices.list(DeviceKind.CAMERA);
        long firstMs = (System.nanoTime() - t0) / 1_000_000;
        t0 = System.nanoTime();
        Devices.list(DeviceKind.CAMERA);
        long againMs = (System.nanoTime() - t0) / 1_000_000;
        WebcamBackend.Discovery d = WebcamBackend.shared().discover();
        System.out.printf("camera listing: first %d ms, again %d ms; webcam-capture: %s%n", firstMs, againMs,
                d.available() ? d.cameras() : "unavailable: " + d.unavailable());
        // Bounded by the discovery deadline (5 s) plus FFmpeg's own listing.
        assertThat(firstMs).isLessThan(15_000);
        if (machineHasVideoNodes()) {
            System.out.println("this machine has /dev/video* nodes: the no-camera assertions do not apply");
            return;
        }
        assertThat(cameras).isEmpty();
        assertThat(d.cameras()).isEmpty();
    }

    @Test
    void theBackendIsUnavailableHereForTheReasonThePreflightFinds() {
        String problem = WebcamBackend.nativeGrabberProblem();
        WebcamBackend.Discovery d = WebcamBackend.shared().discover();
        if (problem == null) {
            System.out.println("webcam-capture's native grabber loads on this machine; the unavailable path "
                    + "is covered by the deadline and error tests below instead");
            assertThat(d.available()).as("grabber loads, so discovery should work: %s", d.unavailable()).isTrue();
            return;
        }
        System.out.println("webcam-capture unavailable here: " + problem);
        assertThat(d.available()).isFalse();
        assertThat(d.cameras()).isEmpty();
        assertThat(d.unavailable()).isEqualTo(problem);
        if (Devices.os().equals("linux") && !Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libv4l2.so.0"))) {
            assertThat(problem).contains("libv4l2.so.0 is missing (install libv4l-0)");
        }
        // and a camera request says so, next to the (empty) list
        if (!machineHasVideoNodes()) {
            assertThatThrownBy(() -> CameraSource.open(null, 1280, 720, 30))
                    .isInstanceOf(DeviceUnavailableException.class)
                    .hasMessage("camera 'default' is not available (none found; webcam-capture unavailable: "
                            + d.unavailable() + "); no camera devices are available on this machine");
        }
    }

    @Test
    void aDiscoveryThatHangsIsCutOffAtTheDeadlineAndNotRetried() throws Exception {
        // Stands in for a native driver stuck in discovery (cannot be caused for real without one).
        CountDownLatch never = new CountDownLatch(1);
        AtomicReference<Thread> worker = new AtomicReference<>();
        List<Integer> calls = new ArrayList<>();
        WebcamBackend b = new WebcamBackend(Duration.ofMillis(300), () -> {
            synchronized (calls) {
                calls.add(1);
            }
            worker.set(Thread.currentThread());
            never.await();
            return List.of();
        });
        long t0 = System.nanoTime();
        WebcamBackend.Discovery d = b.discover();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(d.available()).isFalse();
        assertThat(d.unavailable()).isEqualTo("camera discovery did not finish within 300 ms");
        assertThat(ms).isBetween(250L, 5_000L);
        t0 = System.nanoTime();
        assertThat(b.discover()).isSameAs(d);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(100);
        assertThat(calls).hasSize(1);
        assertThat(worker.get().getName()).isEqualTo("webcam-discovery");
        assertThat(worker.get().isDaemon()).isTrue();
        never.countDown();
    }

    @Test
    void aDriverThatFailsToLinkBecomesAReasonNotACrash() {
        // A LinkageError from native loading, as BridJ raises on a platform it has no library for.
        WebcamBackend b = new WebcamBackend(Duration.ofSeconds(5), () -> {
            throw new UnsatisfiedLinkError("no bridj in java.library.path");
        });
        WebcamBackend.Discovery d = b.discover();
        assertThat(d.available()).isFalse();
        assertThat(d.unavailable()).isEqualTo("UnsatisfiedLinkError: no bridj in java.library.path");
        assertThat(new WebcamBackend(Duration.ofSeconds(1), null).discover().unavailable())
                .isEqualTo("switched off (parley.webcam=false)");
    }

    @Test
    void sameCameraSeenByBothBackendsIsRecognised() {
        var v4l2 = new DeviceInfo(DeviceKind.CAMERA, 0, "Integrated Camera", "/dev/video0", "video4linux2");
        var dshow = new DeviceInfo(DeviceKind.CAMERA, 0, "Integrated Camera", "video=Integrated Camera", "dshow");
        assertThat(new WebcamBackend.Camera("Integrated Camera: Integrated C", "/dev/video0", "k").sameAs(v4l2)).isTrue();
        assertThat(new WebcamBackend.Camera("Integrated Camera", "\\\\?\\usb#vid_04f2", "k").sameAs(dshow)).isTrue();
        assertThat(new WebcamBackend.Camera("USB Camera", "/dev/video2", "k").sameAs(v4l2)).isFalse();
        assertThat(new WebcamBackend.Camera("Other", "", "k").sameAs(dshow)).isFalse();
    }

    @Test
    void missingCamerasByNameAndIndexGiveTheClearError() {
        List<DeviceInfo> cameras = Devices.list(DeviceKind.CAMERA);
        String list = cameras.isEmpty() ? "no camera devices are available on this machine" : "available: ";
        WebcamBackend.Discovery d = WebcamBackend.shared().discover();
        String note = d.available() ? "" : "; webcam-capture unavailable: " + d.unavailable();
        String byName = cameras.isEmpty() ? "none found" : "no device with that name";
        String byIndex = cameras.isEmpty() ? "none found" : "no device with index 17";
        assertThatThrownBy(() -> CameraSource.open("Logitech C920 nowhere", 1280, 720, 30))
                .isInstanceOf(DeviceUnavailableException.class)
                .hasMessageStartingWith("camera 'Logitech C920 nowhere' is not available (" + byName + note + ")")
                .hasMessageContaining(list);
        assertThatThrownBy(() -> CameraSource.open("17", 1280, 720, 30))
                .isInstanceOf(DeviceUnavailableException.class)
                .hasMessageStartingWith("camera '17' is not available (" + byIndex + note + ")")
                .hasMessageContaining(list);
        long webcamOnly = cameras.stream().filter(c -> c.backend().equals(WebcamBackend.NAME)).count();
        if (webcamOnly == 0) {
            assertThatThrownBy(() -> WebcamVideoSource.camera("0", 1280, 720, 30))
                    .isInstanceOf(DeviceUnavailableException.class)
                    .hasMessageStartingWith("camera '0' is not available (none found");
        }
    }

    @Test
    void whenFfmpegCannotOpenACameraTheErrorNamesBothAttempts() throws Exception {
        // A real FFmpeg failure: a V4L2 node that does not exist.
        var ghost = new DeviceInfo(DeviceKind.CAMERA, 0, "Ghost Cam", "/dev/video-nonexistent", "video4linux2");
        RuntimeException e = errorOfFirstSubscription(new CameraSource(ghost, 640, 360, 30));
        WebcamBackend.Discovery d = WebcamBackend.shared().discover();
        String second = d.available() ? "does not list this camera" : "unavailable: " + d.unavailable();
        assertThat(e).isInstanceOf(DeviceUnavailableException.class)
                .hasMessageStartingWith("camera 'Ghost Cam' is not available (FFmpeg (video4linux2): ")
                .hasMessageContaining("; webcam-capture: " + second + ")");
        assertThat(((DeviceUnavailableException) e).available()).isEqualTo(Devices.list(DeviceKind.CAMERA));
    }

    @Test
    void aWebcamOnlyCameraThatCannotOpenFailsOnTheCaptureThreadAndCaptureStops() throws Exception {
        var gone = new DeviceInfo(DeviceKind.CAMERA, 0, "Gone Cam", "webcam:Gone Cam /dev/video9", WebcamBackend.NAME);
        CameraSource src = new CameraSource(gone, 640, 360, 30);
        assertThat(src.backend()).isEqualTo(WebcamBackend.NAME);
        RuntimeException e = errorOfFirstSubscription(src);
        WebcamBackend.Discovery d = WebcamBackend.shared().discover();
        assertThat(e).isInstanceOf(DeviceUnavailableException.class)
                .hasMessageStartingWith("camera 'Gone Cam' is not available (")
                .hasMessageContaining(d.available() ? "webcam-capture no longer lists it"
                        : "webcam-capture unavailable: " + d.unavailable());
        assertThat(src.isCapturing()).isFalse();
        src.close();
    }

    private static RuntimeException errorOfFirstSubscription(CameraSource src) throws InterruptedException {
        AtomicReference<RuntimeException> error = new AtomicReference<>();
        CountDownLatch failed = new CountDownLatch(1);
        src.onError(x -> {
            error.set(x);
            failed.countDown();
        });
        try (var sub = src.subscribe(f -> { })) {
            assertThat(failed.await(30, TimeUnit.SECONDS)).as("open failure reported").isTrue();
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (src.isCapturing() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(src.isCapturing()).isFalse();
        src.close();
        return error.get();
    }

    @Test
    void listingPrintsNothingButTheListWhileRawWebcamCaptureWouldPrintToStdout() throws Exception {
        Result guarded = runChild("guarded");
        System.out.println("guarded child stdout:\n" + guarded.out + "guarded child stderr:\n" + guarded.err);
        assertThat(guarded.exit).isZero();
        List<String> lines = guarded.out.lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("cameras=");
        assertThat(lines.get(1)).startsWith("webcam-capture=Discovery[");
        assertThat(lines.get(2)).startsWith("first listing ms=");
        // stderr: at most the one "unavailable" line (logged once), never a stack trace
        assertThat(guarded.err).doesNotContain("\tat ").doesNotContain("BridJ");
        assertThat(guarded.err.lines().filter(l -> l.contains("backend unavailable")).count())
                .isEqualTo(WebcamBackend.shared().discover().available() ? 0 : 1);
        if (WebcamBackend.nativeGrabberProblem() == null) {
            System.out.println("the native grabber loads here, so raw webcam-capture has no load errors to print");
            return;
        }
        // Without Parley's preflight, the same machine gets BridJ's C-level noise on stdout.
        Result raw = runChild("raw");
        assertThat(raw.out).contains("raw failed").contains("# BridJ: dlopen error");
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result runChild(String mode) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path out = Files.createTempFile("webcam-child", ".out");
        Path err = Files.createTempFile("webcam-child", ".err");
        // Logging as the app does it: to stderr (here at INFO, to see the one "unavailable" line).
        Path logback = Files.createTempFile("webcam-child", ".xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="E" class="ch.qos.logback.core.ConsoleAppender">
                    <target>System.err</target><encoder><pattern>%-5level %logger{20} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="E"/></root>
                </configuration>
                """);
        try {
            Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                    "--sun-misc-unsafe-memory-access=allow", "-Dlogback.configurationFile=" + logback,
                    "-cp", System.getProperty("java.class.path"),
                    WebcamListingMain.class.getName(), mode)
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("child listing did not finish in 60 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            Files.deleteIfExists(logback);
        }
    }
}
