package dev.parley.net.moq.wire;

/** SUBSCRIBE_END (lite-05, type 0x1): no group at or after {@code group} (exclusive) will come; 0 = no groups at all. */
public record SubscribeEnd(long group) implements SubscribeResponse {

    public SubscribeEnd {
        Checks.varint(group, "group");
    }

    public static SubscribeEnd decode(WireReader r, WireLimits limits, Version version) {
        return new SubscribeEnd(r.varint());
    }

    @Override
    public long type(Version version) {
        return 0x1;
    }

    @Override
    public void encodeBody(WireWriter w, Version version) {
        w.varint(group);
    }
}
