package dev.parley.media.codec;

import dev.parley.media.MediaException;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/** Small helpers around FFmpeg return codes and packets. */
final class Av {
    static final int EAGAIN;

    static {
        // AVERROR_EAGAIN lives in the preset class, which needs the natives loaded first.
        org.bytedeco.javacpp.Loader.load(avutil.class);
        org.bytedeco.javacpp.Loader.load(avcodec.class);
        EAGAIN = avutil.AVERROR_EAGAIN();
        // libx264 and probe failures are chatty at INFO; Parley logs what matters itself.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    /** Loads FFmpeg and quietens its log. */
    static void init() {
    }

    private Av() {
    }

    static String error(int code) {
        byte[] buf = new byte[256];
        avutil.av_strerror(code, buf, buf.length);
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n) + " (" + code + ")";
    }

    static int check(int ret, String what) {
        if (ret < 0) {
            throw new MediaException(what + " failed: " + error(ret));
        }
        return ret;
    }

    /** Copies a packet's payload out of native memory. */
    static byte[] bytes(AVPacket pkt) {
        byte[] out = new byte[pkt.size()];
        pkt.data().get(out);
        return out;
    }

    /** Fills a reusable packet with a copy of {@code data}. */
    static void fill(AVPacket pkt, byte[] data, int offset, int length, long pts) {
        avcodec.av_packet_unref(pkt);
        check(avcodec.av_new_packet(pkt, length), "av_new_packet");
        pkt.data().put(data, offset, length);
        pkt.pts(pts);
        pkt.dts(pts);
    }

    /** Keys an encoder left unconsumed in its options dictionary (options it does not know). */
    static java.util.List<String> leftover(org.bytedeco.ffmpeg.avutil.AVDictionary opts) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        org.bytedeco.ffmpeg.avutil.AVDictionaryEntry e = null;
        while ((e = avutil.av_dict_get(opts, "", e, avutil.AV_DICT_IGNORE_SUFFIX)) != null) {
            keys.add(e.key().getString());
        }
        return keys;
    }
}
