package dev.parley.rooms.gossip.wire;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.postcard.PostcardException;
import dev.parley.net.postcard.PostcardReader;
import dev.parley.net.postcard.PostcardWriter;

import java.util.ArrayList;
import java.util.List;

/** HyParView membership messages ({@code hyparview::Message}), variant indices as on the wire. */
public sealed interface SwarmMessage extends TopicMessage {

    /** A peer asks to join through this node (0). */
    record Join(PeerData data) implements SwarmMessage {}

    /** A join travelling a random walk (1). */
    record ForwardJoin(PeerInfo peer, int ttl) implements SwarmMessage {}

    /** A shuffle walk carrying a sample of the origin's views (2). */
    record Shuffle(EndpointId origin, List<PeerInfo> nodes, int ttl) implements SwarmMessage {
        public Shuffle {
            nodes = List.copyOf(nodes);
        }
    }

    /** The answer to a shuffle, also sent along with a refusal or eviction (3). */
    record ShuffleReply(List<PeerInfo> nodes) implements SwarmMessage {
        public ShuffleReply {
            nodes = List.copyOf(nodes);
        }
    }

    /** A request to become active neighbours, or the acceptance of one (4). */
    record Neighbor(Priority priority, PeerData data) implements SwarmMessage {}

    /** Leaves the active view; {@code alive} says whether the sender may be contacted again (5). */
    record Disconnect(boolean alive) implements SwarmMessage {}

    /** A Neighbor request's priority: High cannot be refused, Low is refused by a full active view. */
    enum Priority { HIGH, LOW }

    static SwarmMessage decode(PostcardReader r) {
        int tag = r.varint(5, "hyparview variant");
        return switch (tag) {
            case 0 -> new Join(PeerData.readOption(r));
            case 1 -> new ForwardJoin(PeerInfo.read(r), r.varint(0xFFFF, "ttl"));
            case 2 -> {
                EndpointId origin = Ids.readEndpoint(r);
                List<PeerInfo> nodes = readNodes(r);
                yield new Shuffle(origin, nodes, r.varint(0xFFFF, "ttl"));
            }
            case 3 -> new ShuffleReply(readNodes(r));
            case 4 -> {
                int p = r.varint(1, "priority");
                yield new Neighbor(p == 0 ? Priority.HIGH : Priority.LOW, PeerData.readOption(r));
            }
            case 5 -> {
                boolean alive = r.bool();
                r.bool(); // obsolete "respond" flag, always false
                yield new Disconnect(alive);
            }
            default -> throw new PostcardException("unknown hyparview variant " + tag);
        };
    }

    private static List<PeerInfo> readNodes(PostcardReader r) {
        int n = r.length("peer list");
        List<PeerInfo> out = new ArrayList<>(Math.min(n, 64));
        for (int i = 0; i < n; i++) {
            out.add(PeerInfo.read(r));
        }
        return out;
    }

    private static void writeNodes(PostcardWriter w, List<PeerInfo> nodes) {
        w.varint(nodes.size());
        nodes.forEach(n -> n.write(w));
    }

    @Override
    default void encode(PostcardWriter w) {
        w.u8(0);
        switch (this) {
            case Join j -> {
                w.varint(0);
                PeerData.writeOption(w, j.data());
            }
            case ForwardJoin f -> {
                w.varint(1);
                f.peer().write(w);
                w.varint(f.ttl());
            }
            case Shuffle s -> {
                w.varint(2);
                Ids.writeEndpoint(w, s.origin());
                writeNodes(w, s.nodes());
                w.varint(s.ttl());
            }
            case ShuffleReply s -> {
                w.varint(3);
                writeNodes(w, s.nodes());
            }
            case Neighbor n -> {
                w.varint(4);
                w.u8(n.priority() == Priority.HIGH ? 0 : 1);
                PeerData.writeOption(w, n.data());
            }
            case Disconnect d -> {
                w.varint(5);
                w.bool(d.alive()).bool(false);
            }
        }
    }
}
