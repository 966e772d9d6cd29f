package dev.parley.net.moq.wire;

import java.util.Objects;

/**
 * GOAWAY (lite-04+, bidi type 0x5): the sender is about to end the session; reconnect to
 * {@code newSessionUri}, or empty for no redirect.
 */
public record Goaway(String newSessionUri) implements Message {

    public Goaway {
        Objects.requireNonNull(newSessionUri, "newSessionUri");
    }

    public static Goaway decode(WireReader r, WireLimits limits, Version version) {
        return new Goaway(r.string());
    }

    @Override
    public void encodeBody(WireWriter w, Version version) {
        w.string(newSessionUri);
    }
}
