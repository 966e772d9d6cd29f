package dev.parley.media.codec;

import dev.parley.media.MediaException;
import io.github.jaredmdobson.concentus.OpusException;

/**
 * Opus decoder producing 48 kHz 16-bit interleaved PCM, with both kinds of loss repair:
 * {@link #conceal()} (packet-loss concealment) and {@link #recover(byte[])} (in-band FEC: rebuilds a
 * lost frame from the low-bitrate copy the encoder embedded in the next packet).
 *
 * <p>It runs on Concentus, a pure-Java port of libopus, because FFmpeg's libopus wrapper always calls
 * {@code opus_decode(..., decode_fec=0)} and has no option, flag or side data to ask for FEC. All three
 * operations go through the one decoder state, so a recovered frame continues smoothly into the next
 * packet. Owned by one thread.
 */
public final class OpusDecoder implements AutoCloseable {
    private static final int MAX_FRAME_SAMPLES = 5760; // 120 ms, the longest Opus packet

    private final io.github.jaredmdobson.concentus.OpusDecoder dec;
    private final int channels;
    private final short[] out;
    private int lastFrameSamples = OpusEncoder.FRAME_SAMPLES;
    private long concealed;
    private long recovered;
    private long rejected;
    private boolean closed;

    public OpusDecoder(int channels) {
        if (channels != 1 && channels != 2) {
            throw new MediaException("Opus decoder takes 1 or 2 channels, not " + channels);
        }
        try {
            dec = new io.github.jaredmdobson.concentus.OpusDecoder(OpusEncoder.SAMPLE_RATE, channels);
        } catch (OpusException e) {
            throw new MediaException("cannot create Opus decoder: " + e.getMessage(), e);
        }
        this.channels = channels;
        this.out = new short[MAX_FRAME_SAMPLES * channels];
    }

    public int channels() {
        return channels;
    }

    /** Frames synthesised by packet-loss concealment so far. */
    public long concealed() {
        return concealed;
    }

    /** Lost frames rebuilt from the next packet's in-band FEC data so far. */
    public long recovered() {
        return recovered;
    }

    /** Packets the decoder refused as malformed. */
    public long rejected() {
        return rejected;
    }

    /** Decodes one packet into interleaved PCM (empty array if the packet was malformed). */
    public short[] decode(byte[] packet) {
        checkOpen();
        if (packet.length == 0) {
            rejected++;
            return new short[0];
        }
        try {
            int n = dec.decode(packet, 0, packet.length, out, 0, MAX_FRAME_SAMPLES, false);
            lastFrameSamples = n;
            return copy(n);
        } catch (OpusException | RuntimeException e) {
            // a malformed packet leaves the decoder usable; the caller conceals the slot
            rejected++;
            return new short[0];
        }
    }

    /** PCM for one lost frame (as long as the last decoded one), synthesised by Opus PLC. */
    public short[] conceal() {
        checkOpen();
        concealed++;
        return lossRepair(null, false);
    }

    /**
     * PCM for the frame lost just before {@code next}, rebuilt from {@code next}'s in-band FEC data
     * when it carries some (see {@link OpusFec#hasLbrr}), else by PLC. {@code next} is not consumed:
     * decode it normally afterwards.
     */
    public short[] recover(byte[] next) {
        checkOpen();
        if (!OpusFec.hasLbrr(next)) {
            return conceal();
        }
        recovered++;
        return lossRepair(next, true);
    }

    private short[] lossRepair(byte[] next, boolean fec) {
        try {
            int n = dec.decode(next, 0, next == null ? 0 : next.length, out, 0, lastFrameSamples, fec);
            return copy(n);
        } catch (OpusException | RuntimeException e) {
            // only a broken FEC packet can land here; PLC is always possible
            return copy(plc());
        }
    }

    private int plc() {
        try {
            return dec.decode(null, 0, 0, out, 0, lastFrameSamples, false);
        } catch (OpusException e) {
            throw new MediaException("Opus PLC failed: " + e.getMessage(), e);
        }
    }

    private short[] copy(int samplesPerChannel) {
        short[] pcm = new short[samplesPerChannel * channels];
        System.arraycopy(out, 0, pcm, 0, pcm.length);
        return pcm;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("decoder closed");
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
