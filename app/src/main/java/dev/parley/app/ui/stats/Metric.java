package dev.parley.app.ui.stats;

/**
 * A number shown in the overlay: an exponential moving average for the value, plus a ring of the last
 * {@value #HISTORY} raw samples for the sparkline. Not thread-safe; lives on the UI thread.
 */
public final class Metric {
    public static final int HISTORY = 300;
    /** Smoothing for slowly moving values (RTT, rates). */
    public static final double SMOOTH = 0.1;
    /** Smoothing for values that should follow quickly (frame rate, buffers). */
    public static final double RESPONSIVE = 0.3;

    private final String label;
    private final String unit;
    private final double alpha;
    private final Thresholds thresholds;
    private final double[] ring = new double[HISTORY];
    private int count;
    private int next;
    private double ema = Double.NaN;

    /** @param thresholds bands, or {@code null} for a metric without colours */
    public Metric(String label, String unit, double alpha, Thresholds thresholds) {
        if (alpha <= 0 || alpha > 1) {
            throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
        }
        this.label = label;
        this.unit = unit;
        this.alpha = alpha;
        this.thresholds = thresholds;
    }

    public void add(double sample) {
        if (Double.isNaN(sample) || Double.isInfinite(sample)) {
            return;
        }
        ema = Double.isNaN(ema) ? sample : ema + alpha * (sample - ema);
        ring[next] = sample;
        next = (next + 1) % HISTORY;
        count = Math.min(count + 1, HISTORY);
    }

    public String label() {
        return label;
    }

    public String unit() {
        return unit;
    }

    /** The smoothed value, {@code NaN} before the first sample. */
    public double value() {
        return ema;
    }

    public boolean hasValue() {
        return count > 0;
    }

    public Level level() {
        return thresholds == null || !hasValue() ? Level.NONE : thresholds.rate(ema);
    }

    /** Number of samples in the history, at most {@value #HISTORY}. */
    public int size() {
        return count;
    }

    /** The {@code i}-th oldest sample still kept ({@code 0 <= i < size()}). */
    public double sample(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException(i);
        }
        int start = count < HISTORY ? 0 : next;
        return ring[(start + i) % HISTORY];
    }

    /** The value formatted for the overlay, e.g. {@code "23.4 ms"}. */
    public String text() {
        if (!hasValue()) {
            return "-";
        }
        double v = Math.abs(ema);
        String number = v >= 100 ? String.format(java.util.Locale.ROOT, "%.0f", ema) : v >= 10 ? String.format(java.util.Locale.ROOT, "%.1f", ema) : String.format(java.util.Locale.ROOT, "%.2f", ema);
        return unit.isEmpty() ? number : number + " " + unit;
    }
}
