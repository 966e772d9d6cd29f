package dev.parley.rooms.chat;

/** A chat message that cannot be sent or accepted: too long, not UTF-8, empty, or over the rate limit. */
public final class ChatException extends RuntimeException {
    public ChatException(String message) {
        super(message);
    }
}
