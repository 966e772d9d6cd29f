package dev.parley.media.watch;

import dev.parley.media.codec.EncodedVideo;
import dev.parley.media.codec.H264Encoder;
import dev.parley.media.codec.VideoEncoderConfig;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.source.TestPatternSource;
import dev.parley.media.source.TimestampBarcode;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * H.264 the way other hang publishers send it, made from libx264 output: the test pattern with its
 * presentation time (µs from 0, not wall clock) in the barcode, split into NAL units and repackaged
 * as AVCC (4-byte lengths) with an avcC record built from the SPS and PPS.
 */
final class ForeignH264 {
    static final int WIDTH = 320;
    static final int HEIGHT = 180;
    static final long FRAME_MICROS = 33_333;

    final List<EncodedVideo> annexB = new ArrayList<>();
    byte[] sps;
    byte[] pps;

    /** Encodes {@code frames} frames of the test pattern, a keyframe every {@code gop}. */
    static ForeignH264 encode(int frames, int gop) {
        ForeignH264 out = new ForeignH264();
        TestPatternSource pattern = new TestPatternSource(WIDTH, HEIGHT, 30);
        try (H264Encoder enc = H264Encoder.open(H264Encoder.SOFTWARE,
                new VideoEncoderConfig(WIDTH, HEIGHT, 30, 300_000, gop))) {
            for (int i = 0; i < frames; i++) {
                long pts = i * FRAME_MICROS;
                try (VideoFrame f = VideoFrame.allocate(WIDTH, HEIGHT, PixelFormat.I420, pts, null)) {
                    pattern.render(f, i);
                    TimestampBarcode.draw(f.data(), WIDTH, HEIGHT, pts / 1000);
                    out.annexB.addAll(enc.encode(f));
                }
            }
        }
        for (byte[] nal : nalUnits(out.annexB.getFirst().data())) {
            if ((nal[0] & 0x1f) == 7) {
                out.sps = nal;
            } else if ((nal[0] & 0x1f) == 8) {
                out.pps = nal;
            }
        }
        if (out.sps == null || out.pps == null) {
            throw new AssertionError("first keyframe has no SPS/PPS");
        }
        return out;
    }

    /** {@code avc1.PPCCLL} or {@code avc3.PPCCLL} from the SPS's profile, constraints and level. */
    String codec(String prefix) {
        return prefix + "." + HexFormat.of().formatHex(sps, 1, 4);
    }

    /** The AVCDecoderConfigurationRecord (ISO 14496-15 §5.3.3.1) with one SPS and one PPS, as hex. */
    String avcCHex() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(1);
        b.write(sps[1]);
        b.write(sps[2]);
        b.write(sps[3]);
        b.write(0xfc | 3); // lengthSizeMinusOne = 3
        b.write(0xe0 | 1); // one SPS
        b.write(sps.length >> 8);
        b.write(sps.length);
        b.writeBytes(sps);
        b.write(1); // one PPS
        b.write(pps.length >> 8);
        b.write(pps.length);
        b.writeBytes(pps);
        return HexFormat.of().formatHex(b.toByteArray());
    }

    /** The access unit as AVCC; without {@code keepParameterSets} the SPS and PPS are dropped (out of band). */
    static byte[] toAvcc(byte[] annexB, boolean keepParameterSets) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] nal : nalUnits(annexB)) {
            int type = nal[0] & 0x1f;
            if (!keepParameterSets && (type == 7 || type == 8)) {
                continue;
            }
            b.write(nal.length >>> 24);
            b.write(nal.length >>> 16);
            b.write(nal.length >>> 8);
            b.write(nal.length);
            b.writeBytes(nal);
        }
        return b.toByteArray();
    }

    /** The NAL units of an Annex-B access unit (3- or 4-byte start codes). */
    static List<byte[]> nalUnits(byte[] annexB) {
        List<Integer> starts = new ArrayList<>();
        List<Integer> codeStarts = new ArrayList<>();
        for (int i = 0; i + 2 < annexB.length; i++) {
            if (annexB[i] == 0 && annexB[i + 1] == 0 && annexB[i + 2] == 1) {
                codeStarts.add(i > 0 && annexB[i - 1] == 0 ? i - 1 : i);
                starts.add(i + 3);
                i += 2;
            }
        }
        List<byte[]> nals = new ArrayList<>();
        for (int k = 0; k < starts.size(); k++) {
            int end = k + 1 < starts.size() ? codeStarts.get(k + 1) : annexB.length;
            byte[] nal = new byte[end - starts.get(k)];
            System.arraycopy(annexB, starts.get(k), nal, 0, nal.length);
            nals.add(nal);
        }
        return nals;
    }
}
