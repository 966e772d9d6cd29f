package dev.parley.app.ui.stats;

/**
 * Green, yellow and red bands for a metric.
 *
 * @param good           the edge of the good band
 * @param bad            the edge of the bad band
 * @param higherIsBetter true when bigger values are better (frame rate), false otherwise (RTT)
 */
public record Thresholds(double good, double bad, boolean higherIsBetter) {
    /** Good below {@code good}, bad at or above {@code bad}. */
    public static Thresholds lowerBetter(double good, double bad) {
        return new Thresholds(good, bad, false);
    }

    /** Good above {@code good}, bad at or below {@code bad}. */
    public static Thresholds higherBetter(double good, double bad) {
        return new Thresholds(good, bad, true);
    }

    public Level rate(double v) {
        if (Double.isNaN(v)) {
            return Level.NONE;
        }
        if (higherIsBetter) {
            return v > good ? Level.GOOD : v <= bad ? Level.BAD : Level.WARN;
        }
        return v < good ? Level.GOOD : v >= bad ? Level.BAD : Level.WARN;
    }
}
