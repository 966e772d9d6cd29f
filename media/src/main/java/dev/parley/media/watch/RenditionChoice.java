package dev.parley.media.watch;

import dev.parley.media.codec.VideoCodec;
import dev.parley.media.hang.VideoRendition;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which video rendition to watch: a quality level (highest, high ≈ 720p, mid ≈ 360p, low), a
 * named track, or {@link #auto()} (the lowest rendition for the first picture, then high, then follow the
 * adaptive controller, with the lowest kept on standby).
 */
public record RenditionChoice(Quality quality, String track, boolean adaptive) {
    public enum Quality { HIGHEST, HIGH, MID, LOW }

    public static RenditionChoice of(Quality q) {
        return new RenditionChoice(q, null, false);
    }

    public static RenditionChoice named(String track) {
        return new RenditionChoice(null, track, false);
    }

    public static RenditionChoice auto() {
        return new RenditionChoice(Quality.HIGH, null, true);
    }

    /** Parses {@code highest|high|mid|low|auto} or a track name. */
    public static RenditionChoice parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> auto();
            case "highest" -> of(Quality.HIGHEST);
            case "high" -> of(Quality.HIGH);
            case "mid" -> of(Quality.MID);
            case "low" -> of(Quality.LOW);
            default -> named(s);
        };
    }

    /**
     * Why Parley cannot decode a rendition, or empty if it can: the legacy container, a codec of
     * {@link VideoCodec} and a usable description. Pure (no FFmpeg: UI threads rank renditions too);
     * a decoder that then fails to open, and where the track lives ({@code broadcast}), are the
     * watcher's business ({@link RemoteMedia#refusedRenditions()}).
     */
    public static Optional<String> refusal(VideoRendition r) {
        if (!r.containerKind().equals("legacy")) {
            return Optional.of("container '" + r.containerKind() + "' is not supported (only legacy)");
        }
        Optional<VideoCodec> codec = VideoCodec.fromCodecString(r.codec());
        if (codec.isEmpty()) {
            return Optional.of("codec '" + r.codec() + "' is not supported (avc1/avc3, hvc1/hev1, vp8, vp09, av01 are)");
        }
        byte[] description;
        try {
            description = r.descriptionBytes();
        } catch (IllegalArgumentException e) {
            return Optional.of("description is not hex");
        }
        return codec.get().descriptionProblem(description);
    }

    /** Every rendition Parley cannot decode, with the reason ({@link #refusal}). */
    public static Map<String, String> refusals(Map<String, VideoRendition> all) {
        Map<String, String> out = new LinkedHashMap<>();
        all.forEach((name, r) -> refusal(r).ifPresent(why -> out.put(name, why)));
        return out;
    }

    /** Decodable renditions ({@link #refusal} is empty) ranked best first (most pixels, then bitrate). */
    public static List<Map.Entry<String, VideoRendition>> ranked(Map<String, VideoRendition> all) {
        return all.entrySet().stream()
                .filter(e -> refusal(e.getValue()).isEmpty())
                .sorted(Comparator.comparingLong((Map.Entry<String, VideoRendition> e) -> e.getValue().pixels())
                        .thenComparingLong(e -> e.getValue().bitrateOrZero()).reversed())
                .toList();
    }

    /** The track to decode for this choice, if the catalog has anything decodable. */
    public Optional<String> pick(Map<String, VideoRendition> all) {
        var ranked = ranked(all);
        if (ranked.isEmpty()) {
            return Optional.empty();
        }
        if (track != null) {
            return ranked.stream().map(Map.Entry::getKey).filter(track::equals).findFirst()
                    .or(() -> Optional.of(ranked.getFirst().getKey()));
        }
        int maxHeight = switch (quality) {
            case HIGHEST -> Integer.MAX_VALUE;
            case HIGH -> 720;
            case MID -> 360;
            case LOW -> 0;
        };
        for (var e : ranked) {
            Integer h = e.getValue().codedHeight();
            if (h != null && h <= maxHeight) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.of(ranked.getLast().getKey());
    }
}
