package dev.parley.app.service;

/** Gives the current statistics of one tile. Cheap and thread-safe; the overlay polls it 5 times a second. */
@FunctionalInterface
public interface StatsSource {
    StatsSnapshot sample();

    static StatsSource none() {
        return StatsSnapshot::empty;
    }
}
