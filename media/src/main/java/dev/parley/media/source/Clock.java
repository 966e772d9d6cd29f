package dev.parley.media.source;

import java.time.Instant;

/** Wall-clock capture timestamps in microseconds since the Unix epoch. */
public final class Clock {
    private Clock() {
    }

    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
