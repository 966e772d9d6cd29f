package dev.parley.app.cli;

import java.time.Duration;

/**
 * Parsed options of {@code parley watch}.
 *
 * @param ticket    the broadcast ticket to watch
 * @param rendition {@code auto} or a rendition name such as {@code 360p}
 * @param duration  how long to watch, or {@code null} until interrupted
 */
public record WatchOptions(String ticket, String rendition, Duration duration, NetOptions net) {
    public WatchOptions(String ticket, String rendition, Duration duration) {
        this(ticket, rendition, duration, NetOptions.NONE);
    }
}
