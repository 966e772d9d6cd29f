package dev.parley.media.codec;

import dev.parley.media.MediaException;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;

/**
 * Writes received H.264 (Annex-B, parameter sets in-band on keyframes) and Opus packets into a
 * fragmented MP4 without re-encoding (FFmpeg's mov muxer with {@code frag_keyframe+empty_moov+
 * default_base_moof}, a fragment at least every second, flushed to disk as written): a file cut off at
 * any point, by a crash or SIGKILL, plays up to its last complete fragment. Recording starts at the
 * first video keyframe (its SPS and PPS become the track's configuration); packets before it are
 * skipped, and so is any packet whose timestamp does not advance on its track. Timestamps are the
 * publisher's capture times in microseconds, so audio and video keep their relative offset; the file
 * starts at zero. Each packet is held until the next one on its track arrives, which gives it its
 * exact duration. Thread-safe (one lock); writes are small and go to the OS page cache.
 */
public final class Mp4Recorder implements AutoCloseable {
    private static final long AUDIO_FRAME_MICROS = 20_000;
    private static final org.bytedeco.ffmpeg.avutil.AVRational MICROS = avutil.av_make_q(1, 1_000_000);

    private final Path file;
    private final int audioChannels;
    private AVFormatContext ctx;
    private AVStream videoStream;
    private AVStream audioStream;
    private boolean started;
    private boolean closed;
    private long originMicros;
    private Held heldVideo;
    private Held heldAudio;
    private long lastVideoDuration = 33_333;
    private long videoPackets;
    private long audioPackets;

    private record Held(byte[] data, long micros, boolean key) {
    }

    /** A recorder that creates {@code file} when the first keyframe arrives. */
    public Mp4Recorder(Path file, int audioChannels) {
        this.file = file;
        this.audioChannels = audioChannels;
        Av.init();
    }

    /** One received video access unit; {@code width}×{@code height} (from the catalog; 0 if unknown) is used once, at the start. */
    public synchronized void video(EncodedVideo unit, int width, int height) {
        if (closed) {
            return;
        }
        if (!started) {
            if (!unit.keyframe()) {
                return;
            }
            byte[] config = parameterSets(unit.data());
            if (config.length == 0) {
                return;
            }
            start(config, width, height, unit.timestampMicros());
        }
        if (unit.timestampMicros() < originMicros || (heldVideo != null && unit.timestampMicros() <= heldVideo.micros())) {
            return;
        }
        if (heldVideo != null) {
            lastVideoDuration = unit.timestampMicros() - heldVideo.micros();
            write(videoStream, heldVideo, lastVideoDuration);
            videoPackets++;
        }
        heldVideo = new Held(unit.data(), unit.timestampMicros(), unit.keyframe());
    }

    /** One received Opus packet (20 ms). */
    public synchronized void audio(EncodedAudio packet) {
        if (closed || !started || packet.timestampMicros() < originMicros
                || (heldAudio != null && packet.timestampMicros() <= heldAudio.micros())) {
            return;
        }
        if (heldAudio != null) {
            write(audioStream, heldAudio, Math.min(AUDIO_FRAME_MICROS, packet.timestampMicros() - heldAudio.micros()));
            audioPackets++;
        }
        heldAudio = new Held(packet.data(), packet.timestampMicros(), true);
    }

    public Path file() {
        return file;
    }

    /** Whether the first keyframe has arrived and the file exists. */
    public synchronized boolean started() {
        return started;
    }

    /** Packets written so far (video, audio). */
    public synchronized long[] packets() {
        return new long[]{videoPackets, audioPackets};
    }

    private void start(byte[] config, int width, int height, long origin) {
        AVFormatContext c = new AVFormatContext(null);
        Av.check(avformat.avformat_alloc_output_context2(c, null, "mp4", file.toString()), "mp4 output");
        ctx = c;
        ctx.strict_std_compliance(avcodec.FF_COMPLIANCE_EXPERIMENTAL); // Opus in MP4 on older FFmpeg builds
        ctx.flags(ctx.flags() | AVFormatContext.AVFMT_FLAG_FLUSH_PACKETS);

        videoStream = avformat.avformat_new_stream(ctx, null);
        AVCodecParameters v = videoStream.codecpar();
        v.codec_type(avutil.AVMEDIA_TYPE_VIDEO).codec_id(avcodec.AV_CODEC_ID_H264).width(width).height(height);
        setExtradata(v, config);
        videoStream.time_base(avutil.av_make_q(1, 90_000));

        audioStream = avformat.avformat_new_stream(ctx, null);
        AVCodecParameters a = audioStream.codecpar();
        a.codec_type(avutil.AVMEDIA_TYPE_AUDIO).codec_id(avcodec.AV_CODEC_ID_OPUS).sample_rate(OpusEncoder.SAMPLE_RATE)
                .frame_size(OpusEncoder.FRAME_SAMPLES).initial_padding(OPUS_PRE_SKIP);
        avutil.av_channel_layout_default(a.ch_layout(), audioChannels);
        setExtradata(a, opusHead(audioChannels));
        audioStream.time_base(avutil.av_make_q(1, OpusEncoder.SAMPLE_RATE));

        AVIOContext pb = new AVIOContext(null);
        Av.check(avformat.avio_open(pb, file.toString(), avformat.AVIO_FLAG_WRITE), "open " + file);
        ctx.pb(pb);
        AVDictionary options = new AVDictionary(null);
        avutil.av_dict_set(options, "movflags", "frag_keyframe+empty_moov+default_base_moof", 0);
        avutil.av_dict_set(options, "frag_duration", "1000000", 0); // a fragment at least every second
        try {
            Av.check(avformat.avformat_write_header(ctx, options), "mp4 header");
        } finally {
            avutil.av_dict_free(options);
        }
        avformat.avio_flush(ctx.pb());
        originMicros = origin;
        started = true;
    }

