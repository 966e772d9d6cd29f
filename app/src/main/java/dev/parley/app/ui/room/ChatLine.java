package dev.parley.app.ui.room;

/**
 * One line in the chat panel.
 *
 * @param kind   who wrote it
 * @param sender sender name (empty for system lines)
 * @param text   the message
 * @param time   local time as {@code HH:mm}
 */
public record ChatLine(Kind kind, String sender, String text, String time) {
    public enum Kind { SELF, OTHER, SYSTEM }
}
