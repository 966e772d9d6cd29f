package dev.parley.net.moq.wire;

import java.util.Objects;

/** TRACK (lite-05, bidi type 0x6): asks the publisher for a track's {@link TrackProperties}. */
public record Track(String broadcast, String track) implements Message {

    public Track {
        Objects.requireNonNull(broadcast, "broadcast");
        Objects.requireNonNull(track, "track");
    }

    public static Track decode(WireReader r, WireLimits limits, Version version) {
        return new Track(r.string(), r.string());
    }

    @Override
    public void encodeBody(WireWriter w, Version version) {
        w.string(broadcast).string(track);
    }
}
