package dev.parley.media.watch;

import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.OriginConsumer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the watcher finds a rendition that lives in another broadcast (hang 0.3.5's per-rendition
 * {@code broadcast}, a path relative to the catalog's own broadcast, e.g. {@code ../source}): the
 * watched broadcast's path plus a non-blocking lookup of other paths through the same session or
 * origin. {@link #none()} knows no path: such renditions are refused.
 *
 * @param path   the watched broadcast's own path (null for {@link #none()})
 * @param lookup the broadcast published at an absolute path right now, if any; a handle it returns is
 *               closed by the watcher when done
 */
public record SiblingBroadcasts(String path, Function<String, Optional<BroadcastConsumer>> lookup) {

    /** No lookup: renditions in other broadcasts cannot be watched. */
    public static SiblingBroadcasts none() {
        return new SiblingBroadcasts(null, p -> Optional.empty());
    }

    /**
     * Other broadcasts published in an origin: in process, or a session's announced broadcasts
     * ({@code MoqSession.announced("")}, the same session the watched broadcast came through).
     */
    public static SiblingBroadcasts of(OriginConsumer origin, String path) {
        return new SiblingBroadcasts(path, origin::consume);
    }

    /**
     * Resolves a rendition's {@code broadcast} reference against {@code base} the way hang does:
     * {@code ..} drops the last segment of the base (never below the root), empty and {@code .}
     * segments are ignored, others are appended.
     */
    public static String resolve(String base, String relative) {
        List<String> segments = new ArrayList<>();
        for (String s : base.split("/")) {
            if (!s.isEmpty()) {
                segments.add(s);
            }
        }
        for (String s : relative.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                if (!segments.isEmpty()) {
                    segments.removeLast();
                }
            } else {
                segments.add(s);
            }
        }
        return String.join("/", segments);
    }

    /** True when the reference means "the catalog's own broadcast" (absent, or normalising to nothing). */
    public static boolean isSelf(String relative) {
        if (relative == null) {
            return true;
        }
        for (String s : relative.split("/")) {
            if (!s.isEmpty() && !s.equals(".")) {
                return false;
            }
        }
        return true;
    }
}
