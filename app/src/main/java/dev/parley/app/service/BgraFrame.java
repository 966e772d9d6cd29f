package dev.parley.app.service;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One decoded or captured picture in BGRA byte order (B, G, R, A per pixel), opaque (A = 255, so it is
 * also valid premultiplied BGRA). The buffer is direct and owned by the producer: the taker copies it
 * and then calls {@link #close()}, which hands it back (for example to a buffer pool).
 *
 * @param bgra    pixels, starting at position 0; {@code stride * height} bytes
 * @param width   width in pixels
 * @param height  height in pixels
 * @param stride  bytes per row, at least {@code 4 * width}
 * @param release what {@link #close()} runs; never null
 */
public record BgraFrame(ByteBuffer bgra, int width, int height, int stride, Runnable release) implements AutoCloseable {
    public BgraFrame {
        Objects.requireNonNull(bgra, "bgra");
        Objects.requireNonNull(release, "release");
        if (width <= 0 || height <= 0 || stride < 4 * width) {
            throw new IllegalArgumentException("bad frame geometry " + width + "x" + height + " stride " + stride);
        }
        if (bgra.capacity() < (long) stride * height) {
            throw new IllegalArgumentException("frame buffer holds " + bgra.capacity() + " bytes, needs " + (long) stride * height);
        }
    }

    /** A frame with tightly packed rows and nothing to release. */
    public static BgraFrame packed(ByteBuffer bgra, int width, int height) {
        return new BgraFrame(bgra, width, height, width * 4, () -> { });
    }

    @Override
    public void close() {
        release.run();
    }
}
