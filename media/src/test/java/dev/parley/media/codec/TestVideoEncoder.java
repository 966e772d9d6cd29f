package dev.parley.media.codec;

import dev.parley.media.MediaException;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.source.TestPatternSource;
import dev.parley.media.source.TimestampBarcode;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Encodes the test pattern (presentation time from 0 in the barcode) with any FFmpeg encoder set up
 * for real time (no lookahead, no B-frames), the way a foreign publisher's non-H.264 rendition
 * would arrive: for tests of the watch side.
 */
public final class TestVideoEncoder {
    public static final long FRAME_MICROS = 33_333;

    private TestVideoEncoder() {
    }

    private static Map<String, String> options(String encoder) {
        return switch (encoder) {
            case "libx264" -> Map.of("preset", "veryfast", "x264-params", "b-adapt=0:log=-1");
            case "libx265" -> Map.of("preset", "ultrafast", "tune", "zerolatency", "x265-params", "log-level=error");
            case "libvpx", "libvpx-vp9" -> Map.of("deadline", "realtime", "cpu-used", "8", "lag-in-frames", "0");
            case "libaom-av1" -> Map.of("usage", "realtime", "cpu-used", "8", "lag-in-frames", "0");
            default -> Map.of();
        };
    }

    /** {@code frames} frames of width×height at 30 fps, a keyframe every {@code gop}; timestamps i × 33 333 µs. */
    public static List<EncodedVideo> encode(String encoderName, int width, int height, int frames, int gop) {
        return encode(encoderName, width, height, frames, gop, 0);
    }

    /** As {@link #encode(String, int, int, int, int)} with up to {@code bFrames} B-frames in a row (decode order ≠ display order). */
    public static List<EncodedVideo> encode(String encoderName, int width, int height, int frames, int gop, int bFrames) {
        Av.init();
        AVCodec codec = avcodec.avcodec_find_encoder_by_name(encoderName);
        if (codec == null) {
            throw new MediaException("encoder " + encoderName + " is not in this FFmpeg build");
        }
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(codec);
        ctx.width(width).height(height).pix_fmt(avutil.AV_PIX_FMT_YUV420P);
        ctx.time_base(avutil.av_make_q(1, 30));
        ctx.framerate(avutil.av_make_q(30, 1));
        ctx.bit_rate(400_000);
        ctx.gop_size(gop);
        ctx.keyint_min(gop);
        ctx.max_b_frames(bFrames);
        ctx.thread_count(1);
        AVDictionary opts = new AVDictionary(null);
        options(encoderName).forEach((k, v) -> avutil.av_dict_set(opts, k, v, 0));
        int ret = avcodec.avcodec_open2(ctx, codec, opts);
        avutil.av_dict_free(opts);
        Av.check(ret, "open " + encoderName);
        AVFrame frame = avutil.av_frame_alloc();
        frame.format(avutil.AV_PIX_FMT_YUV420P).width(width).height(height);
        Av.check(avutil.av_frame_get_buffer(frame, 0), "frame buffer");
        AVFrame src = avutil.av_frame_alloc();
        AVPacket pkt = avcodec.av_packet_alloc();
        List<EncodedVideo> out = new ArrayList<>();
        TestPatternSource pattern = new TestPatternSource(width, height, 30);
        try (Scaler copy = new Scaler(width, height, avutil.AV_PIX_FMT_YUV420P, width, height, avutil.AV_PIX_FMT_YUV420P)) {
            for (int i = 0; i <= frames; i++) {
                if (i < frames) {
                    try (VideoFrame f = VideoFrame.allocate(width, height, PixelFormat.I420, i * FRAME_MICROS, null)) {
                        pattern.render(f, i);
                        TimestampBarcode.draw(f.data(), width, height, i * FRAME_MICROS / 1000);
                        Av.check(avutil.av_frame_make_writable(frame), "writable");
                        BytePointer keep = Scaler.wrap(src, f.data(), avutil.AV_PIX_FMT_YUV420P, width, height);
                        copy.scale(src, frame);
                        keep.setNull();
                    }
                    frame.pts(i);
                    frame.pict_type(i % gop == 0 ? avutil.AV_PICTURE_TYPE_I : avutil.AV_PICTURE_TYPE_NONE);
                    Av.check(avcodec.avcodec_send_frame(ctx, frame), "send_frame");
                } else {
                    Av.check(avcodec.avcodec_send_frame(ctx, null), "flush");
                }
                while ((ret = avcodec.avcodec_receive_packet(ctx, pkt)) >= 0) {
                    out.add(new EncodedVideo(Av.bytes(pkt), pkt.pts() * FRAME_MICROS,
                            (pkt.flags() & avcodec.AV_PKT_FLAG_KEY) != 0));
                    avcodec.av_packet_unref(pkt);
                }
                if (ret != Av.EAGAIN && ret != avutil.AVERROR_EOF) {
                    Av.check(ret, "receive_packet");
                }
            }
        } finally {
            avcodec.av_packet_free(pkt);
            avutil.av_frame_free(frame);
            avutil.av_frame_free(src);
            avcodec.avcodec_free_context(ctx);
        }
        return out;
    }
}
