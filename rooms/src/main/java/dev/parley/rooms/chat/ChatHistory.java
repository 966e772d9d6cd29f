package dev.parley.rooms.chat;

import dev.parley.net.postcard.PostcardException;
import dev.parley.net.postcard.PostcardReader;
import dev.parley.net.postcard.PostcardWriter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The recent messages one peer sent, served to late joiners as the latest group of its
 * {@link #TRACK} track (one frame). Encoding: version byte 1, then postcard
 * {@code Vec<(u64 unix_ms, String)>}, oldest first. At most {@link #MAX_MESSAGES} messages and
 * {@link #MAX_BYTES} bytes; the oldest are dropped first. Not thread-safe.
 */
public final class ChatHistory {
    public static final String TRACK = "chat.history";
    public static final int MAX_MESSAGES = 200;
    public static final int MAX_BYTES = 256 * 1024;
    private static final int VERSION = 1;

    /** One remembered message. */
    public record Entry(long unixMs, String text) {}

    private final Deque<Entry> entries = new ArrayDeque<>();

    public void add(long unixMs, String text) {
        entries.addLast(new Entry(unixMs, text));
        while (entries.size() > MAX_MESSAGES) {
            entries.removeFirst();
        }
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public byte[] encode() {
        List<Entry> list = new ArrayList<>(entries);
        while (true) {
            PostcardWriter w = new PostcardWriter().u8(VERSION).varint(list.size());
            for (Entry e : list) {
                w.varint(e.unixMs()).string(e.text());
            }
            if (w.size() <= MAX_BYTES || list.isEmpty()) {
                return w.toByteArray();
            }
            list.removeFirst();
        }
    }

    /** Decodes a history frame; every text must be valid UTF-8 and within {@link ChatCodec#MAX_BYTES}. */
    public static List<Entry> decode(byte[] frame) {
        if (frame.length > MAX_BYTES) {
            throw new PostcardException("chat history of " + frame.length + " bytes exceeds " + MAX_BYTES);
        }
        PostcardReader r = new PostcardReader(frame);
        int version = r.u8();
        if (version != VERSION) {
            throw new PostcardException("unsupported chat history version " + version);
        }
        int n = r.length("history");
        if (n > MAX_MESSAGES) {
            throw new PostcardException("chat history of " + n + " messages exceeds " + MAX_MESSAGES);
        }
        List<Entry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long ms = r.varint();
            String text = r.string();
            if (text.isEmpty() || text.length() > ChatCodec.MAX_BYTES) {
                throw new PostcardException("invalid chat message in history");
            }
            out.add(new Entry(ms, text));
        }
        r.expectEnd();
        return out;
    }
}
