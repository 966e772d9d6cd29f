package dev.parley.media.hang;

/** A rendition's frame container; Parley writes and reads only {@code legacy}. */
public record Container(String kind) {
    public static final Container LEGACY = new Container("legacy");
}
