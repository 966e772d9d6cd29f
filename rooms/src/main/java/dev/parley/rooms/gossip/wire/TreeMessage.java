package dev.parley.rooms.gossip.wire;

import dev.parley.net.postcard.PostcardException;
import dev.parley.net.postcard.PostcardReader;
import dev.parley.net.postcard.PostcardWriter;

import java.util.ArrayList;
import java.util.List;

/** PlumTree broadcast messages ({@code plumtree::Message}), variant indices as on the wire. */
public sealed interface TreeMessage extends TopicMessage {

    /** A broadcast payload; {@code id} must equal BLAKE3(content) (0). */
    record Gossip(MessageId id, byte[] content, Scope scope) implements TreeMessage {
        /** True when the id matches the content; receivers drop the message otherwise. */
        public boolean valid() {
            return id.equals(MessageId.hash(content));
        }
    }

    /** Moves the sender of a duplicate into the lazy set (1). */
    record Prune() implements TreeMessage {}

    /** Asks for a missing message (id present) and makes the link eager again (2). */
    record Graft(MessageId id, int round) implements TreeMessage {}

    /** Announces message ids the sender has, in batches (3). */
    record IHave(List<Announcement> entries) implements TreeMessage {
        public IHave {
            entries = List.copyOf(entries);
        }
    }

    /** One IHave entry: the id and the round (hop count) at the announcer. */
    record Announcement(MessageId id, int round) {
        /** Encoded size bound: 32-byte id plus a u16 varint. */
        public static final int MAX_SIZE = 32 + 3;
    }

    /** How far a broadcast travels: the whole swarm with a hop count, or direct neighbours only. */
    sealed interface Scope {
        record Swarm(int round) implements Scope {}

        record Neighbors() implements Scope {}
    }

    static TreeMessage decode(PostcardReader r) {
        int tag = r.varint(3, "plumtree variant");
        return switch (tag) {
            case 0 -> {
                MessageId id = MessageId.read(r);
                byte[] content = r.bytes();
                int scope = r.varint(1, "delivery scope");
                Scope s = scope == 0 ? new Scope.Swarm(r.varint(0xFFFF, "round")) : new Scope.Neighbors();
                yield new Gossip(id, content, s);
            }
            case 1 -> new Prune();
            case 2 -> {
                MessageId id = switch (r.u8()) {
                    case 0 -> null;
                    case 1 -> MessageId.read(r);
                    default -> throw new PostcardException("invalid Option<MessageId> tag");
                };
                yield new Graft(id, r.varint(0xFFFF, "round"));
            }
            case 3 -> {
                int n = r.length("ihave list");
                List<Announcement> list = new ArrayList<>(Math.min(n, 128));
                for (int i = 0; i < n; i++) {
                    list.add(new Announcement(MessageId.read(r), r.varint(0xFFFF, "round")));
                }
                yield new IHave(list);
            }
            default -> throw new PostcardException("unknown plumtree variant " + tag);
        };
    }

    @Override
    default void encode(PostcardWriter w) {
        w.u8(1);
        switch (this) {
            case Gossip g -> {
                w.varint(0);
                g.id().write(w);
                w.bytes(g.content());
                switch (g.scope()) {
                    case Scope.Swarm s -> w.u8(0).varint(s.round());
                    case Scope.Neighbors n -> w.u8(1);
                }
            }
            case Prune p -> w.varint(1);
            case Graft g -> {
                w.varint(2);
                if (g.id() == null) {
                    w.u8(0);
                } else {
                    w.u8(1);
                    g.id().write(w);
                }
                w.varint(g.round());
            }
            case IHave h -> {
                w.varint(3);
                w.varint(h.entries().size());
                for (Announcement a : h.entries()) {
                    a.id().write(w);
                    w.varint(a.round());
                }
            }
        }
    }
}
