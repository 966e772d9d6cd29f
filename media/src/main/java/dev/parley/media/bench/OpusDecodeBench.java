package dev.parley.media.bench;

import dev.parley.media.codec.EncodedAudio;
import dev.parley.media.codec.OpusDecoder;
import dev.parley.media.codec.OpusEncoder;
import dev.parley.media.frame.AudioBlock;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * Opus decode cost per 20 ms frame on 10 s of speech-like mono audio at 32 kbit/s (FEC on):
 * FFmpeg's libopus wrapper (native, what Parley used before; it cannot decode FEC), and Parley's
 * {@link OpusDecoder} (pure Java) for normal decode, FEC recovery and PLC. Single thread, after
 * warm-up, measured in thread CPU time so that other load on the machine counts less.
 */
final class OpusDecodeBench {
    private static final int FRAMES = 500;
    private static final int WARMUP_PASSES = 30;
    private static final int PASSES = 10;

    private OpusDecodeBench() {
    }

    static void run() {
        List<byte[]> packets = encode();
        long bytes = packets.stream().mapToLong(p -> p.length).sum();
        System.out.printf(Locale.ROOT, "%n## Opus decode per 20 ms frame (%d packets, mean %d B, mono 48 kHz, thread CPU time, best of %d passes)%n",
                packets.size(), bytes / packets.size(), PASSES);
        System.out.println("| decoder | path | µs/frame | × realtime |");
        System.out.println("|---|---|---|---|");
        report("FFmpeg libopus (native, no FEC)", "decode", best(() -> ffmpegPass(packets)));
        report("Parley OpusDecoder (Java)", "decode", best(() -> javaPass(packets, Repair.NONE)));
        report("Parley OpusDecoder (Java)", "FEC recover of a lost frame", best(() -> javaPass(packets, Repair.FEC)));
        report("Parley OpusDecoder (Java)", "PLC conceal of a lost frame", best(() -> javaPass(packets, Repair.PLC)));
    }

    private enum Repair { NONE, FEC, PLC }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    private static void report(String decoder, String path, double nanosPerFrame) {
        System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.0f |%n", decoder, path, nanosPerFrame / 1000, 20e6 / nanosPerFrame);
    }

    /**
     * The lowest per-frame CPU time of {@value #PASSES} passes after {@value #WARMUP_PASSES} warm-up passes: the
     * development machine is shared, and the minimum is the least disturbed measurement.
     */
    private static double best(DoubleSupplier pass) {
        for (int i = 0; i < WARMUP_PASSES; i++) {
            pass.getAsDouble();
        }
        double best = Double.MAX_VALUE;
        for (int i = 0; i < PASSES; i++) {
            best = Math.min(best, pass.getAsDouble());
        }
        return best;
    }

    private static List<byte[]> encode() {
        List<byte[]> out = new ArrayList<>();
        double phase = 0;
        try (OpusEncoder enc = new OpusEncoder(1, 32_000)) {
            for (int f = 0; f < FRAMES; f++) {
                short[] s = new short[OpusEncoder.FRAME_SAMPLES];
                for (int i = 0; i < s.length; i++) {
                    double t = (f * s.length + i) / 48_000.0;
                    phase += 2 * Math.PI * (165 + 55 * Math.sin(2 * Math.PI * 0.7 * t)) / 48_000;
                    double env = 0.25 + 0.75 * Math.abs(Math.sin(2 * Math.PI * 2 * t));
                    s[i] = (short) (7000 * env * (Math.sin(phase) + 0.6 * Math.sin(2 * phase) + 0.4 * Math.sin(3 * phase)));
                }
                for (EncodedAudio p : enc.encode(new AudioBlock(s, 48_000, 1, f * 20_000L))) {
                    out.add(p.data());
                }
            }
        }
        return out;
    }

    /**
     * Decodes every packet; with a repair, first repairs a (pretend) loss before each packet from the
     * second on. Returns the mean CPU nanoseconds of the timed step: the decode, or else the repair.
     */
    private static double javaPass(List<byte[]> packets, Repair repair) {
        long timed = 0;
        int n = 0;
        try (OpusDecoder dec = new OpusDecoder(1)) {
            for (int i = 0; i < packets.size(); i++) {
                byte[] p = packets.get(i);
                if (repair != Repair.NONE && i > 0) {
                    long t0 = cpu();
                    if (repair == Repair.FEC) {
                        dec.recover(p);
                    } else {
                        dec.conceal();
                    }
                    timed += cpu() - t0;
                    n++;
                }
                long t0 = cpu();
                dec.decode(p);
                if (repair == Repair.NONE) {
                    timed += cpu() - t0;
                    n++;
                }
            }
        }
        return (double) timed / n;
    }

    private static double ffmpegPass(List<byte[]> packets) {
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(avcodec.avcodec_find_decoder_by_name("libopus"));
        ctx.sample_rate(48_000);
        avutil.av_channel_layout_default(ctx.ch_layout(), 1);
        ctx.request_sample_fmt(avutil.AV_SAMPLE_FMT_S16);
        if (avcodec.avcodec_open2(ctx, null, (org.bytedeco.ffmpeg.avutil.AVDictionary) null) < 0) {
            throw new IllegalStateException("cannot open FFmpeg's libopus decoder");
        }
        AVPacket pkt = avcodec.av_packet_alloc();
        AVFrame frame = avutil.av_frame_alloc();
        short[] pcm = new short[OpusEncoder.FRAME_SAMPLES];
        long timed = 0;
        for (byte[] p : packets) {
            long t0 = cpu();
            avcodec.av_new_packet(pkt, p.length);
            pkt.data().put(p, 0, p.length);
            avcodec.avcodec_send_packet(ctx, pkt);
            avcodec.av_packet_unref(pkt);
            while (avcodec.avcodec_receive_frame(ctx, frame) >= 0) {
                // copy out, as a real decoder hands PCM to Java
                new org.bytedeco.javacpp.ShortPointer(frame.data(0)).get(pcm, 0, Math.min(pcm.length, frame.nb_samples()));
                avutil.av_frame_unref(frame);
            }
            timed += cpu() - t0;
        }
        avutil.av_frame_free(frame);
        avcodec.av_packet_free(pkt);
        avcodec.avcodec_free_context(ctx);
        return (double) timed / packets.size();
    }
}
