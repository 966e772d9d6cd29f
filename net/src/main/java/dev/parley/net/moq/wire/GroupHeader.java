package dev.parley.net.moq.wire;

/** GROUP: opens a Group stream for the subscription {@code subscribeId}, group {@code sequence}. */
public record GroupHeader(long subscribeId, long sequence) implements Message, GroupStreamItem {

    public GroupHeader {
        Checks.varint(subscribeId, "subscribe id");
        Checks.varint(sequence, "group sequence");
    }

    public static GroupHeader decode(WireReader r, WireLimits limits) {
        return new GroupHeader(r.varint(), r.varint());
    }

    @Override
    public void encodeBody(WireWriter w, Version version) {
        w.varint(subscribeId).varint(sequence);
    }
}
