package dev.parley.rooms.gossip.proto;

/** Counters of one topic, read by tests, benches and the room's diagnostics. Owned by the topic's thread. */
public final class GossipStats {
    /** Gossip messages received, repeated copies included. */
    long gossipReceived;
    /** Swarm broadcasts delivered to the application (first copies). */
    long delivered;
    /** Swarm broadcasts received again. */
    long repeats;
    /** Grafts sent for ids known only from IHaves. */
    long grafts;
    /** Gossip messages whose id did not match BLAKE3(content). */
    long forged;

    public long gossipReceived() {
        return gossipReceived;
    }

    public long delivered() {
        return delivered;
    }

    public long repeats() {
        return repeats;
    }

    public long grafts() {
        return grafts;
    }

    public long forged() {
        return forged;
    }
}
