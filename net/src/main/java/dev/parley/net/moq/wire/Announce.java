package dev.parley.net.moq.wire;

import java.util.Objects;

import static dev.parley.net.moq.wire.DecodeException.Kind.INVALID_VALUE;
import static dev.parley.net.moq.wire.DecodeException.Kind.TOO_LARGE;

/**
 * ANNOUNCE: a broadcast at {@code prefix + suffix} became active or ended. Status is one byte, 1 active
 * and 0 ended. In lite-03 {@code hops} is a single count (not a list); peers send 0 and decoders bound
 * it by {@link WireLimits#maxHops()}.
 */
public record Announce(boolean active, String suffix, long hops) implements AnnounceStreamMessage {

    public Announce {
        Objects.requireNonNull(suffix, "suffix");
        if (hops < 0 || hops > VarInt.MAX) {
            throw new IllegalArgumentException("hops " + hops);
        }
    }

    public static Announce active(String suffix) {
        return new Announce(true, suffix, 0);
    }

    public static Announce ended(String suffix) {
        return new Announce(false, suffix, 0);
    }

    public static Announce decode(WireReader r, WireLimits limits) {
        int status = r.u8();
        if (status > 1) {
            throw new DecodeException(INVALID_VALUE, "announce status " + status);
        }
        String suffix = r.string();
        long hops = r.varint();
        if (hops > limits.maxHops()) {
            throw new DecodeException(TOO_LARGE, "announce hop count " + hops);
        }
        return new Announce(status == 1, suffix, hops);
    }

    @Override
    public void encodeBody(WireWriter w) {
        w.u8(active ? 1 : 0).string(suffix).varint(hops);
    }
}
