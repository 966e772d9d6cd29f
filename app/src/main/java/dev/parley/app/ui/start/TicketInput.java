package dev.parley.app.ui.start;

import java.util.Optional;

/**
 * Checks that hold for any ticket format, before the call service parses it: something was pasted, it
 * is one word, and it is printable ASCII. The messages say what is wrong and what to do.
 */
final class TicketInput {
    static final int MAX_LENGTH = 8192;

    private TicketInput() {}

    /** Empty when the text may be a ticket, else what is wrong. */
    static Optional<String> problem(String raw) {
        String text = raw == null ? "" : raw.strip();
        if (text.isEmpty()) {
            return Optional.of("Paste a room ticket first.");
        }
        if (text.length() > MAX_LENGTH) {
            return Optional.of("That is too long to be a ticket (" + text.length() + " characters).");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                return Optional.of("A ticket is one word without spaces or line breaks; check that only the ticket was copied.");
            }
            if (c < 0x21 || c > 0x7e) {
                return Optional.of("A ticket has only letters, digits and simple symbols, but character "
                        + (i + 1) + " is '" + new String(Character.toChars(text.codePointAt(i))) + "'.");
            }
        }
        return Optional.empty();
    }
}
