package dev.parley.media.codec;

import dev.parley.media.MediaException;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * H.264 encoder on FFmpeg's avcodec API, entirely in memory: I420 frames in (scaled by swscale to
 * the configured size and the encoder's layout, I420 or NV12), Annex-B access units out, no
 * B-frames, SPS/PPS repeated in-band at every keyframe, a keyframe every {@code keyframeInterval}
 * frames and on request. Encoders that only take GPU surfaces (h264_vaapi) get a {@link HwFrames}
 * device and pool; each NV12 frame is uploaded before it is sent. The VAAPI device is the one in
 * system property {@value #VAAPI_DEVICE_PROPERTY} (e.g. {@code /dev/dri/renderD128}), else FFmpeg's default.
 * Owned by one thread at a time.
 */
public final class H264Encoder implements AutoCloseable {
    /** Software fallback. */
    public static final String SOFTWARE = "libx264";
    /** System property naming the VAAPI device (a DRM render node); unset = FFmpeg's default. */
    public static final String VAAPI_DEVICE_PROPERTY = "parley.vaapi.device";

    private final String name;
    private final VideoEncoderConfig config;
    private final AVCodecContext ctx;
    private final AVFrame frame;
    private final AVFrame src;
    private final AVPacket pkt;
    private final int pixFmt;
    private final HwFrames hw;
    private final ArrayDeque<Long> pending = new ArrayDeque<>();
    private Scaler scaler;
    private int scalerW = -1;
    private int scalerH = -1;
    private long pts;
    private volatile boolean keyframeRequested;
    private volatile long targetBitrate;
    private long appliedBitrate;
    private java.util.List<String> unusedOptions = java.util.List.of();
    private boolean closed;

    private H264Encoder(String name, VideoEncoderConfig config, AVCodecContext ctx, int pixFmt, HwFrames hw) {
        this.name = name;
        this.config = config;
        this.ctx = ctx;
        this.pixFmt = pixFmt;
        this.hw = hw;
        this.frame = avutil.av_frame_alloc();
        frame.format(pixFmt).width(config.width()).height(config.height());
        Av.check(avutil.av_frame_get_buffer(frame, 0), "av_frame_get_buffer");
        this.src = avutil.av_frame_alloc();
        this.pkt = avcodec.av_packet_alloc();
    }

    /** Opens the named encoder; throws {@link MediaException} when it is missing or refuses the settings. */
    public static H264Encoder open(String encoderName, VideoEncoderConfig config) {
        Av.init();
        AVCodec codec = avcodec.avcodec_find_encoder_by_name(encoderName);
        if (codec == null) {
            throw new MediaException("encoder " + encoderName + " is not in this FFmpeg build");
        }
        var hwConfig = HwFrames.hardwareOnly(codec);
        HwFrames hw = null;
        if (hwConfig != null) {
            String device = hwConfig.device_type() == avutil.AV_HWDEVICE_TYPE_VAAPI
                    ? System.getProperty(VAAPI_DEVICE_PROPERTY) : null;
            hw = HwFrames.open(hwConfig.device_type(), hwConfig.pix_fmt(), device, config.width(), config.height());
        }
        // swscale writes this layout; for a hardware encoder it is the surfaces' software layout
        int pixFmt = hw != null ? hw.swFormat() : pickPixelFormat(codec);
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(codec);
        ctx.width(config.width()).height(config.height()).pix_fmt(hw != null ? hw.hwFormat() : pixFmt);
        if (hw != null) {
            try {
                ctx.hw_frames_ctx(hw.newFramesRef());
            } catch (MediaException e) {
                avcodec.avcodec_free_context(ctx);
                hw.close();
                throw e;
            }
        }
        ctx.time_base(avutil.av_make_q(1, config.fps()));
        ctx.framerate(avutil.av_make_q(config.fps(), 1));
        ctx.bit_rate(config.bitrate());
        ctx.rc_max_rate(config.bitrate() * 3 / 2);
        ctx.rc_buffer_size((int) Math.min(Integer.MAX_VALUE, config.bitrate()));
        ctx.gop_size(config.keyframeInterval());
        ctx.keyint_min(config.keyframeInterval());
        ctx.max_b_frames(0);
        ctx.thread_count(config.width() * config.height() >= 1280 * 720 ? 2 : 1);
        ctx.flags(ctx.flags() | avcodec.AV_CODEC_FLAG_LOW_DELAY);
        AVDictionary opts = new AVDictionary(null);
        options(encoderName).forEach((k, v) -> avutil.av_dict_set(opts, k, v, 0));
        int ret = avcodec.avcodec_open2(ctx, codec, opts);
        java.util.List<String> unused = Av.leftover(opts);
        avutil.av_dict_free(opts);
        if (ret < 0) {
            avcodec.avcodec_free_context(ctx); // also drops its hw_frames_ctx reference
            if (hw != null) {
                hw.close();
            }
            throw new MediaException("cannot open " + encoderName + " at " + config.width() + "x" + config.height()
                    + (hw != null ? " on " + hw.deviceType() + " surfaces" : "") + ": " + Av.error(ret));
        }
        H264Encoder enc;
        try {
            enc = new H264Encoder(encoderName, config, ctx, pixFmt, hw);
        } catch (MediaException e) {
            avcodec.avcodec_free_context(ctx);
            if (hw != null) {
                hw.close();
            }
            throw e;
        }
        enc.unusedOptions = java.util.List.copyOf(unused);
        return enc;
    }

    private static Map<String, String> options(String encoder) {
        return switch (encoder) {
            case "libx264" -> Map.of("preset", "ultrafast", "tune", "zerolatency", "forced-idr", "1",
                    "x264-params", "scenecut=0");
            case "h264_nvenc" -> Map.of("preset", "p1", "tune", "ull", "zerolatency", "1", "forced-idr", "1");
            case "h264_qsv" -> Map.of("preset", "veryfast", "async_depth", "1", "forced_idr", "1");
            case "h264_videotoolbox" -> Map.of("realtime", "1");
            case "h264_mf" -> Map.of("hw_encoding", "1", "scenario", "display_remoting");
            case "h264_vaapi" -> Map.of("async_depth", "1"); // one frame in flight: lowest latency
            default -> Map.of();
        };
    }

    // I420 when the encoder takes it, else NV12 (QSV, Media Foundation).
    private static int pickPixelFormat(AVCodec codec) {
        IntPointer fmts = codec.pix_fmts();
        if (fmts == null || fmts.isNull()) {
            return avutil.AV_PIX_FMT_YUV420P;
        }
        boolean nv12 = false;
        for (int i = 0; ; i++) {
            int f = fmts.get(i);
            if (f == avutil.AV_PIX_FMT_NONE) {
                break;
            }
            if (f == avutil.AV_PIX_FMT_YUV420P) {
                return f;
            }
            nv12 |= f == avutil.AV_PIX_FMT_NV12;
        }
        return nv12 ? avutil.AV_PIX_FMT_NV12 : avutil.AV_PIX_FMT_YUV420P;
    }

    /** Options the encoder did not recognise (empty for libx264: preset, tune, forced-idr, x264-params). */
    public java.util.List<String> unusedOptions() {
        return unusedOptions;
    }

    /** FFmpeg encoder name, e.g. {@code libx264}. */
    public String name() {
        return name;
    }

    public VideoEncoderConfig config() {
        return config;
    }

    public boolean isHardware() {
        return !name.startsWith("lib");
    }

    /**
     * Changes the target bitrate from the next frame on (thread-safe); libx264 reconfigures its rate
     * control in place (bitrate and VBV), without a keyframe. Encoders that cannot change it keep theirs.
     */
    public void setBitrate(long bitsPerSecond) {
        targetBitrate = bitsPerSecond;
    }

    /** The target bitrate in effect (bits per second). */
    public long bitrate() {
        return appliedBitrate > 0 ? appliedBitrate : config.bitrate();
    }

    /** Makes the next encoded frame a keyframe (thread-safe). */
    public void requestKeyframe() {
        keyframeRequested = true;
    }

    /** Encodes one I420 frame; returns the access units that came out (usually exactly one). */
    public List<EncodedVideo> encode(VideoFrame input) {
        if (closed) {
            throw new IllegalStateException("encoder closed");
        }
        if (input.format() != PixelFormat.I420) {
            throw new IllegalArgumentException("encoder takes I420, got " + input.format());
        }
        long target = targetBitrate;
        if (target > 0 && target != bitrate()) {
            ctx.bit_rate(target);
            ctx.rc_max_rate(target * 3 / 2);
            ctx.rc_buffer_size((int) Math.min(Integer.MAX_VALUE, target));
            appliedBitrate = target;
        }
        Av.check(avutil.av_frame_make_writable(frame), "av_frame_make_writable");
        if (scaler == null || scalerW != input.width() || scalerH != input.height()) {
            if (scaler != null) {
                scaler.close();
            }
            scaler = new Scaler(input.width(), input.height(), avutil.AV_PIX_FMT_YUV420P,
                    config.width(), config.height(), pixFmt);
            scalerW = input.width();
            scalerH = input.height();
        }
        BytePointer keep = Scaler.wrap(src, input.data(), avutil.AV_PIX_FMT_YUV420P, input.width(), input.height());
        scaler.scale(src, frame);
        keep.setNull();
        AVFrame out = hw != null ? hw.upload(frame) : frame;
        out.pts(pts++);
        if (keyframeRequested) {
            keyframeRequested = false;
            out.pict_type(avutil.AV_PICTURE_TYPE_I);
        } else {
            out.pict_type(avutil.AV_PICTURE_TYPE_NONE);
        }
        pending.addLast(input.captureMicros());
        Av.check(avcodec.avcodec_send_frame(ctx, out), name + " send_frame");
        return drain();
    }

    private List<EncodedVideo> drain() {
        List<EncodedVideo> out = new ArrayList<>(1);
        while (true) {
            int ret = avcodec.avcodec_receive_packet(ctx, pkt);
            if (ret == Av.EAGAIN || ret == avutil.AVERROR_EOF) {
                return out;
            }
            Av.check(ret, name + " receive_packet");
            boolean key = (pkt.flags() & avcodec.AV_PKT_FLAG_KEY) != 0;
            Long micros = pending.pollFirst();
            out.add(new EncodedVideo(Av.bytes(pkt), micros == null ? 0 : micros, key));
            avcodec.av_packet_unref(pkt);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (scaler != null) {
            scaler.close();
        }
        avcodec.av_packet_free(pkt);
        avutil.av_frame_free(frame);
        avutil.av_frame_free(src);
        avcodec.avcodec_free_context(ctx);
        if (hw != null) {
            hw.close();
        }
    }

    /** Hardware device type the frames are uploaded to ({@code VAAPI}), or null for system-memory input. */
    public String hardwareFrames() {
        return hw == null ? null : hw.deviceType();
    }
}
