package dev.parley.media.frame;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One picture in a direct buffer, reference counted so a capture frame can fan out to several
 * encoders and a decoded frame can sit in a mailbox without copies. The creator holds one
 * reference; {@link #retain()} adds one, {@link #close()} drops one, and the buffer goes back to
 * its pool when the count reaches zero. Reading after the last close is a bug.
 *
 * @param captureMicros capture time in microseconds since the Unix epoch (also the media timestamp)
 */
public final class VideoFrame implements AutoCloseable {
    private final int width;
    private final int height;
    private final PixelFormat format;
    private final long captureMicros;
    private final ByteBuffer data;
    private final BufferPool pool;
    private final AtomicInteger refs = new AtomicInteger(1);

    public VideoFrame(int width, int height, PixelFormat format, long captureMicros, ByteBuffer data, BufferPool pool) {
        if (!data.isDirect()) {
            throw new IllegalArgumentException("frame buffers must be direct");
        }
        if (data.capacity() < format.frameBytes(width, height)) {
            throw new IllegalArgumentException("buffer too small for " + width + "x" + height + " " + format);
        }
        this.width = width;
        this.height = height;
        this.format = format;
        this.captureMicros = captureMicros;
        this.data = data;
        this.pool = pool;
    }

    /** Allocates a frame from a pool (or fresh when {@code pool} is null). */
    public static VideoFrame allocate(int width, int height, PixelFormat format, long captureMicros, BufferPool pool) {
        ByteBuffer b = pool != null ? pool.take() : ByteBuffer.allocateDirect(format.frameBytes(width, height));
        return new VideoFrame(width, height, format, captureMicros, b, pool);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public PixelFormat format() {
        return format;
    }

    public long captureMicros() {
        return captureMicros;
    }

    /** The pixels; position 0, limit = frame size. Callers must not keep it past {@link #close()}. */
    public ByteBuffer data() {
        return data.duplicate().position(0).limit(format.frameBytes(width, height));
    }

    /** Adds a reference; pair with {@link #close()}. */
    public VideoFrame retain() {
        int before = refs.getAndIncrement();
        if (before <= 0) {
            refs.decrementAndGet();
            throw new IllegalStateException("frame already released");
        }
        return this;
    }

    /** Drops a reference; the buffer is recycled when none remain. */
    @Override
    public void close() {
        int after = refs.decrementAndGet();
        if (after == 0 && pool != null) {
            pool.give(data);
        } else if (after < 0) {
            throw new IllegalStateException("frame released twice");
        }
    }

    @Override
    public String toString() {
        return "VideoFrame[" + width + "x" + height + " " + format + " t=" + captureMicros + "]";
    }
}
