package dev.parley.rooms.chat;

import dev.parley.net.identity.EndpointId;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Passes each chat message once when two routes deliver the same sender's chat (a hybrid room reads a
 * peer directly and, while it falls back, through the relay; each route's reader replays the sender's
 * history when it starts, so a route switch delivers recent messages a second time). A message is its
 * sender's group sequence and its text (a hybrid peer sends each message through both of its rooms, whose
 * chat tracks number it alike; were they ever out of step, a message would show twice, never be lost); the last {@link #WINDOW} per sender are remembered, more than a
 * history replay can hold ({@link ChatHistory#MAX_MESSAGES}). A sender that restarts numbers its chat
 * from 0 again: its new messages pass unless one repeats both the sequence and the text of one still
 * remembered from before, so the owner {@link #forget}s a sender that left. Not thread-safe: one owner.
 */
public final class ChatDedup {
    /** Messages remembered per sender. */
    public static final int WINDOW = ChatHistory.MAX_MESSAGES + 56;

    private record Key(long seq, int textHash, int textLength) {}

    private final Map<EndpointId, LinkedHashSet<Key>> seen = new HashMap<>();

    /** True the first time {@code from}'s message {@code seq} with {@code text} is offered, false for a repeat. */
    public boolean firstTime(EndpointId from, long seq, String text) {
        LinkedHashSet<Key> mine = seen.computeIfAbsent(from, k -> new LinkedHashSet<>());
        if (!mine.add(new Key(seq, text.hashCode(), text.length()))) {
            return false;
        }
        if (mine.size() > WINDOW) {
            mine.removeFirst();
        }
        return true;
    }

    /** Drops what is remembered of {@code from} (it left the room). */
    public void forget(EndpointId from) {
        seen.remove(from);
    }

    /** Senders with remembered messages. */
    public int senders() {
        return seen.size();
    }
}
