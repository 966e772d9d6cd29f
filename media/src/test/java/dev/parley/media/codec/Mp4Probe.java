package dev.parley.media.codec;

import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;

import java.nio.file.Path;

/** What FFmpeg finds in a file: per stream the codec, the packets it reads and the first and last timestamps (s). */
public record Mp4Probe(String videoCodec, String audioCodec, int videoPackets, int audioPackets,
                double videoStart, double videoEnd, double audioStart, double audioEnd, int decodedVideoFrames) {

    public double duration() {
        return Math.max(videoEnd, audioEnd) - Math.min(videoStart, audioStart);
    }

    /** Opens the file with FFmpeg, reads every packet and decodes the video; throws if it cannot be opened. */
    public static Mp4Probe of(Path file) {
        Av.init();
        AVFormatContext ctx = new AVFormatContext(null);
        Av.check(avformat.avformat_open_input(ctx, file.toString(), null, null), "open " + file);
        try {
            Av.check(avformat.avformat_find_stream_info(ctx, (org.bytedeco.javacpp.PointerPointer<?>) null), "stream info");
            int v = -1, a = -1;
            for (int i = 0; i < ctx.nb_streams(); i++) {
                int type = ctx.streams(i).codecpar().codec_type();
                if (type == avutil.AVMEDIA_TYPE_VIDEO) {
                    v = i;
                } else if (type == avutil.AVMEDIA_TYPE_AUDIO) {
                    a = i;
                }
            }
            String vc = v < 0 ? null : avcodec.avcodec_get_name(ctx.streams(v).codecpar().codec_id()).getString();
            String ac = a < 0 ? null : avcodec.avcodec_get_name(ctx.streams(a).codecpar().codec_id()).getString();
            int vn = 0, an = 0;
            double vs = Double.NaN, ve = Double.NaN, as = Double.NaN, ae = Double.NaN;
            int decoded = 0;
            AVPacket pkt = avcodec.av_packet_alloc();
            var dec = v < 0 ? null : openDecoder(ctx.streams(v).codecpar());
            var frame = avutil.av_frame_alloc();
            try {
                while (avformat.av_read_frame(ctx, pkt) >= 0) {
                    AVStream st = ctx.streams(pkt.stream_index());
                    double t = pkt.pts() * avutil.av_q2d(st.time_base());
                    double end = t + pkt.duration() * avutil.av_q2d(st.time_base());
                    if (pkt.stream_index() == v) {
                        vn++;
                        vs = Double.isNaN(vs) ? t : Math.min(vs, t);
                        ve = Double.isNaN(ve) ? end : Math.max(ve, end);
                        if (avcodec.avcodec_send_packet(dec, pkt) >= 0) {
                            decoded += receive(dec, frame);
                        }
                    } else if (pkt.stream_index() == a) {
                        an++;
                        as = Double.isNaN(as) ? t : Math.min(as, t);
                        ae = Double.isNaN(ae) ? end : Math.max(ae, end);
                    }
                    avcodec.av_packet_unref(pkt);
                }
                if (dec != null) {
                    avcodec.avcodec_send_packet(dec, (AVPacket) null);
                    decoded += receive(dec, frame);
                }
            } finally {
                avcodec.av_packet_free(pkt);
                avutil.av_frame_free(frame);
                if (dec != null) {
                    avcodec.avcodec_free_context(dec);
                }
            }
            return new Mp4Probe(vc, ac, vn, an, vs, ve, as, ae, decoded);
        } finally {
            avformat.avformat_close_input(ctx);
        }
    }

    // FFmpeg's own H.264 decoder set up from the file's codec parameters, as a player would
    private static org.bytedeco.ffmpeg.avcodec.AVCodecContext openDecoder(org.bytedeco.ffmpeg.avcodec.AVCodecParameters par) {
        var codec = avcodec.avcodec_find_decoder(par.codec_id());
        var ctx = avcodec.avcodec_alloc_context3(codec);
        Av.check(avcodec.avcodec_parameters_to_context(ctx, par), "decoder parameters");
        Av.check(avcodec.avcodec_open2(ctx, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "open decoder");
        return ctx;
    }

    private static int receive(org.bytedeco.ffmpeg.avcodec.AVCodecContext dec, org.bytedeco.ffmpeg.avutil.AVFrame frame) {
        int n = 0;
        while (avcodec.avcodec_receive_frame(dec, frame) >= 0) {
            n++;
        }
        return n;
    }
}
