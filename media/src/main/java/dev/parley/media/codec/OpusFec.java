package dev.parley.media.codec;

/**
 * Reads whether an Opus packet carries in-band FEC (SILK "LBRR" data) for the frame before it.
 *
 * <p>Only SILK and hybrid packets can (TOC config 0–15, RFC 6716 §3.1). Their SILK layer opens with,
 * per channel, one VAD bit per SILK frame and then the LBRR flag (§4.2.3), each a range-coded symbol
 * of probability ½; this class runs the range decoder (§4.1) just far enough to read those flags.
 * Handles single-frame packets (code 0 and code 1's first frame); other packets report false.
 */
public final class OpusFec {
    private static final long CODE_BOT = 1L << 23;
    private static final long CODE_MASK = (1L << 31) - 1;

    private OpusFec() {
    }

    /** True when {@code packet} is SILK or hybrid and its first frame sets the LBRR flag of any channel. */
    public static boolean hasLbrr(byte[] packet) {
        if (packet == null || packet.length < 2) {
            return false;
        }
        int toc = packet[0] & 0xff;
        int config = toc >>> 3;
        int code = toc & 3;
        if (config >= 16 || code > 1) {
            return false; // CELT only (no LBRR), or a multi-frame layout this reader does not walk
        }
        int channels = (toc & 0x04) != 0 ? 2 : 1;
        // SILK-only configs 0-11 come in 10/20/40/60 ms; a 40 or 60 ms frame holds 2 or 3 SILK frames.
        int silkFrames = config < 12 ? switch (config & 3) {
            case 2 -> 2;
            case 3 -> 3;
            default -> 1;
        } : 1;
        RangeDecoder rd = new RangeDecoder(packet, 1);
        boolean any = false;
        for (int c = 0; c < channels; c++) {
            for (int f = 0; f < silkFrames; f++) {
                rd.halfBit(); // VAD flag of that SILK frame
            }
            any |= rd.halfBit();
        }
        return any;
    }

    /** The Opus range decoder (RFC 6716 §4.1), reduced to equiprobable binary symbols. */
    private static final class RangeDecoder {
        private final byte[] buf;
        private int pos;
        private long rng;
        private long val;
        private int rem;

        RangeDecoder(byte[] buf, int offset) {
            this.buf = buf;
            this.pos = offset;
            rem = next();
            rng = 128;
            val = 127 - (rem >>> 1);
            normalize();
        }

        /** Decodes one symbol with P(1) = ½ (ec_dec_bit_logp with logp 1). */
        boolean halfBit() {
            long s = rng >>> 1;
            boolean one = val < s;
            if (!one) {
                val -= s;
            }
            rng = one ? s : rng - s;
            normalize();
            return one;
        }

        private void normalize() {
            while (rng <= CODE_BOT) {
                rng <<= 8;
                int sym = rem;
                rem = next();
                int bits = ((sym << 8) | rem) >>> 1;
                val = ((val << 8) + (0xff & ~bits)) & CODE_MASK;
            }
        }

        private int next() {
            return pos < buf.length ? buf[pos++] & 0xff : 0;
        }
    }
}
