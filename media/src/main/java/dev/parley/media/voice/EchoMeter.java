package dev.parley.media.voice;

/**
 * Estimates the echo canceller's echo return loss enhancement from what goes in and out: over 10 ms
 * frames in which the far end is playing (its level above {@value #FAR_ACTIVE_DBFS} dBFS), the energy
 * of the microphone before processing against after, smoothed over about two seconds. Double talk
 * (the near end speaking too) lowers the estimate, so it is a lower bound. Pure; not thread-safe.
 */
public final class EchoMeter {
    static final double FAR_ACTIVE_DBFS = -45;
    private static final double ALPHA = 0.01; // ~100 active frames, one second of far-end speech
    private static final double FLOOR = 1e-3; // (about -90 dBFS of 16-bit samples per frame) keeps silence from dividing by zero

    private double in = Double.NaN;
    private double out;

    /** One frame: the far end played, the microphone before and after processing. */
    public void frame(short[] far, short[] before, short[] after) {
        if (10 * Math.log10(meanSquare(far) / (32768.0 * 32768.0) + 1e-12) < FAR_ACTIVE_DBFS) {
            return;
        }
        double b = meanSquare(before) + FLOOR;
        double a = meanSquare(after) + FLOOR;
        if (Double.isNaN(in)) {
            in = b;
            out = a;
        } else {
            in += ALPHA * (b - in);
            out += ALPHA * (a - out);
        }
    }

    /** The estimate in dB, NaN before the far end has played. */
    public double reductionDb() {
        return Double.isNaN(in) ? Double.NaN : 10 * Math.log10(in / out);
    }

    private static double meanSquare(short[] s) {
        double e = 0;
        for (short v : s) {
            e += (double) v * v;
        }
        return e / s.length;
    }
}
