package dev.parley.media.publish;

import dev.parley.media.codec.Scaler;
import dev.parley.media.frame.BufferPool;
import dev.parley.media.frame.LatestMailbox;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.source.SourceSubscription;
import dev.parley.media.source.VideoSource;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

import java.util.concurrent.TimeUnit;

/**
 * Self-view: captured frames converted to BGRA at a preview size by swscale on the thread
 * {@code preview}, delivered through a latest-frame mailbox. Keeps the source capturing while open.
 */
public final class LocalPreview implements AutoCloseable {
    private final LatestMailbox<VideoFrame> raw = LatestMailbox.forFrames();
    private final LatestMailbox<VideoFrame> frames = LatestMailbox.forFrames();
    private final SourceSubscription subscription;
    private final Thread thread;
    private final int width;
    private final int height;
    private volatile boolean running = true;

    public LocalPreview(VideoSource source, int width, int height) {
        this.width = width;
        this.height = height;
        this.thread = Thread.ofPlatform().name("preview").daemon().start(this::run);
        this.subscription = source.subscribe(f -> raw.put(f.retain()));
    }

    /** The latest BGRA preview frame, or null; the caller closes it. */
    public VideoFrame pollFrame() {
        return frames.poll();
    }

    /** Waits up to {@code timeout} for a preview frame; null on timeout, close or interrupt (flag kept). */
    public VideoFrame takeFrame(java.time.Duration timeout) {
        try {
            return frames.take(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void run() {
        BufferPool pool = new BufferPool(PixelFormat.BGRA.frameBytes(width, height), 4);
        AVFrame src = avutil.av_frame_alloc();
        AVFrame dst = avutil.av_frame_alloc();
        Scaler scaler = null;
        int sw = -1;
        int sh = -1;
        try {
            while (running) {
                VideoFrame in = raw.take(200, TimeUnit.MILLISECONDS);
                if (in == null) {
                    continue;
                }
                try (in) {
                    if (scaler == null || in.width() != sw || in.height() != sh) {
                        if (scaler != null) {
                            scaler.close();
                        }
                        scaler = new Scaler(in.width(), in.height(), avutil.AV_PIX_FMT_YUV420P, width, height,
                                avutil.AV_PIX_FMT_BGRA);
                        sw = in.width();
                        sh = in.height();
                    }
                    VideoFrame out = VideoFrame.allocate(width, height, PixelFormat.BGRA, in.captureMicros(), pool);
                    BytePointer a = Scaler.wrap(src, in.data(), avutil.AV_PIX_FMT_YUV420P, in.width(), in.height());
                    BytePointer b = Scaler.wrap(dst, out.data(), avutil.AV_PIX_FMT_BGRA, width, height);
                    scaler.scale(src, dst);
                    a.setNull();
                    b.setNull();
                    frames.put(out);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (scaler != null) {
                scaler.close();
            }
            avutil.av_frame_free(src);
            avutil.av_frame_free(dst);
        }
    }

    @Override
    public void close() {
        subscription.close();
        running = false;
        raw.close();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        frames.close();
    }
}
