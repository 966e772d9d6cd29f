package dev.parley.media.codec;

import dev.parley.media.MediaException;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.ShortPointer;

/**
 * Opus decoder (libopus through avcodec) producing 48 kHz 16-bit PCM. {@link #conceal()} runs
 * libopus packet-loss concealment: avcodec treats an empty packet as end of stream, so it feeds a
 * packet made of only the last TOC byte, which Opus defines as a lost frame (RFC 6716 §3.2.1).
 */
public final class OpusDecoder implements AutoCloseable {
    private final AVCodecContext ctx;
    private final AVPacket pkt;
    private final AVFrame frame;
    private final int channels;
    private byte lastToc = (byte) 0x78; // SILK/CELT hybrid FB 20 ms: harmless default before any packet
    private long concealed;
    private boolean closed;

    public OpusDecoder(int channels) {
        Av.init();
        AVCodec codec = avcodec.avcodec_find_decoder_by_name("libopus");
        if (codec == null) {
            throw new MediaException("libopus decoder is not in this FFmpeg build");
        }
        this.channels = channels;
        ctx = avcodec.avcodec_alloc_context3(codec);
        ctx.sample_rate(OpusEncoder.SAMPLE_RATE);
        avutil.av_channel_layout_default(ctx.ch_layout(), channels);
        ctx.request_sample_fmt(avutil.AV_SAMPLE_FMT_S16);
        Av.check(avcodec.avcodec_open2(ctx, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "open libopus decoder");
        pkt = avcodec.av_packet_alloc();
        frame = avutil.av_frame_alloc();
    }

    public int channels() {
        return channels;
    }

    /** Frames concealed so far. */
    public long concealed() {
        return concealed;
    }

    /** Decodes one packet into interleaved PCM (empty array if the packet was rejected). */
    public short[] decode(byte[] packet) {
        if (packet.length > 0) {
            lastToc = (byte) (packet[0] & 0xfc); // keep config and stereo bit; code 0 = one frame
        }
        return run(packet);
    }

    /** PCM for one lost 20 ms frame, synthesised by libopus PLC. */
    public short[] conceal() {
        concealed++;
        return run(new byte[]{lastToc});
    }

    private short[] run(byte[] packet) {
        if (closed) {
            throw new IllegalStateException("decoder closed");
        }
        Av.fill(pkt, packet, 0, packet.length, avutil.AV_NOPTS_VALUE);
        int ret = avcodec.avcodec_send_packet(ctx, pkt);
        avcodec.av_packet_unref(pkt);
        if (ret < 0) {
            return new short[0];
        }
        short[] all = new short[0];
        while (true) {
            ret = avcodec.avcodec_receive_frame(ctx, frame);
            if (ret < 0) {
                return all;
            }
            int n = frame.nb_samples() * channels;
            short[] s = new short[n];
            if (frame.format() == avutil.AV_SAMPLE_FMT_S16) {
                new ShortPointer(frame.data(0)).get(s);
            } else if (frame.format() == avutil.AV_SAMPLE_FMT_FLT) {
                float[] f = new float[n];
                new FloatPointer(frame.data(0)).get(f);
                for (int i = 0; i < n; i++) {
                    s[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(f[i] * 32767f)));
                }
            } else {
                throw new MediaException("unexpected Opus output sample format " + frame.format());
            }
            avutil.av_frame_unref(frame);
            if (all.length == 0) {
                all = s;
            } else {
                short[] joined = new short[all.length + s.length];
                System.arraycopy(all, 0, joined, 0, all.length);
                System.arraycopy(s, 0, joined, all.length, s.length);
                all = joined;
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        avcodec.av_packet_free(pkt);
        avutil.av_frame_free(frame);
        avcodec.avcodec_free_context(ctx);
    }
}
