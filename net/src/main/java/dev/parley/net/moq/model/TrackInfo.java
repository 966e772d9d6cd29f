package dev.parley.net.moq.model;

import java.util.Objects;

/**
 * The immutable description of a track: its name within the broadcast and its priority.
 *
 * <p>Priority is a u8 and <b>higher means more important</b> (moq-lite §10): the publisher sends
 * groups of higher-priority tracks first, then newer groups before older ones. The constants are the
 * hang defaults.
 *
 * @param name     track name, unique within its broadcast (for example {@code "catalog.json"})
 * @param priority 0..255, higher is sent first
 */
public record TrackInfo(String name, int priority) {
    /** hang catalog track priority. */
    public static final int PRIORITY_CATALOG = 100;
    /** hang chat track priority. */
    public static final int PRIORITY_CHAT = 90;
    /** hang audio track priority. */
    public static final int PRIORITY_AUDIO = 80;
    /** hang video track priority. */
    public static final int PRIORITY_VIDEO = 60;
    /** hang typing-indicator track priority. */
    public static final int PRIORITY_TYPING = 40;
    /** hang location track priority. */
    public static final int PRIORITY_LOCATION = 20;
    /** hang preview track priority. */
    public static final int PRIORITY_PREVIEW = 10;

    /** Validates the name and the u8 priority. */
    public TrackInfo {
        Objects.requireNonNull(name, "name");
        if (priority < 0 || priority > 255) {
            throw new IllegalArgumentException("priority must be a u8 (0..255): " + priority);
        }
    }
}
