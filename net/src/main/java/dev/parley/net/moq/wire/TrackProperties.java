package dev.parley.net.moq.wire;

import java.time.Duration;
import java.util.Objects;

import static dev.parley.net.moq.wire.DecodeException.Kind.INVALID_VALUE;

/**
 * TRACK_INFO (lite-05): the immutable properties of a track, the answer on a TRACK stream before FIN.
 * {@code timescale} (units per second, never 0) is the unit of the frame timestamps on its group streams.
 */
public record TrackProperties(int priority, boolean ordered, Duration maxLatency, long timescale) implements Message {
    /** Microseconds, the timescale hang media tracks use. */
    public static final long MICROS = 1_000_000;

    public TrackProperties {
        Objects.requireNonNull(maxLatency, "maxLatency");
        Checks.u8(priority, "priority");
        Checks.varint(timescale, "timescale");
        if (timescale == 0) {
            throw new IllegalArgumentException("timescale 0");
        }
    }

    public static TrackProperties decode(WireReader r, WireLimits limits, Version version) {
        int priority = r.u8();
        boolean ordered = r.bool();
        Duration maxLatency = r.durationMillis();
        long timescale = r.varint();
        if (timescale == 0) {
            throw new DecodeException(INVALID_VALUE, "track timescale 0");
        }
        return new TrackProperties(priority, ordered, maxLatency, timescale);
    }

    @Override
    public void encodeBody(WireWriter w, Version version) {
        w.u8(priority).bool(ordered).durationMillis(maxLatency).varint(timescale);
    }
}
