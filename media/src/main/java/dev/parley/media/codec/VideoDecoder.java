package dev.parley.media.codec;

import dev.parley.media.MediaException;
import dev.parley.media.frame.BufferPool;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

import java.util.ArrayList;
import java.util.List;

/**
 * A video decoder (FFmpeg software, low delay) for any {@link VideoCodec}, outputting BGRA or I420
 * frames in pooled direct buffers, converted by swscale. An optional codec description (the hang
 * catalog's {@code description}: avcC for H.264, hvcC for HEVC) becomes the decoder's extradata, and
 * FFmpeg then reads length-prefixed NAL units (AVCC/HVCC) instead of Annex-B, with the parameter sets
 * from the record; without one, H.264 and HEVC are Annex-B with in-band parameter sets. Owned by one
 * thread. After a decode error it drops input until the next keyframe.
 */
public final class VideoDecoder implements AutoCloseable {
    private final AVCodecContext ctx;
    private final AVPacket pkt;
    private final AVFrame decoded;
    private final AVFrame out;
    private final PixelFormat outFormat;
    private Scaler scaler;
    private BufferPool pool;
    private int w = -1;
    private int h = -1;
    private int srcFmt = -1;
    private boolean needKeyframe = true;
    private long errors;
    private boolean closed;
    private final String name;

    /** An Annex-B H.264 decoder. */
    public VideoDecoder(PixelFormat outFormat) {
        this(VideoCodec.H264, null, outFormat);
    }

    /**
     * @param description codec configuration record (avcC/hvcC), or null/empty for in-band parameters
     * @throws MediaException if this FFmpeg build has no decoder for the codec or rejects the description
     */
    public VideoDecoder(VideoCodec codecKind, byte[] description, PixelFormat outFormat) {
        Av.init();
        AVCodec codec = avcodec.avcodec_find_decoder(codecKind.ffmpegId());
        if (codec == null) {
            throw new MediaException("no " + codecKind.label() + " decoder in this FFmpeg build");
        }
        codecKind.descriptionProblem(description).ifPresent(p -> {
            throw new MediaException(p);
        });
        ctx = avcodec.avcodec_alloc_context3(codec);
        ctx.flags(ctx.flags() | avcodec.AV_CODEC_FLAG_LOW_DELAY);
        ctx.thread_count(2);
        ctx.thread_type(2); // FF_THREAD_SLICE: no frame-thread latency
        if (description != null && description.length > 0) {
            // FFmpeg owns (and frees) extradata: av_mallocz with the padding its bitstream readers need.
            int padded = description.length + avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
            BytePointer extra = new BytePointer(avutil.av_mallocz(padded)).capacity(padded);
            extra.put(description, 0, description.length);
            ctx.extradata(extra);
            ctx.extradata_size(description.length);
        }
        int ret = avcodec.avcodec_open2(ctx, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
        if (ret < 0) {
            avcodec.avcodec_free_context(ctx);
            throw new MediaException("open " + codecKind.label() + " decoder failed: " + Av.error(ret));
        }
        name = codecKind == VideoCodec.H264 ? "h264 (ffmpeg)" : codec.name().getString() + " (ffmpeg)";
        pkt = avcodec.av_packet_alloc();
        decoded = avutil.av_frame_alloc();
        out = avutil.av_frame_alloc();
        this.outFormat = outFormat;
    }

    /** Decoder name for stats. */
    public String name() {
        return name;
    }

    public long errors() {
        return errors;
    }

    /**
     * Decodes one access unit. Returns the frames that came out (the caller owns them); empty while
     * waiting for a keyframe after start or an error.
     */
    public List<VideoFrame> decode(EncodedVideo unit) {
        if (closed) {
            throw new IllegalStateException("decoder closed");
        }
        List<VideoFrame> frames = new ArrayList<>(1);
        if (needKeyframe && !unit.keyframe()) {
            return frames;
        }
        needKeyframe = false;
        Av.fill(pkt, unit.data(), 0, unit.data().length, unit.timestampMicros());
        if (unit.keyframe()) {
            pkt.flags(pkt.flags() | avcodec.AV_PKT_FLAG_KEY);
        }
        int ret = avcodec.avcodec_send_packet(ctx, pkt);
        avcodec.av_packet_unref(pkt);
        if (ret < 0 && ret != Av.EAGAIN) {
            errors++;
            needKeyframe = true;
            avcodec.avcodec_flush_buffers(ctx);
            return frames;
        }
        while (true) {
            ret = avcodec.avcodec_receive_frame(ctx, decoded);
            if (ret == Av.EAGAIN || ret == avutil.AVERROR_EOF) {
                return frames;
            }
            if (ret < 0) {
                errors++;
                needKeyframe = true;
                avcodec.avcodec_flush_buffers(ctx);
                return frames;
            }
            frames.add(convert(decoded));
            avutil.av_frame_unref(decoded);
        }
    }

    private VideoFrame convert(AVFrame f) {
        int fw = f.width();
        int fh = f.height();
        if (scaler == null || fw != w || fh != h || f.format() != srcFmt) {
            if (scaler != null) {
                scaler.close();
            }
            int dst = outFormat == PixelFormat.BGRA ? avutil.AV_PIX_FMT_BGRA : avutil.AV_PIX_FMT_YUV420P;
            scaler = new Scaler(fw, fh, f.format(), fw, fh, dst);
            pool = new BufferPool(outFormat.frameBytes(fw, fh), 4);
            w = fw;
            h = fh;
            srcFmt = f.format();
        }
        long ts = f.best_effort_timestamp() != avutil.AV_NOPTS_VALUE ? f.best_effort_timestamp() : f.pts();
        VideoFrame frame = VideoFrame.allocate(fw, fh, outFormat, ts, pool);
        int dstFmt = outFormat == PixelFormat.BGRA ? avutil.AV_PIX_FMT_BGRA : avutil.AV_PIX_FMT_YUV420P;
        BytePointer keep = Scaler.wrap(out, frame.data(), dstFmt, fw, fh);
        scaler.scale(f, out);
        keep.setNull();
        return frame;
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
        avutil.av_frame_free(decoded);
        avutil.av_frame_free(out);
        avcodec.avcodec_free_context(ctx);
    }
}
