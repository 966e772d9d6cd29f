package dev.parley.media.codec;

import dev.parley.media.MediaException;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecHWConfig;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVHWFramesContext;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.IntPointer;

/**
 * A hardware device plus a pool of GPU surfaces for encoders that only take hardware frames
 * (h264_vaapi): {@link #upload} copies a software frame (already converted to {@link #swFormat()} by
 * swscale) into a pooled surface with {@code av_hwframe_get_buffer} + {@code av_hwframe_transfer_data}.
 * Encoders that accept system memory (nvenc, qsv, videotoolbox, mf) never get one. Owned by the
 * encoder's thread; {@link #close} releases the surfaces and the device.
 */
final class HwFrames implements AutoCloseable {
    // VAAPI pools are fixed-size: enough for the encoder's references, its async queue and the one
    // surface held here between uploads, with room to spare (FFmpeg's own example uses 20)
    private static final int POOL_SURFACES = 20;

    private final String deviceTypeName;
    private final int hwFormat;
    private final int swFormat;
    private final AVBufferRef device;
    private final AVBufferRef frames;
    private final AVFrame surface;
    private boolean closed;

    private HwFrames(String deviceTypeName, int hwFormat, int swFormat, AVBufferRef device, AVBufferRef frames) {
        this.deviceTypeName = deviceTypeName;
        this.hwFormat = hwFormat;
        this.swFormat = swFormat;
        this.device = device;
        this.frames = frames;
        this.surface = avutil.av_frame_alloc();
    }

    /**
     * The hardware configuration the encoder needs, or null when it takes a software format Parley
     * produces (I420 or NV12), so frames go in from system memory.
     */
    static AVCodecHWConfig hardwareOnly(AVCodec codec) {
        IntPointer fmts = codec.pix_fmts();
        if (fmts != null && !fmts.isNull()) {
            for (int i = 0; ; i++) {
                int f = fmts.get(i);
                if (f == avutil.AV_PIX_FMT_NONE) {
                    break;
                }
                if (f == avutil.AV_PIX_FMT_YUV420P || f == avutil.AV_PIX_FMT_NV12) {
                    return null;
                }
            }
        }
        for (int i = 0; ; i++) {
            AVCodecHWConfig c = avcodec.avcodec_get_hw_config(codec, i);
            if (c == null || c.isNull()) {
                return null;
            }
            if ((c.methods() & avcodec.AV_CODEC_HW_CONFIG_METHOD_HW_FRAMES_CTX) != 0) {
                return c;
            }
        }
    }

    /**
     * Opens device {@code devicePath} (null: FFmpeg's default, e.g. the first DRM render node for
     * VAAPI) and a surface pool of {@code width}×{@code height} in {@code hwFormat} holding NV12.
     * Throws {@link MediaException} saying which step failed; nothing is left allocated then.
     */
    static HwFrames open(int deviceType, int hwFormat, String devicePath, int width, int height) {
        Av.init();
        String type = avutil.av_hwdevice_get_type_name(deviceType).getString().toUpperCase(java.util.Locale.ROOT);
        AVBufferRef device = new AVBufferRef(null);
        int ret = avutil.av_hwdevice_ctx_create(device, deviceType, devicePath, null, 0);
        if (ret < 0 || device.isNull()) {
            throw new MediaException("no " + type + " device (av_hwdevice_ctx_create"
                    + (devicePath == null ? "" : " on " + devicePath) + ": " + Av.error(ret) + ")");
        }
        AVBufferRef frames = avutil.av_hwframe_ctx_alloc(device);
        if (frames == null || frames.isNull()) {
            avutil.av_buffer_unref(device);
            throw new MediaException(type + ": av_hwframe_ctx_alloc failed");
        }
        AVHWFramesContext fc = new AVHWFramesContext(frames.data());
        fc.format(hwFormat).sw_format(avutil.AV_PIX_FMT_NV12).width(width).height(height).initial_pool_size(POOL_SURFACES);
        ret = avutil.av_hwframe_ctx_init(frames);
        if (ret < 0) {
            avutil.av_buffer_unref(frames);
            avutil.av_buffer_unref(device);
            throw new MediaException(type + " surfaces " + width + "x" + height + " NV12 unavailable (av_hwframe_ctx_init: "
                    + Av.error(ret) + ")");
        }
        return new HwFrames(type, hwFormat, avutil.AV_PIX_FMT_NV12, device, frames);
    }

    /** Device type, e.g. {@code VAAPI}. */
    String deviceType() {
        return deviceTypeName;
    }

    /** Pixel format the encoder is opened with, e.g. {@code AV_PIX_FMT_VAAPI}. */
    int hwFormat() {
        return hwFormat;
    }

    /** Software layout of the surfaces (NV12): what swscale must produce before {@link #upload}. */
    int swFormat() {
        return swFormat;
    }

    /** A new reference to the surface pool, for {@code AVCodecContext.hw_frames_ctx} (the context frees it). */
    AVBufferRef newFramesRef() {
        AVBufferRef ref = avutil.av_buffer_ref(frames);
        if (ref == null || ref.isNull()) {
            throw new MediaException(deviceTypeName + ": av_buffer_ref failed");
        }
        return ref;
    }

    /**
     * Copies {@code sw} into a pooled surface and returns that surface (valid until the next call;
     * the encoder takes its own reference on send).
     */
    AVFrame upload(AVFrame sw) {
        avutil.av_frame_unref(surface);
        Av.check(avutil.av_hwframe_get_buffer(frames, surface, 0), deviceTypeName + " av_hwframe_get_buffer");
        Av.check(avutil.av_hwframe_transfer_data(surface, sw, 0), deviceTypeName + " av_hwframe_transfer_data");
        return surface;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        avutil.av_frame_free(surface);
        avutil.av_buffer_unref(frames);
        avutil.av_buffer_unref(device);
    }
}
