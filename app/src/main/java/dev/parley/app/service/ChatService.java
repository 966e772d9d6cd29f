package dev.parley.app.service;

import java.util.function.Consumer;

/** Room chat. */
public interface ChatService {
    /** Sends a message to everyone in the room; returns at once. */
    void send(String text);

    /**
     * Delivers every message, ours included, from any thread. Closing the returned handle stops the
     * delivery.
     */
    Subscription subscribe(Consumer<ChatEntry> listener);
}
