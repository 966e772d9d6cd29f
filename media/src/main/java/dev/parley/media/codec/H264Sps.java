package dev.parley.media.codec;

import java.util.HexFormat;
import java.util.Optional;

/** Finds the SPS in an Annex-B access unit and derives the WebCodecs codec string from it. */
public final class H264Sps {
    private H264Sps() {
    }

    /** The SPS NAL unit (header byte included), if the access unit has one. */
    public static Optional<byte[]> find(byte[] annexB) {
        int i = 0;
        while ((i = nextStart(annexB, i)) >= 0) {
            int nalStart = i;
            int next = nextStart(annexB, nalStart);
            int end = next < 0 ? annexB.length : next - startCodeLength(annexB, next);
            if (nalStart < annexB.length && (annexB[nalStart] & 0x1f) == 7) {
                byte[] sps = new byte[end - nalStart];
                System.arraycopy(annexB, nalStart, sps, 0, sps.length);
                return Optional.of(sps);
            }
            if (next < 0) {
                break;
            }
            i = next;
        }
        return Optional.empty();
    }

    /**
     * {@code avc1.PPCCLL}: profile_idc, the constraint-flags byte and level_idc, as lowercase hex
     * (e.g. {@code avc1.42c01f} for Constrained Baseline level 3.1).
     */
    public static String codecString(byte[] sps) {
        if (sps.length < 4 || (sps[0] & 0x1f) != 7) {
            throw new IllegalArgumentException("not an SPS NAL unit");
        }
        return "avc1." + HexFormat.of().formatHex(new byte[]{sps[1], sps[2], sps[3]});
    }

    /** Codec string from a keyframe access unit. */
    public static String codecStringOf(byte[] keyframe) {
        return codecString(find(keyframe).orElseThrow(() -> new IllegalArgumentException("access unit has no SPS")));
    }

    // Index just past the next 00 00 01 start code at or after 'from', or -1.
    private static int nextStart(byte[] b, int from) {
        for (int i = from; i + 2 < b.length; i++) {
            if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
                return i + 3;
            }
        }
        return -1;
    }

    private static int startCodeLength(byte[] b, int afterStart) {
        return afterStart >= 4 && b[afterStart - 4] == 0 ? 4 : 3;
    }
}
