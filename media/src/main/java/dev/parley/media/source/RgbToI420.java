package dev.parley.media.source;

import dev.parley.media.codec.Scaler;
import dev.parley.media.frame.BufferPool;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

import java.nio.ByteBuffer;

/**
 * Packed RGB24 camera pictures to pooled I420 frames at the size Parley asked for, in one swscale
 * pass: the source is centre-cropped to the target's aspect ratio (by pointing swscale at the
 * cropped rows and columns, no copy) and then scaled. Owned by the capture thread.
 */
final class RgbToI420 implements AutoCloseable {
    private final int srcWidth;
    private final int srcHeight;
    private final int dstWidth;
    private final int dstHeight;
    private final int cropOffset;
    private final int cropBytes;
    private final Scaler scaler;
    private final BufferPool pool;
    private final AVFrame src = avutil.av_frame_alloc();
    private final AVFrame dst = avutil.av_frame_alloc();

    RgbToI420(int srcWidth, int srcHeight, int dstWidth, int dstHeight) {
        this.srcWidth = srcWidth;
        this.srcHeight = srcHeight;
        this.dstWidth = dstWidth;
        this.dstHeight = dstHeight;
        int cropW = srcWidth;
        int cropH = srcHeight;
        // Compare aspect ratios in integers: wider source -> crop columns, taller -> crop rows.
        if ((long) srcWidth * dstHeight > (long) dstWidth * srcHeight) {
            cropW = (int) ((long) srcHeight * dstWidth / dstHeight) & ~1;
        } else if ((long) srcWidth * dstHeight < (long) dstWidth * srcHeight) {
            cropH = (int) ((long) srcWidth * dstHeight / dstWidth) & ~1;
        }
        int x = (srcWidth - cropW) / 2;
        int y = (srcHeight - cropH) / 2;
        this.cropOffset = (y * srcWidth + x) * 3;
        this.cropBytes = ((cropH - 1) * srcWidth + cropW) * 3;
        this.scaler = new Scaler(cropW, cropH, avutil.AV_PIX_FMT_RGB24, dstWidth, dstHeight, avutil.AV_PIX_FMT_YUV420P);
        this.pool = new BufferPool(PixelFormat.I420.frameBytes(dstWidth, dstHeight), 8);
        src.format(avutil.AV_PIX_FMT_RGB24).width(cropW).height(cropH);
    }

    /** Bytes one source picture takes ({@code width × height × 3}). */
    int sourceBytes() {
        return srcWidth * srcHeight * 3;
    }

    /** Converts one packed RGB24 picture (a direct buffer, read from index 0) to a new frame. */
    VideoFrame convert(ByteBuffer rgb, long captureMicros) {
        if (!rgb.isDirect() || rgb.capacity() < sourceBytes()) {
            throw new IllegalArgumentException("need a direct buffer of " + sourceBytes() + " bytes");
        }
        VideoFrame frame = VideoFrame.allocate(dstWidth, dstHeight, PixelFormat.I420, captureMicros, pool);
        BytePointer in = new BytePointer(rgb.slice(cropOffset, cropBytes));
        src.data(0, in);
        src.linesize(0, srcWidth * 3);
        BytePointer out = Scaler.wrap(dst, frame.data(), avutil.AV_PIX_FMT_YUV420P, dstWidth, dstHeight);
        try {
            scaler.scale(src, dst);
        } catch (RuntimeException e) {
            frame.close();
            throw e;
        } finally {
            src.data(0, (BytePointer) null);
            in.setNull();
            out.setNull();
        }
        return frame;
    }

    @Override
    public void close() {
        scaler.close();
        avutil.av_frame_free(src);
        avutil.av_frame_free(dst);
    }
}
