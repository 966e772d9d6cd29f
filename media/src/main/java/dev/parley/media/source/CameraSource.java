package dev.parley.media.source;

import dev.parley.media.frame.VideoFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;

/**
 * A camera with two backends. A camera FFmpeg lists is opened through FFmpeg first; when that
 * fails, through webcam-capture if it lists the same device; a camera only webcam-capture lists
 * is opened through it. A failure names both attempts and lists the cameras there are. Opening
 * happens on the capture thread at the first subscription (see {@link SharedSource}); this class
 * only drives the chosen backend's open, capture and close there.
 */
public final class CameraSource extends VideoSource {
    private static final Logger LOG = LoggerFactory.getLogger(CameraSource.class);

    private final DeviceInfo device;
    private final WebcamBackend webcams;
    private VideoSource active;
    private volatile boolean interruptible = true;
    private volatile String backend;

    CameraSource(DeviceInfo device, int width, int height, double fps) {
        this(device, width, height, fps, WebcamBackend.shared());
    }

    CameraSource(DeviceInfo device, int width, int height, double fps, WebcamBackend webcams) {
        super(device.name(), width, height, fps);
        this.webcams = webcams;
        this.device = device;
        this.backend = device.backend();
    }

    /**
     * A camera chosen by name, name fragment or index among all cameras ({@code null} = first).
     *
     * @throws DeviceUnavailableException listing the cameras when nothing matches
     */
    public static CameraSource open(String choice, int width, int height, double fps) {
        return new CameraSource(Devices.choose(DeviceKind.CAMERA, choice), width, height, fps);
    }

    /** The device as listed. */
    public DeviceInfo device() {
        return device;
    }

    /** The backend capturing now, or (before the first open) the one listed. */
    public String backend() {
        return backend;
    }

    @Override
    protected void open() {
        if (device.backend().equals(WebcamBackend.NAME)) {
            start(new WebcamVideoSource(device.name(), device.id().substring(WebcamBackend.ID_PREFIX.length()),
                    width, height, fps, webcams), WebcamBackend.NAME);
            return;
        }
        try {
            start(new GrabberVideoSource(DeviceKind.CAMERA, device.name(), device.id(), device.backend(),
                    width, height, fps, Map.of()), device.backend());
            return;
        } catch (DeviceUnavailableException ffmpeg) {
            if (!running() || Thread.currentThread().isInterrupted()) {
                throw ffmpeg; // stopped while opening: no second attempt
            }
            String second = tryWebcamCapture();
            if (second == null) {
                LOG.info("camera {} opened through {} after FFmpeg ({}) failed: {}", device.name(), WebcamBackend.NAME,
                        device.backend(), ffmpeg.reason());
                return;
            }
            throw new DeviceUnavailableException(DeviceKind.CAMERA, device.name(),
                    "FFmpeg (" + device.backend() + "): " + ffmpeg.reason() + "; " + WebcamBackend.NAME + ": " + second,
                    Devices.list(DeviceKind.CAMERA), ffmpeg);
        }
    }

    /** Null when webcam-capture opened the camera, else why not. */
    private String tryWebcamCapture() {
        WebcamBackend.Discovery found = webcams.discover();
        if (!found.available()) {
            return "unavailable: " + found.unavailable();
        }
        Optional<WebcamBackend.Camera> twin = webcams.twinOf(device);
        if (twin.isEmpty()) {
            return "does not list this camera";
        }
        try {
            start(new WebcamVideoSource(device.name(), twin.get().key(), width, height, fps, webcams), WebcamBackend.NAME);
            return null;
        } catch (DeviceUnavailableException e) {
            return e.reason();
        }
    }

    private void start(VideoSource source, String name) {
        interruptible = source.interruptibleCapture();
        try {
            source.open();
        } catch (RuntimeException e) {
            interruptible = true;
            throw e;
        }
        active = source;
        backend = name;
    }

    @Override
    protected boolean interruptibleCapture() {
        return interruptible;
    }

    @Override
    protected VideoFrame capture() {
        return active.capture();
    }

    @Override
    protected void closeDevice() {
        VideoSource a = active;
        active = null;
        try {
            if (a != null) {
                a.closeDevice();
            }
        } finally {
            interruptible = true;
        }
    }
}
