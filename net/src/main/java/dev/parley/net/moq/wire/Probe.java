package dev.parley.net.moq.wire;

/**
 * PROBE on a Probe stream (bidi type 0x4): an estimated bitrate in bits per second and, from lite-04,
 * the round-trip time in ms. 0 means unknown for both; lite-03 carries no RTT and decodes it as 0.
 */
public record Probe(long bitrate, long rttMillis) implements Message {

    public Probe {
        Checks.varint(bitrate, "bitrate");
        Checks.varint(rttMillis, "rtt");
    }

    public Probe(long bitrate) {
        this(bitrate, 0);
    }

    public static Probe decode(WireReader r, WireLimits limits, Version version) {
        long bitrate = r.varint();
        return new Probe(bitrate, version.probeRtt() ? r.varint() : 0);
    }

    @Override
    public void encodeBody(WireWriter w, Version version) {
        w.varint(bitrate);
        if (version.probeRtt()) {
            w.varint(rttMillis);
        }
    }
}
