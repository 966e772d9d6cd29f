package dev.parley.net.moq.wire;

import java.util.Objects;

/**
 * FETCH (lite-05, bidi type 0x3): asks the publisher for one group of a track, whole; the answer is that
 * group's frames (timed, as on a group stream) straight on the stream, then FIN, or a reset when the group
 * is not there.
 */
public record Fetch(String broadcast, String track, int priority, long group) implements Message {

    public Fetch {
        Objects.requireNonNull(broadcast, "broadcast");
        Objects.requireNonNull(track, "track");
        Checks.u8(priority, "priority");
        Checks.varint(group, "group");
    }

    public static Fetch decode(WireReader r, WireLimits limits, Version version) {
        return new Fetch(r.string(), r.string(), r.u8(), r.varint());
    }

    @Override
    public void encodeBody(WireWriter w, Version version) {
        w.string(broadcast).string(track).u8(priority).varint(group);
    }
}
