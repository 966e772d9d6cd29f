package dev.parley.rooms.gossip.net;

import java.util.concurrent.atomic.AtomicLong;

/** Transport-level counters of a {@link GossipNode}; safe to read from any thread. */
public final class GossipNetStats {
    final AtomicLong framesIn = new AtomicLong();
    final AtomicLong framesOut = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong badStreams = new AtomicLong();
    final AtomicLong unknownTopic = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong dialFailures = new AtomicLong();

    /** Frames received and decoded. */
    public long framesIn() {
        return framesIn.get();
    }

    /** Frames written. */
    public long framesOut() {
        return framesOut.get();
    }

    /** Frames whose body did not decode; dropped, the stream continues. */
    public long malformed() {
        return malformed.get();
    }

    /** Streams stopped because their framing broke (oversized length, truncation, bad header). */
    public long badStreams() {
        return badStreams.get();
    }

    /** Streams for a topic this node has not joined. */
    public long unknownTopic() {
        return unknownTopic.get();
    }

    /** Outgoing messages dropped because a peer's send queue was full or its link failed. */
    public long dropped() {
        return dropped.get();
    }

    /** Dials that failed. */
    public long dialFailures() {
        return dialFailures.get();
    }
}
