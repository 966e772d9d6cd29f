package dev.parley.net.moq.wire;

/**
 * SUBSCRIBE_DROP (type 0x1; 0x2 in lite-05): groups {@code startGroup..endGroup} (inclusive, absolute, not +1) will
 * not be delivered, for {@code errorCode}. Decoded for completeness; Parley never sends it.
 */
public record SubscribeDrop(long startGroup, long endGroup, long errorCode) implements SubscribeResponse {
    public SubscribeDrop {
        Checks.varint(startGroup, "start group");
        Checks.varint(endGroup, "end group");
        Checks.varint(errorCode, "error code");
    }

    public static SubscribeDrop decode(WireReader r, WireLimits limits) {
        return new SubscribeDrop(r.varint(), r.varint(), r.varint());
    }

    @Override
    public long type(Version version) {
        return version.subscribeStart() ? 0x2 : 0x1;
    }

    @Override
    public void encodeBody(WireWriter w, Version version) {
        w.varint(startGroup).varint(endGroup).varint(errorCode);
    }
}
