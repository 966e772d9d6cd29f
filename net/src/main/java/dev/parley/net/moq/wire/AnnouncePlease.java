package dev.parley.net.moq.wire;

import java.util.Objects;

/**
 * ANNOUNCE_PLEASE (Rust {@code AnnounceInterest}): the subscriber asks for every broadcast under
 * {@code prefix} ("" for all). lite-03 has no exclude-hop field.
 */
public record AnnouncePlease(String prefix) implements AnnounceStreamMessage {

    public AnnouncePlease {
        Objects.requireNonNull(prefix, "prefix");
    }

    public static AnnouncePlease decode(WireReader r, WireLimits limits) {
        return new AnnouncePlease(r.string());
    }

    @Override
    public void encodeBody(WireWriter w) {
        w.string(prefix);
    }
}
