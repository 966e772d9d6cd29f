package dev.parley.rooms.gossip.wire;

import dev.parley.net.postcard.PostcardException;
import dev.parley.net.postcard.PostcardReader;
import dev.parley.net.postcard.PostcardWriter;

import java.nio.ByteBuffer;

/**
 * Gossip stream framing: every frame is a big-endian {@code u32} length and a postcard body. The
 * first frame on a stream is the 32-byte {@link TopicId} header; later frames are {@link TopicMessage}s.
 */
public final class Frames {
    /** iroh-gossip's default, which the whole swarm must share. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 4096;
    /** The smallest size iroh accepts as a configuration. */
    public static final int MIN_MAX_MESSAGE_SIZE = 512;
    /** Postcard overhead of {topic, Gossip(..)} counted against the payload budget. */
    public static final int HEADER_OVERHEAD = 33;

    private Frames() {
    }

    /** The largest broadcast payload for a given frame limit (4063 by default). */
    public static int maxPayload(int maxMessageSize) {
        return maxMessageSize - HEADER_OVERHEAD;
    }

    /** Length-prefixes {@code body}; a body of {@code maxMessageSize} bytes or more is refused. */
    public static byte[] frame(byte[] body, int maxMessageSize) {
        if (body.length >= maxMessageSize) {
            throw new IllegalArgumentException("gossip frame of " + body.length + " bytes exceeds the limit of "
                    + (maxMessageSize - 1));
        }
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    public static byte[] header(TopicId topic, int maxMessageSize) {
        PostcardWriter w = new PostcardWriter();
        topic.write(w);
        return frame(w.toByteArray(), maxMessageSize);
    }

    public static byte[] message(TopicMessage m, int maxMessageSize) {
        return frame(m.encode(), maxMessageSize);
    }

    /** Checks a received length prefix before anything is allocated for the body. */
    public static int checkLength(long len, int maxMessageSize) {
        if (len < 0 || len > maxMessageSize) {
            throw new PostcardException("gossip frame length " + len + " exceeds " + maxMessageSize);
        }
        return (int) len;
    }

    public static TopicId decodeHeader(byte[] body) {
        PostcardReader r = new PostcardReader(body);
        TopicId t = TopicId.read(r);
        r.expectEnd();
        return t;
    }
}
