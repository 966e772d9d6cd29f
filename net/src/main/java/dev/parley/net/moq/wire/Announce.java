package dev.parley.net.moq.wire;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import static dev.parley.net.moq.wire.DecodeException.Kind.INVALID_VALUE;
import static dev.parley.net.moq.wire.DecodeException.Kind.TOO_LARGE;

/**
 * ANNOUNCE (lite-05 ANNOUNCE_BROADCAST): a broadcast at {@code prefix + suffix} became active or ended
 * (lite-02 has no hops field at all).
 * Status is one byte, 1 active and 0 ended; lite-05 also accepts 2 (restart), decoded as active. From
 * lite-04 {@code hops} is a list of relay origin ids; lite-03 carries only its size, which decodes as
 * that many unknown (0) ids. Decoders bound the count by {@link WireLimits#maxHops()}.
 */
public record Announce(boolean active, String suffix, List<Long> hops) implements AnnounceStreamMessage {

    public Announce {
        Objects.requireNonNull(suffix, "suffix");
        hops = List.copyOf(hops);
        for (long h : hops) {
            Checks.varint(h, "hop id");
        }
    }

    public static Announce active(String suffix) {
        return new Announce(true, suffix, List.of());
    }

    public static Announce active(String suffix, List<Long> hops) {
        return new Announce(true, suffix, hops);
    }

    public static Announce ended(String suffix) {
        return new Announce(false, suffix, List.of());
    }

    public static Announce decode(WireReader r, WireLimits limits, Version version) {
        int status = r.u8();
        if (status > (version.setup() ? 2 : 1)) {
            throw new DecodeException(INVALID_VALUE, "announce status " + status);
        }
        String suffix = r.string();
        long count = version.announceHops() ? r.varint() : 0;
        if (count > limits.maxHops()) {
            throw new DecodeException(TOO_LARGE, "announce hop count " + count);
        }
        List<Long> hops;
        if (version.hopList()) {
            hops = new ArrayList<>((int) count);
            for (long i = 0; i < count; i++) {
                hops.add(r.varint());
            }
        } else {
            hops = Collections.nCopies((int) count, 0L);
        }
        return new Announce(status != 0, suffix, hops);
    }

    @Override
    public void encodeBody(WireWriter w, Version version) {
        w.u8(active ? 1 : 0).string(suffix);
        if (version.announceHops()) {
            w.varint(hops.size());
        }
        if (version.hopList()) {
            hops.forEach(w::varint);
        }
    }
}
