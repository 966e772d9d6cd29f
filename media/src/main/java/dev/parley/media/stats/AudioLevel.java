package dev.parley.media.stats;

/**
 * One reading of an audio level meter, in dBFS (0 = a full-scale square wave's peak; a full-scale
 * sine has an RMS of about −3 dBFS). Silence reads {@link #FLOOR_DBFS}.
 *
 * @param rmsDbfs  smoothed RMS level
 * @param peakDbfs smoothed sample peak
 */
public record AudioLevel(double rmsDbfs, double peakDbfs) {
    /** The lowest level reported: below one 16-bit step (−90.3 dBFS), so it means digital silence. */
    public static final double FLOOR_DBFS = -96.0;
    public static final AudioLevel SILENT = new AudioLevel(FLOOR_DBFS, FLOOR_DBFS);

    public AudioLevel {
        rmsDbfs = clampDb(rmsDbfs);
        peakDbfs = clampDb(peakDbfs);
    }

    /** True when nothing above the floor was measured. */
    public boolean silent() {
        return peakDbfs <= FLOOR_DBFS;
    }

    /** A linear amplitude (1.0 = full scale) in dBFS, never below the floor. */
    public static double dbfs(double amplitude) {
        return amplitude <= 0 ? FLOOR_DBFS : clampDb(20 * Math.log10(amplitude));
    }

    private static double clampDb(double db) {
        return Double.isNaN(db) ? FLOOR_DBFS : Math.clamp(db, FLOOR_DBFS, 0.0);
    }
}
