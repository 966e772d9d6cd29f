package dev.parley.media.codec;

import dev.parley.media.MediaException;
import dev.parley.media.frame.AudioBlock;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.ShortPointer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Opus encoder (libopus through avcodec): 48 kHz 16-bit, 20 ms frames (or 10 ms, see
 * {@link #OpusEncoder(int, long, int, long)}), VoIP application, in-band FEC on (tuned for
 * {@value #DEFAULT_LOSS_PERCENT} % expected loss), DTX off (libopus default). Takes exactly one frame
 * ({@link #frameSamples()}) per block. libopus only spends bits on FEC (LBRR) when told to expect loss,
 * so the loss hint is what makes {@link OpusDecoder#recover} work on the other side.
 */
public final class OpusEncoder implements AutoCloseable {
    public static final int SAMPLE_RATE = 48_000;
    public static final int FRAME_SAMPLES = 960;
    public static final long FRAME_MICROS = 20_000;
    /** The short packets a hang web player is offered: its sync buffer grows by one packet duration. */
    public static final long SHORT_FRAME_MICROS = 10_000;
    /** Expected packet loss the encoder plans its in-band FEC for. */
    public static final int DEFAULT_LOSS_PERCENT = 10;

    private final AVCodecContext ctx;
    private final AVFrame frame;
    private final AVPacket pkt;
    private final int channels;
    private final long bitrate;
    private final int frameSamples;
    private final ArrayDeque<Long> pending = new ArrayDeque<>();
    private final java.util.List<String> unusedOptions;
    private long pts;
    private boolean closed;

    public OpusEncoder(int channels, long bitrate) {
        this(channels, bitrate, DEFAULT_LOSS_PERCENT);
    }

    /** {@code expectedLossPercent} 0 turns in-band FEC off; 1–100 turns it on, tuned for that loss. */
    public OpusEncoder(int channels, long bitrate, int expectedLossPercent) {
        this(channels, bitrate, expectedLossPercent, FRAME_MICROS);
    }

    /** {@code frameMicros}: 20 000 or 10 000 µs per packet. */
    public OpusEncoder(int channels, long bitrate, int expectedLossPercent, long frameMicros) {
        if (frameMicros != FRAME_MICROS && frameMicros != SHORT_FRAME_MICROS) {
            throw new IllegalArgumentException("Opus frames here are 10 or 20 ms, not " + frameMicros + " µs");
        }
        if (expectedLossPercent < 0 || expectedLossPercent > 100) {
            throw new IllegalArgumentException("expected loss must be 0-100 %, not " + expectedLossPercent);
        }
        Av.init();
        AVCodec codec = avcodec.avcodec_find_encoder_by_name("libopus");
        if (codec == null) {
            throw new MediaException("libopus is not in this FFmpeg build");
        }
        this.channels = channels;
        this.bitrate = bitrate;
        this.frameSamples = (int) (SAMPLE_RATE * frameMicros / 1_000_000);
        ctx = avcodec.avcodec_alloc_context3(codec);
        ctx.sample_rate(SAMPLE_RATE);
        ctx.sample_fmt(avutil.AV_SAMPLE_FMT_S16);
        avutil.av_channel_layout_default(ctx.ch_layout(), channels);
        ctx.bit_rate(bitrate);
        ctx.time_base(avutil.av_make_q(1, SAMPLE_RATE));
        AVDictionary opts = new AVDictionary(null);
        avutil.av_dict_set(opts, "application", "voip", 0);
        avutil.av_dict_set(opts, "frame_duration", Long.toString(frameMicros / 1000), 0);
        avutil.av_dict_set(opts, "fec", expectedLossPercent > 0 ? "1" : "0", 0);
        avutil.av_dict_set(opts, "packet_loss", Integer.toString(expectedLossPercent), 0);
        int ret = avcodec.avcodec_open2(ctx, codec, opts);
        unusedOptions = Av.leftover(opts);
        avutil.av_dict_free(opts);
        if (ret < 0) {
            avcodec.avcodec_free_context(ctx);
            throw new MediaException("cannot open libopus: " + Av.error(ret));
        }
        if (ctx.frame_size() != frameSamples) {
            int size = ctx.frame_size();
            avcodec.avcodec_free_context(ctx);
            throw new MediaException("libopus frame size " + size + " != " + frameSamples);
        }
        frame = avutil.av_frame_alloc();
        frame.nb_samples(frameSamples).format(avutil.AV_SAMPLE_FMT_S16).sample_rate(SAMPLE_RATE);
        Av.check(avutil.av_channel_layout_copy(frame.ch_layout(), ctx.ch_layout()), "channel layout");
        Av.check(avutil.av_frame_get_buffer(frame, 0), "av_frame_get_buffer");
        pkt = avcodec.av_packet_alloc();
    }

    /** Options libopus did not recognise (empty: VoIP, 20 ms, FEC and loss tuning all took effect). */
    public java.util.List<String> unusedOptions() {
        return unusedOptions;
    }

    public long bitrate() {
        return bitrate;
    }

    public int channels() {
        return channels;
    }

    /** Samples per channel in one packet (and so in each block {@link #encode} takes). */
    public int frameSamples() {
        return frameSamples;
    }

    /** Encodes one block of {@link #frameSamples()} frames. */
    public List<EncodedAudio> encode(AudioBlock block) {
        if (closed) {
            throw new IllegalStateException("encoder closed");
        }
        if (block.channels() != channels || block.frames() != frameSamples || block.sampleRate() != SAMPLE_RATE) {
            throw new IllegalArgumentException("Opus takes blocks of " + frameSamples + " frames of 48 kHz × " + channels + " channels");
        }
        Av.check(avutil.av_frame_make_writable(frame), "av_frame_make_writable");
        new ShortPointer(frame.data(0)).put(block.samples());
        frame.pts(pts);
        pts += frameSamples;
        pending.addLast(block.captureMicros());
        Av.check(avcodec.avcodec_send_frame(ctx, frame), "opus send_frame");
        List<EncodedAudio> out = new ArrayList<>(1);
        while (true) {
            int ret = avcodec.avcodec_receive_packet(ctx, pkt);
            if (ret == Av.EAGAIN || ret == avutil.AVERROR_EOF) {
                return out;
            }
            Av.check(ret, "opus receive_packet");
            Long micros = pending.pollFirst();
            out.add(new EncodedAudio(Av.bytes(pkt), micros == null ? 0 : micros));
            avcodec.av_packet_unref(pkt);
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
