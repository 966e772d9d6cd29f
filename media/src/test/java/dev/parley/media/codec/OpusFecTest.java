package dev.parley.media.codec;

import dev.parley.media.frame.AudioBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In-band FEC with the real encoder (libopus in FFmpeg) and the real decoder: one packet of a
 * tone is dropped and rebuilt by FEC and, separately, by PLC; both are scored against the decode
 * of the same stream without loss.
 */
@Timeout(60)
class OpusFecTest {
    private static final int FRAMES = 50;
    private static final int LOST = 30;

    /** 20 ms blocks of a tone whose pitch steps from 300 to 450 Hz at frame {@code LOST}, like a new syllable. */
    static List<AudioBlock> toneWithStep() {
        List<AudioBlock> blocks = new ArrayList<>();
        double phase = 0;
        for (int f = 0; f < FRAMES; f++) {
            double hz = f < LOST ? 300 : 450;
            short[] s = new short[960];
            for (int i = 0; i < s.length; i++) {
                // a fundamental plus two harmonics, as voiced speech has
                s[i] = (short) (9000 * Math.sin(phase) + 4000 * Math.sin(2 * phase) + 2000 * Math.sin(3 * phase));
                phase += 2 * Math.PI * hz / 48_000;
            }
            blocks.add(new AudioBlock(s, 48_000, 1, f * 20_000L));
        }
        return blocks;
    }

    static List<byte[]> encode(List<AudioBlock> blocks, int lossPercent) {
        List<byte[]> packets = new ArrayList<>();
        try (OpusEncoder enc = new OpusEncoder(1, 32_000, lossPercent)) {
            for (AudioBlock b : blocks) {
                for (EncodedAudio p : enc.encode(b)) {
                    packets.add(p.data());
                }
            }
        }
        return packets;
    }

    /** Signal-to-error ratio in dB of {@code test} against {@code ref}. */
    static double snr(short[] ref, short[] test) {
        assertThat(test).hasSameSizeAs(ref);
        double sig = 0;
        double err = 0;
        for (int i = 0; i < ref.length; i++) {
            sig += (double) ref[i] * ref[i];
            double d = ref[i] - test[i];
            err += d * d;
        }
        return 10 * Math.log10(sig / Math.max(err, 1e-9));
    }

    @Test
    void lossHintMakesTheEncoderEmbedFecAndZeroLossDoesNot() {
        List<byte[]> withFec = encode(toneWithStep(), 10);
        List<byte[]> without = encode(toneWithStep(), 0);
        long fec = withFec.stream().skip(1).filter(OpusFec::hasLbrr).count();
        long none = without.stream().filter(OpusFec::hasLbrr).count();
        System.out.printf("packets with LBRR: %d/%d at 10 %% loss hint, %d/%d with FEC off; TOC %02x%n",
                fec, withFec.size() - 1, none, without.size(), withFec.get(LOST + 1)[0]);
        assertThat(withFec.get(LOST + 1)[0] >>> 3 & 0x1f).as("SILK or hybrid mode (only those carry LBRR)").isLessThan(16);
        assertThat(fec).as("nearly every packet after the first carries FEC").isGreaterThanOrEqualTo((withFec.size() - 1) * 9L / 10);
        assertThat(none).as("no FEC without a loss hint").isZero();
        assertThat(OpusFec.hasLbrr(new byte[]{(byte) 0xfc, 1, 2, 3})).as("CELT-only packet").isFalse();
        assertThat(OpusFec.hasLbrr(new byte[0])).isFalse();
    }

    @Test
    void fecRebuildsALostFrameBetterThanPlcAndTheStreamContinues() {
        List<byte[]> packets = encode(toneWithStep(), 10);
        assertThat(packets).hasSize(FRAMES);

        short[][] ref = new short[FRAMES][];
        try (OpusDecoder dec = new OpusDecoder(1)) {
            for (int i = 0; i < FRAMES; i++) {
                ref[i] = dec.decode(packets.get(i));
            }
        }
        short[] fecFrame;
        short[] fecNext;
        short[] plcFrame;
        short[] plcNext;
        try (OpusDecoder dec = new OpusDecoder(1)) {
            for (int i = 0; i < LOST; i++) {
                dec.decode(packets.get(i));
            }
            fecFrame = dec.recover(packets.get(LOST + 1));
            fecNext = dec.decode(packets.get(LOST + 1));
            assertThat(dec.recovered()).isEqualTo(1);
            assertThat(dec.concealed()).isZero();
        }
        try (OpusDecoder dec = new OpusDecoder(1)) {
            for (int i = 0; i < LOST; i++) {
                dec.decode(packets.get(i));
            }
            plcFrame = dec.conceal();
            plcNext = dec.decode(packets.get(LOST + 1));
            assertThat(dec.concealed()).isEqualTo(1);
        }
        double fecSnr = snr(ref[LOST], fecFrame);
        double plcSnr = snr(ref[LOST], plcFrame);
        double fecNextSnr = snr(ref[LOST + 1], fecNext);
        double plcNextSnr = snr(ref[LOST + 1], plcNext);
        System.out.printf("lost frame SNR vs no-loss decode: FEC %.1f dB, PLC %.1f dB; next frame: after FEC %.1f dB, after PLC %.1f dB%n",
                fecSnr, plcSnr, fecNextSnr, plcNextSnr);
        assertThat(fecFrame).hasSize(960);
        assertThat(fecSnr).as("FEC rebuilds the new pitch that PLC cannot know").isGreaterThan(plcSnr + 6);
        assertThat(fecSnr).as("FEC frame resembles the original").isGreaterThan(3);
        assertThat(fecNextSnr).as("decoder state stays consistent after FEC").isGreaterThan(plcNextSnr);
    }

    @Test
    void garbageIsRejectedAndTheDecoderCarriesOn() {
        List<byte[]> packets = encode(toneWithStep(), 10);
        java.util.Random rnd = new java.util.Random(7);
        try (OpusDecoder dec = new OpusDecoder(1)) {
            dec.decode(packets.get(0));
            for (int i = 0; i < 200; i++) {
                byte[] junk = new byte[1 + rnd.nextInt(300)];
                rnd.nextBytes(junk);
                // random bytes are often still a valid Opus packet; either way no exception escapes
                assertThat(dec.decode(junk).length).isLessThanOrEqualTo(5760);
                assertThat(dec.recover(junk).length).as("loss repair always yields audio").isBetween(1, 5760);
            }
            assertThat(dec.decode(new byte[0])).isEmpty();
            assertThat(dec.rejected()).isGreaterThan(0);
            assertThat(dec.decode(packets.get(1))).as("still decodes real packets").hasSize(960);
        }
    }
}
