package dev.parley.net.moq.wire;

/**
 * ANNOUNCE_OK (lite-05): the publisher's first message on an Announce stream. {@code hopId} is the
 * publisher's origin id, which the receiver appends to every announce's hop list; {@code activeCount}
 * is how many ANNOUNCEs of the initial set follow.
 */
public record AnnounceOk(long hopId, long activeCount) implements AnnounceStreamMessage {

    public AnnounceOk {
        Checks.varint(hopId, "hop id");
        Checks.varint(activeCount, "active count");
    }

    public static AnnounceOk decode(WireReader r, WireLimits limits, Version version) {
        return new AnnounceOk(r.varint(), r.varint());
    }

    @Override
    public void encodeBody(WireWriter w, Version version) {
        w.varint(hopId).varint(activeCount);
    }
}
