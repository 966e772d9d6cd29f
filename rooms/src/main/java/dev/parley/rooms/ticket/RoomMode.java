package dev.parley.rooms.ticket;

/**
 * How a room's participants reach each other; carried in the room ticket.
 */
public enum RoomMode {
    /** Peer to peer: gossip membership and a direct moq session per pair of peers (no relay). */
    GOSSIP,
    /**
     * Everyone publishes once to a moq-lite relay and subscribes through it; membership is the relay's
     * announces in the room's scope (browsers can join).
     */
    RELAY,
    /** Peer to peer first; a peer whose direct link does not work is reached through the relay instead. */
    HYBRID;

    /** The lowercase name used on the command line and in the app ({@code gossip}, {@code relay}, {@code hybrid}). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses {@link #label()} (any case); anything else is an {@link IllegalArgumentException} listing the modes. */
    public static RoomMode parse(String text) {
        for (RoomMode m : values()) {
            if (m.label().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return m;
            }
        }
        throw new IllegalArgumentException("a room mode is gossip, relay or hybrid, got '" + text + "'");
    }
}
