package dev.parley.net.moq.wire;

import java.util.Objects;

/**
 * ANNOUNCE_PLEASE (lite-05 ANNOUNCE_REQUEST): the subscriber asks for every broadcast under
 * {@code prefix} ("" for all). From lite-04 it carries {@code excludeHop}: skip announces whose hop list
 * holds it (0 = none); lite-03 has no such field and decodes it as 0.
 */
public record AnnouncePlease(String prefix, long excludeHop) implements AnnounceStreamMessage {

    public AnnouncePlease {
        Objects.requireNonNull(prefix, "prefix");
        Checks.varint(excludeHop, "exclude hop");
    }

    public AnnouncePlease(String prefix) {
        this(prefix, 0);
    }

    public static AnnouncePlease decode(WireReader r, WireLimits limits, Version version) {
        String prefix = r.string();
        return new AnnouncePlease(prefix, version.excludeHop() ? r.varint() : 0);
    }

    @Override
    public void encodeBody(WireWriter w, Version version) {
        w.string(prefix);
        if (version.excludeHop()) {
            w.varint(excludeHop);
        }
    }
}
