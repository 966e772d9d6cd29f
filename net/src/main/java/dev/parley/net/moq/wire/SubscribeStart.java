package dev.parley.net.moq.wire;

/**
 * SUBSCRIBE_START (lite-05, type 0x0): the subscription's first group, absolute; groups before it are
 * dropped. Sent once the start is known; lite-05 has no SUBSCRIBE_OK.
 */
public record SubscribeStart(long group) implements SubscribeResponse {

    public SubscribeStart {
        Checks.varint(group, "group");
    }

    public static SubscribeStart decode(WireReader r, WireLimits limits, Version version) {
        return new SubscribeStart(r.varint());
    }

    @Override
    public long type(Version version) {
        return 0x0;
    }

    @Override
    public void encodeBody(WireWriter w, Version version) {
        w.varint(group);
    }
}
