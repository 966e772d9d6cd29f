package dev.parley.media.source;

import dev.parley.media.frame.VideoFrame;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * A camera opened through webcam-capture, for cameras FFmpeg cannot open. The driver delivers
 * packed RGB24 at the size it negotiated; each picture is copied once into a direct buffer and
 * turned into a pooled I420 frame at the requested size by swscale ({@link RgbToI420}). Frames
 * come as fast as the camera delivers them (webcam-capture's blocking read paces the loop).
 */
public final class WebcamVideoSource extends VideoSource {
    private final String key;
    private final WebcamBackend backend;
    private WebcamLibrary.Opened webcam;
    private ByteBuffer rgb;
    private RgbToI420 converter;

    WebcamVideoSource(String name, String key, int width, int height, double fps, WebcamBackend backend) {
        super(name, width, height, fps);
        this.key = key;
        this.backend = backend;
    }

    /**
     * A camera only webcam-capture lists, chosen by name, name fragment or index among the
     * {@code webcam-capture} cameras ({@code null} = first).
     *
     * @throws DeviceUnavailableException listing those cameras (and why the backend is
     *                                    unavailable, if it is)
     */
    public static WebcamVideoSource camera(String choice, int width, int height, double fps) {
        List<DeviceInfo> mine = Devices.list(DeviceKind.CAMERA).stream()
                .filter(d -> d.backend().equals(WebcamBackend.NAME)).toList();
        DeviceInfo d = Devices.chooseFrom(DeviceKind.CAMERA, mine, choice);
        return forDevice(d, width, height, fps);
    }

    /** The source for a camera {@link Devices} listed with the {@code webcam-capture} backend. */
    static WebcamVideoSource forDevice(DeviceInfo d, int width, int height, double fps) {
        if (!d.id().startsWith(WebcamBackend.ID_PREFIX)) {
            throw new IllegalArgumentException(d + " is not a " + WebcamBackend.NAME + " camera");
        }
        return new WebcamVideoSource(d.name(), d.id().substring(WebcamBackend.ID_PREFIX.length()), width, height, fps,
                WebcamBackend.shared());
    }

    @Override
    protected void open() {
        WebcamBackend.Discovery found = backend.discover();
        if (!found.available()) {
            throw unavailable(WebcamBackend.NAME + " unavailable: " + found.unavailable(), null);
        }
        try {
            webcam = WebcamLibrary.open(key, width, height, WebcamBackend.DISCOVERY_MILLIS);
            rgb = ByteBuffer.allocateDirect(webcam.width() * webcam.height() * 3);
            converter = new RgbToI420(webcam.width(), webcam.height(), width, height);
        } catch (TimeoutException | RuntimeException | LinkageError e) {
            closeDevice();
            String m = e.getMessage();
            throw unavailable(m == null ? e.getClass().getSimpleName() : m, e);
        }
    }

    private DeviceUnavailableException unavailable(String reason, Throwable cause) {
        return new DeviceUnavailableException(DeviceKind.CAMERA, name(), reason, Devices.list(DeviceKind.CAMERA), cause);
    }

    // webcam-capture hands each call to its one worker thread through synchronous queues; a
    // caller interrupted while waiting for the answer leaves that worker blocked for good (and
    // every later call, close included, with it). So a stop never interrupts this source.
    @Override
    protected boolean interruptibleCapture() {
        return false;
    }

    @Override
    protected VideoFrame capture() {
        rgb.clear();
        if (!webcam.read(rgb)) {
            throw new DeviceUnavailableException(DeviceKind.CAMERA, name(), "device stopped delivering frames", List.of(), null);
        }
        return converter.convert(rgb, Clock.nowMicros());
    }

    @Override
    protected void closeDevice() {
        // Never interrupted by a stop (above), but an interrupt from elsewhere must not wedge close.
        boolean interrupted = Thread.interrupted();
        try {
            if (webcam != null) {
                webcam.close();
            }
        } finally {
            webcam = null;
            if (converter != null) {
                converter.close();
                converter = null;
            }
            rgb = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
