package dev.parley.media.codec;

/**
 * A synthetic voiced-speech stand-in for codec tests: a fundamental with harmonics whose pitch
 * glides between 110 and 220 Hz and whose loudness rises and falls in 250 ms "syllables". libopus
 * treats it as active speech, so with a loss hint it keeps embedding in-band FEC (a steady pure tone
 * is judged inactive after under a second and gets none).
 */
public final class SpeechLikeSignal {
    private double phase;
    private long sample;

    /** The next {@code frames} mono samples at 48 kHz. */
    public short[] next(int frames) {
        short[] out = new short[frames];
        for (int i = 0; i < frames; i++, sample++) {
            double t = sample / 48_000.0;
            double pitch = 165 + 55 * Math.sin(2 * Math.PI * 0.7 * t);
            double envelope = 0.25 + 0.75 * Math.abs(Math.sin(2 * Math.PI * 2 * t));
            phase += 2 * Math.PI * pitch / 48_000;
            double v = Math.sin(phase) + 0.6 * Math.sin(2 * phase) + 0.4 * Math.sin(3 * phase) + 0.2 * Math.sin(5 * phase);
            out[i] = (short) (7000 * envelope * v);
        }
        return out;
    }
}
