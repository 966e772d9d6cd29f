package dev.parley.media.source;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * webcam-capture as the second camera backend, fenced off from the rest of Parley. Its native
 * grabber (OpenIMAJGrabber through BridJ) is old and may not load or may hang, so nothing of it is
 * touched until the first camera listing; that first discovery runs on its own daemon thread with
 * a deadline, and any failure (a missing system library, a LinkageError, an exception, the
 * deadline) turns into "unavailable: reason", logged once. The outcome is kept for the process:
 * webcam-capture's own background rescans are switched off, so a webcam-only camera plugged in
 * later appears after a restart (FFmpeg cameras are re-listed every time).
 */
final class WebcamBackend {
    static final String NAME = "webcam-capture";
    /** Prefix of {@link DeviceInfo#id()} for cameras only this backend lists. */
    static final String ID_PREFIX = "webcam:";

    /** How long webcam-capture may take to list cameras ({@code -Dparley.webcam.discoveryMillis}). */
    static final long DISCOVERY_MILLIS = Long.getLong("parley.webcam.discoveryMillis", 5000);

    private static final Logger LOG = LoggerFactory.getLogger(WebcamBackend.class);
    private static final WebcamBackend SHARED = new WebcamBackend(Duration.ofMillis(DISCOVERY_MILLIS),
            Boolean.parseBoolean(System.getProperty("parley.webcam", "true")) ? WebcamBackend::discoverForReal : null);

    /**
     * A camera as webcam-capture names it.
     *
     * @param name     human name, e.g. "USB2.0 HD UVC WebCam"
     * @param deviceId the OS identifier, e.g. {@code /dev/video0} (empty when the driver gives none)
     * @param key      webcam-capture's unique name (name and identifier), what opening looks up
     */
    record Camera(String name, String deviceId, String key) {
        /** True when an FFmpeg-listed camera is this same device (same node, or same name). */
        boolean sameAs(DeviceInfo ffmpeg) {
            return !deviceId.isEmpty() && deviceId.equals(ffmpeg.id()) || name.equalsIgnoreCase(ffmpeg.name());
        }
    }

    /** One discovery's outcome: the cameras, or why the backend is unavailable (then no cameras). */
    record Discovery(List<Camera> cameras, String unavailable) {
        Discovery {
            cameras = List.copyOf(cameras);
        }

        static Discovery unavailable(String reason) {
            return new Discovery(List.of(), reason);
        }

        boolean available() {
            return unavailable == null;
        }
    }

    private final Duration timeout;
    private final Callable<List<Camera>> discoverer;
    private Discovery outcome;

    /**
     * @param timeout    how long a listing may wait for the first discovery
     * @param discoverer the discovery itself, run on the discovery thread; null = backend disabled
     */
    WebcamBackend(Duration timeout, Callable<List<Camera>> discoverer) {
        this.timeout = timeout;
        this.discoverer = discoverer;
    }

    static WebcamBackend shared() {
        return SHARED;
    }

    /** Lists the cameras once per process; returns within the timeout and never throws. */
    synchronized Discovery discover() {
        if (outcome == null) {
            outcome = discoverer == null ? Discovery.unavailable("switched off (parley.webcam=false)") : runBounded();
            if (!outcome.available()) {
                LOG.info("{} backend unavailable: {}", NAME, outcome.unavailable());
            } else {
                LOG.debug("{} lists {}", NAME, outcome.cameras());
            }
        }
        return outcome;
    }

    /** The webcam-capture camera that is the same device as an FFmpeg-listed one, if any. */
    Optional<Camera> twinOf(DeviceInfo ffmpeg) {
        return discover().cameras().stream().filter(c -> c.sameAs(ffmpeg)).findFirst();
    }

    /** The camera with this webcam-capture key, if listed. */
    Optional<Camera> byKey(String key) {
        return discover().cameras().stream().filter(c -> c.key().equals(key)).findFirst();
    }

    private Discovery runBounded() {
        FutureTask<List<Camera>> task = new FutureTask<>(discoverer);
        // Daemon: a discovery stuck in native code must not keep the JVM alive.
        Thread.ofPlatform().name("webcam-discovery").daemon().start(task);
        try {
            return new Discovery(task.get(timeout.toMillis(), TimeUnit.MILLISECONDS), null);
        } catch (TimeoutException e) {
            // Not interrupted: webcam-capture's worker wedges when a caller is interrupted mid-call.
            task.cancel(false);
            return Discovery.unavailable("camera discovery did not finish within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return Discovery.unavailable(rootMessage(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.cancel(false);
            return Discovery.unavailable("camera discovery was interrupted");
        }
    }

    private static String rootMessage(Throwable e) {
        if (e instanceof Unavailable) {
            return e.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return root.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** A reason found before webcam-capture was asked (already readable as it is). */
    private static final class Unavailable extends RuntimeException {
        Unavailable(String reason) {
            super(reason, null, false, false);
        }
    }

    // Runs on the discovery thread: check that the native grabber can load before webcam-capture
    // tries, because BridJ prints every failed load to stdout from C and its C++ runtime prints
    // stack traces; that would garble `parley devices`.
    private static List<Camera> discoverForReal() throws Exception {
        String problem = nativeGrabberProblem();
        if (problem != null) {
            throw new Unavailable(problem);
        }
        return WebcamLibrary.cameras(DISCOVERY_MILLIS);
    }

    /** Null when OpenIMAJGrabber (shipped inside the webcam-capture jar) loads here, else why not. */
    static String nativeGrabberProblem() {
        String resource = grabberResource();
        if (resource == null) {
            return "no native grabber for " + System.getProperty("os.name") + " " + System.getProperty("os.arch");
        }
        Path tmp = null;
        try (InputStream in = WebcamBackend.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return "the webcam-capture jar is not on the class path (" + resource + " missing)";
            }
            tmp = Files.createTempFile("parley-webcam-", resource.substring(resource.lastIndexOf('/') + 1));
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            try (Arena arena = Arena.ofConfined()) {
                SymbolLookup.libraryLookup(tmp, arena);
            }
            return null;
        } catch (IllegalArgumentException e) {
            return "its native grabber cannot load" + missingLinuxLibrary();
        } catch (IOException e) {
            return "cannot unpack its native grabber: " + e.getMessage();
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.debug("cannot delete {}", tmp, e);
                }
            }
        }
    }

    // The grabber's one unusual dependency on Linux is libv4l2 (Debian/Ubuntu package libv4l-0).
    private static String missingLinuxLibrary() {
        if (!Devices.os().equals("linux")) {
            return "";
        }
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup("libv4l2.so.0", arena);
            return "";
        } catch (IllegalArgumentException e) {
            return ": libv4l2.so.0 is missing (install libv4l-0)";
        }
    }

    private static String grabberResource() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        boolean x86 = arch.matches("i[3-6]86|x86");
        String dir = switch (Devices.os()) {
            case "windows" -> x64 ? "win64" : x86 ? "win32" : null;
            case "mac" -> "darwin_universal";
            default -> x64 ? "linux_x64" : x86 ? "linux_x86" : arch.equals("arm") ? "linux_armhf" : null;
        };
        if (dir == null) {
            return null;
        }
        String file = switch (Devices.os()) {
            case "windows" -> "OpenIMAJGrabber.dll";
            case "mac" -> "libOpenIMAJGrabber.dylib";
            default -> "OpenIMAJGrabber.so";
        };
        return "com/github/sarxos/webcam/ds/buildin/lib/" + dir + "/" + file;
    }
}
