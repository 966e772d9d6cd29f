package dev.parley.app.ui.start;

import dev.parley.net.relay.RelayClient;

import java.util.Optional;

/** Checks the home relay field: empty (no relay) or an {@code http(s)://host:port/} URL the relay client takes. */
final class RelayInput {
    static final int MAX_LENGTH = 249; // what an address's relay URL may hold

    private RelayInput() {}

    /** Empty when the text is blank or a usable relay URL, else what is wrong. */
    static Optional<String> problem(String raw) {
        String text = raw == null ? "" : raw.strip();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.length() > MAX_LENGTH) {
            return Optional.of("That is too long for a relay address (" + text.length() + " characters).");
        }
        if (text.chars().anyMatch(Character::isWhitespace)) {
            return Optional.of("A relay address has no spaces, like http://relay.example.org:3340/");
        }
        try {
            RelayClient.webSocketUri(text);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("Enter the relay as http://host:port/ or https://host/ (leave it empty for none).");
        }
    }
}
