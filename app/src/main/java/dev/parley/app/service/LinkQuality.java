package dev.parley.app.service;

/** Coarse link quality for the dot on a tile, from loss and round-trip time. */
public enum LinkQuality {
    UNKNOWN, GOOD, FAIR, POOR;

    /** Good below 2 % loss and 150 ms RTT; poor from 10 % loss or 400 ms; fair between. */
    public static LinkQuality of(StatsSnapshot.Net net) {
        if (net == null) {
            return UNKNOWN;
        }
        if (net.lossPct() >= 10 || net.rttMs() >= 400) {
            return POOR;
        }
        if (net.lossPct() >= 2 || net.rttMs() >= 150) {
            return FAIR;
        }
        return GOOD;
    }
}