    private static final int OPUS_PRE_SKIP = 312;

    private void write(AVStream stream, Held p, long durationMicros) {
        AVPacket pkt = avcodec.av_packet_alloc();
        try {
            Av.check(avcodec.av_new_packet(pkt, p.data().length), "packet");
            pkt.data().put(p.data());
            long pts = avutil.av_rescale_q(p.micros() - originMicros, MICROS, stream.time_base());
            pkt.pts(pts).dts(pts).duration(avutil.av_rescale_q(durationMicros, MICROS, stream.time_base()));
            pkt.stream_index(stream.index());
            if (p.key()) {
                pkt.flags(pkt.flags() | avcodec.AV_PKT_FLAG_KEY);
            }
            Av.check(avformat.av_write_frame(ctx, pkt), "mp4 write");
        } finally {
            avcodec.av_packet_free(pkt);
        }
    }

    private static void setExtradata(AVCodecParameters par, byte[] data) {
        BytePointer p = new BytePointer(avutil.av_mallocz(data.length + avcodec.AV_INPUT_BUFFER_PADDING_SIZE));
        p.put(data);
        par.extradata(p).extradata_size(data.length);
    }

    /** The OpusHead identification header (RFC 7845): channel mapping family 0. */
    static byte[] opusHead(int channels) {
        byte[] h = new byte[19];
        System.arraycopy("OpusHead".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, h, 0, 8);
        h[8] = 1;
        h[9] = (byte) channels;
        h[10] = (byte) OPUS_PRE_SKIP;
        h[11] = (byte) (OPUS_PRE_SKIP >> 8);
        int rate = OpusEncoder.SAMPLE_RATE;
        h[12] = (byte) rate;
        h[13] = (byte) (rate >> 8);
        h[14] = (byte) (rate >> 16);
        h[15] = (byte) (rate >> 24);
        return h;
    }

    /** The SPS and PPS NAL units of an Annex-B access unit, each behind a 4-byte start code; empty if it has none. */
    static byte[] parameterSets(byte[] au) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean sps = false;
        int i = 0;
        while (i + 3 <= au.length) {
            int start = startCodeEnd(au, i);
            if (start < 0) {
                break;
            }
            int next = start;
            int end = au.length;
            while (next + 3 <= au.length) {
                if (au[next] == 0 && au[next + 1] == 0 && (au[next + 2] == 1 || (next + 3 < au.length && au[next + 2] == 0 && au[next + 3] == 1))) {
                    end = next;
                    break;
                }
                next++;
            }
            int type = au[start] & 0x1f;
            if (type == 7 || type == 8) {
                sps |= type == 7;
                out.writeBytes(new byte[]{0, 0, 0, 1});
                out.write(au, start, end - start);
            }
            i = end;
            if (end == au.length) {
                break;
            }
        }
        return sps ? out.toByteArray() : new byte[0];
    }

    // index just past the start code found at or after 'from', or -1
    private static int startCodeEnd(byte[] b, int from) {
        for (int i = from; i + 2 < b.length; i++) {
            if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
                return i + 3;
            }
        }
        return -1;
    }

    /** Writes the held packets and the trailer; the file is then complete. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!started) {
            return;
        }
        try {
            if (heldVideo != null) {
                write(videoStream, heldVideo, lastVideoDuration);
                videoPackets++;
            }
            if (heldAudio != null) {
                write(audioStream, heldAudio, AUDIO_FRAME_MICROS);
                audioPackets++;
            }
            Av.check(avformat.av_write_trailer(ctx), "mp4 trailer");
        } catch (MediaException e) {
            throw new MediaException("finishing " + file + ": " + e.getMessage());
        } finally {
            avformat.avio_closep(ctx.pb());
            avformat.avformat_free_context(ctx);
            ctx = null;
        }
    }
}
