package dev.parley.net.moq.wire;

/** PROBE on a Probe stream (bidi type 0x4): an estimated bitrate in bits per second (0 = unknown). */
public record Probe(long bitrate) implements Message {

    public Probe {
        Checks.varint(bitrate, "bitrate");
    }

    public static Probe decode(WireReader r, WireLimits limits) {
        return new Probe(r.varint());
    }

    @Override
    public void encodeBody(WireWriter w) {
        w.varint(bitrate);
    }
}
