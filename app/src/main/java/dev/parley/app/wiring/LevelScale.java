package dev.parley.app.wiring;

import dev.parley.media.stats.AudioLevel;

/**
 * Media's meter reading (dBFS) as the app's 0..1 loudness: the RMS level on a decibel scale, 0 at
 * {@value #RANGE_DB} dB below full scale or quieter, 1 at full scale. A decibel scale because that
 * is how loud things sound: a voice at −30 dBFS sits mid-bar, room noise near the bottom.
 */
final class LevelScale {
    static final double RANGE_DB = 60;

    private LevelScale() {
    }

    static double of(AudioLevel level) {
        return Math.clamp((level.rmsDbfs() + RANGE_DB) / RANGE_DB, 0.0, 1.0);
    }
}
