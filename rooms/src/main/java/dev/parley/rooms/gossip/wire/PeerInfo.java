package dev.parley.rooms.gossip.wire;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.postcard.PostcardReader;
import dev.parley.net.postcard.PostcardWriter;

/** A peer id with its {@link PeerData} ({@code null} when absent), as carried in ForwardJoin and shuffles. */
public record PeerInfo(EndpointId id, PeerData data) {

    static PeerInfo read(PostcardReader r) {
        EndpointId id = Ids.readEndpoint(r);
        return new PeerInfo(id, PeerData.readOption(r));
    }

    void write(PostcardWriter w) {
        Ids.writeEndpoint(w, id);
        PeerData.writeOption(w, data);
    }
}
