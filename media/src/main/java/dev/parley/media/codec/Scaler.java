package dev.parley.media.codec;

import dev.parley.media.MediaException;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;

import java.nio.ByteBuffer;

/**
 * swscale size and colour conversion between two fixed formats, plus helpers to point an
 * {@link AVFrame} at a direct buffer without copying. Owned by one thread.
 */
public final class Scaler implements AutoCloseable {
    private final SwsContext ctx;
    private final int srcH;

    public Scaler(int srcW, int srcH, int srcFmt, int dstW, int dstH, int dstFmt) {
        int flags = (srcW == dstW && srcH == dstH) ? swscale.SWS_POINT : swscale.SWS_FAST_BILINEAR;
        this.ctx = swscale.sws_getContext(srcW, srcH, srcFmt, dstW, dstH, dstFmt, flags,
                null, null, (DoublePointer) null);
        if (ctx == null) {
            throw new MediaException("swscale cannot convert " + srcW + "x" + srcH + " to " + dstW + "x" + dstH);
        }
        this.srcH = srcH;
    }

    /** Converts all of {@code src} into {@code dst} (both with data pointers set). */
    public void scale(AVFrame src, AVFrame dst) {
        int rows = swscale.sws_scale(ctx, src.data(), src.linesize(), 0, srcH, dst.data(), dst.linesize());
        if (rows <= 0) {
            throw new MediaException("sws_scale failed: " + rows);
        }
    }

    /**
     * Points {@code frame}'s planes at a tightly packed image in a direct buffer (no copy). The
     * returned pointer keeps the buffer reachable and must live as long as the frame uses it.
     */
    public static BytePointer wrap(AVFrame frame, ByteBuffer direct, int pixFmt, int width, int height) {
        BytePointer p = new BytePointer(direct);
        Av.check(avutil.av_image_fill_arrays(frame.data(), frame.linesize(), p, pixFmt, width, height, 1),
                "av_image_fill_arrays");
        frame.format(pixFmt).width(width).height(height);
        return p;
    }

    @Override
    public void close() {
        swscale.sws_freeContext(ctx);
    }
}
