package dev.parley.media.source;

import com.github.sarxos.webcam.Webcam;
import com.github.sarxos.webcam.WebcamDevice;
import com.github.sarxos.webcam.WebcamException;
import com.github.sarxos.webcam.ds.buildin.WebcamDefaultDevice;

import java.awt.Dimension;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The only class that calls webcam-capture, so its classes (and BridJ) load only when
 * {@link WebcamBackend} decides to use it. Everything here blocks; callers run it on the
 * discovery or capture thread.
 */
final class WebcamLibrary {
    private WebcamLibrary() {
    }

    /** Lists cameras; throws whatever webcam-capture throws (the caller fences it). */
    static List<WebcamBackend.Camera> cameras(long timeoutMillis) throws TimeoutException {
        // No background rescans: they would poll the native driver every few seconds for the
        // whole session, and a failing driver would fail again each time.
        Webcam.getDiscoveryService().setEnabled(false);
        List<WebcamBackend.Camera> out = new ArrayList<>();
        for (Webcam w : Webcam.getWebcams(timeoutMillis)) {
            WebcamDevice d = w.getDevice();
            if (d instanceof WebcamDefaultDevice dd) {
                out.add(new WebcamBackend.Camera(dd.getDeviceName().strip(), dd.getDeviceId().strip(), w.getName()));
            } else {
                out.add(new WebcamBackend.Camera(w.getName(), "", w.getName()));
            }
        }
        return out;
    }

    /** An open webcam delivering packed RGB24 frames of {@link #width()} × {@link #height()}. */
    static final class Opened implements AutoCloseable {
        private final Webcam webcam;
        private final int width;
        private final int height;

        private Opened(Webcam webcam) {
            this.webcam = webcam;
            Dimension actual = webcam.getViewSize();
            this.width = actual.width;
            this.height = actual.height;
        }

        int width() {
            return width;
        }

        int height() {
            return height;
        }

        /**
         * Copies the next frame into {@code rgb}, which must have exactly width × height × 3 bytes
         * remaining (webcam-capture 0.3.12 rejects a larger buffer). False when the camera closed.
         */
        boolean read(ByteBuffer rgb) {
            if (!webcam.isOpen()) {
                return false;
            }
            webcam.getImageBytes(rgb);
            return webcam.isOpen();
        }

        @Override
        public void close() {
            webcam.close();
        }
    }

    /**
     * Opens the camera with this key asking for {@code width × height}; the driver may pick
     * another size, which {@link Opened} reports.
     *
     * @throws IllegalStateException with a reason when it is not listed or cannot open
     */
    static Opened open(String key, int width, int height, long timeoutMillis) throws TimeoutException {
        Webcam found = null;
        for (Webcam w : Webcam.getWebcams(timeoutMillis)) {
            if (w.getName().equals(key)) {
                found = w;
            }
        }
        if (found == null) {
            throw new IllegalStateException("webcam-capture no longer lists it");
        }
        Dimension wanted = new Dimension(width, height);
        found.setCustomViewSizes(wanted);
        found.setViewSize(wanted);
        try {
            if (!found.open(false)) {
                throw new IllegalStateException("webcam-capture could not open it (interrupted or shutting down)");
            }
        } catch (WebcamException e) {
            String m = String.valueOf(e.getMessage());
            throw new IllegalStateException(m.toLowerCase().contains("lock") ? "device busy: " + m : m, e);
        }
        return new Opened(found);
    }
}
