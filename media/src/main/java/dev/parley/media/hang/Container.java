package dev.parley.media.hang;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A rendition's frame container; Parley writes and reads only {@code legacy} (renditions in other
 * containers are skipped when choosing what to watch). Other fields, e.g. cmaf's {@code init}, are ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Container(String kind) {
    public static final Container LEGACY = new Container("legacy");
}
