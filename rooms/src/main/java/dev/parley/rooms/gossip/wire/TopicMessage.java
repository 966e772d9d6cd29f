package dev.parley.rooms.gossip.wire;

import dev.parley.net.postcard.PostcardReader;
import dev.parley.net.postcard.PostcardWriter;



/**
 * The body of every gossip frame after the stream header ({@code topic::Message}): tag 0 wraps a
 * {@link SwarmMessage}, tag 1 a {@link TreeMessage}.
 */
public sealed interface TopicMessage permits SwarmMessage, TreeMessage {

    /** Appends the postcard encoding, including the outer tag. */
    void encode(PostcardWriter w);

    default byte[] encode() {
        PostcardWriter w = new PostcardWriter();
        encode(w);
        return w.toByteArray();
    }

    /** Decodes one complete message; trailing bytes are an error. */
    static TopicMessage decode(byte[] body) {
        PostcardReader r = new PostcardReader(body);
        int tag = r.varint(1, "topic message variant");
        TopicMessage m = tag == 0 ? SwarmMessage.decode(r) : TreeMessage.decode(r);
        r.expectEnd();
        return m;
    }
}
