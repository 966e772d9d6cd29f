package dev.parley.rooms.gossip.wire;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.postcard.PostcardReader;
import dev.parley.net.postcard.PostcardWriter;

/** Postcard helpers for 32-byte endpoint ids (raw bytes, no length). */
public final class Ids {
    private Ids() {
    }

    public static EndpointId readEndpoint(PostcardReader r) {
        return EndpointId.of(r.raw(EndpointId.LENGTH));
    }

    public static void writeEndpoint(PostcardWriter w, EndpointId id) {
        w.raw(id.bytes());
    }
}
