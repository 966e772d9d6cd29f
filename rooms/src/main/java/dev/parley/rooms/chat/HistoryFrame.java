package dev.parley.rooms.chat;

import dev.parley.net.postcard.PostcardException;
import dev.parley.net.postcard.PostcardReader;
import dev.parley.net.postcard.PostcardWriter;

import java.util.Arrays;
import java.util.List;

/**
 * One group of the {@link ChatHistory#TRACK} track: the chat group sequence of the first entry
 * (postcard varint), then the {@link ChatHistory} encoding.
 *
 * @param first the chat group sequence of {@code entries.get(0)}
 */
public record HistoryFrame(long first, List<ChatHistory.Entry> entries) {
    public HistoryFrame {
        entries = List.copyOf(entries);
    }

    /** One past the sequence of the last entry. */
    public long end() {
        return first + entries.size();
    }

    /** The frame for {@code history}, whose newest entry is chat group {@code nextSequence - 1}. */
    public static byte[] encode(ChatHistory history, long nextSequence) {
        byte[] body = history.encode();
        long first = nextSequence - history.entries().size();
        byte[] seq = new PostcardWriter().varint(first).toByteArray();
        byte[] out = Arrays.copyOf(seq, seq.length + body.length);
        System.arraycopy(body, 0, out, seq.length, body.length);
        return out;
    }

    /** Decodes a frame; throws {@link PostcardException} on malformed bytes. */
    public static HistoryFrame decode(byte[] frame) {
        PostcardReader r = new PostcardReader(frame);
        long first = r.varint();
        return new HistoryFrame(first, ChatHistory.decode(Arrays.copyOfRange(frame, frame.length - r.remaining(), frame.length)));
    }
}
