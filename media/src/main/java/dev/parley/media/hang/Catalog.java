package dev.parley.media.hang;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.media.MediaException;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hang catalog: which video and audio renditions a broadcast has right now, and who publishes it.
 * Immutable; build a new one on change. Serialised as one UTF-8 JSON frame per group of track
 * {@value #TRACK}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Catalog(Video video, Audio audio, User user, Parley parley) {
    public static final String TRACK = "catalog.json";
    public static final int PRIORITY = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Video(Map<String, VideoRendition> renditions) {
        public Video {
            renditions = renditions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(renditions));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Audio(Map<String, AudioRendition> renditions) {
        public Audio {
            renditions = renditions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(renditions));
        }
    }

    /**
     * hang's {@code user} section: the publisher's display name, which players and the relay's room page
     * show on its picture (hang's other fields, {@code id}, {@code avatar} and {@code color}, are read past).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record User(String name) {
    }

    /**
     * Parley's own section (other players ignore unknown root sections).
     *
     * @param timelineEpochMicros wall-clock µs of media time 0 ({@link MediaTimeline})
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Parley(Long timelineEpochMicros) {
    }

    public Catalog(Video video, Audio audio) {
        this(video, audio, null, null);
    }

    /** A catalog with nothing in it. */
    public static Catalog empty() {
        return new Catalog(null, null);
    }

    /** Builds a catalog; empty maps become absent sections. */
    public static Catalog of(Map<String, VideoRendition> video, Map<String, AudioRendition> audio) {
        return new Catalog(video.isEmpty() ? null : new Video(video), audio.isEmpty() ? null : new Audio(audio));
    }

    /** This catalog announcing that its media timestamps count from {@code timeline}'s epoch. */
    public Catalog withTimeline(MediaTimeline timeline) {
        return new Catalog(video, audio, user, timeline.epochMicros() == 0 ? null : new Parley(timeline.epochMicros()));
    }

    /** This catalog naming its publisher ({@code user.name}); null or blank leaves the section out. */
    public Catalog withUserName(String name) {
        return new Catalog(video, audio, name == null || name.isBlank() ? null : new User(name.strip()), parley);
    }

    /** The publisher's display name, if the catalog carries one. */
    public java.util.Optional<String> userName() {
        return user == null || user.name() == null || user.name().isBlank() ? java.util.Optional.empty()
                : java.util.Optional.of(user.name());
    }

    /** Where the broadcast's media time starts; {@link MediaTimeline#UNKNOWN} when the publisher did not say. */
    public MediaTimeline timeline() {
        Long epoch = parley == null ? null : parley.timelineEpochMicros();
        return epoch == null || epoch < 0 ? MediaTimeline.UNKNOWN : new MediaTimeline(epoch);
    }

    public Map<String, VideoRendition> videoRenditions() {
        return video == null ? Map.of() : video.renditions();
    }

    public Map<String, AudioRendition> audioRenditions() {
        return audio == null ? Map.of() : audio.renditions();
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new MediaException("cannot serialise catalog", e);
        }
    }

    /**
     * Parses and validates a catalog frame ({@link CatalogSchema}); the old array forms of the
     * {@code video} and {@code audio} sections are read as renditions, as hang does.
     *
     * @throws MediaException naming every schema problem when the JSON is not a valid hang catalog, or
     *                        when a size or rate does not fit a Java {@code int}
     */
    public static Catalog parse(byte[] json) {
        List<String> problems = CatalogSchema.validate(json);
        if (!problems.isEmpty()) {
            throw new MediaException("invalid hang catalog: " + String.join("; ", problems));
        }
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(json);
            JsonNode video = root.get("video");
            if (video != null && video.isArray()) { // [{track: {name}, config}]
                ObjectNode renditions = JSON.createObjectNode();
                video.forEach(e -> renditions.set(e.get("track").get("name").asText(), e.get("config")));
                root.set("video", JSON.createObjectNode().set("renditions", renditions));
            }
            JsonNode audio = root.get("audio");
            if (audio != null && !audio.has("renditions")) { // {track: {name}, config}
                ObjectNode renditions = JSON.createObjectNode();
                renditions.set(audio.get("track").get("name").asText(), audio.get("config"));
                root.set("audio", JSON.createObjectNode().set("renditions", renditions));
            }
            JsonNode user = root.get("user"); // hang's loose root passes any user section: so do we, keeping a text name only
            if (user != null && !(user.isObject() && (user.path("name").isTextual() || user.path("name").isMissingNode()))) {
                root.remove("user");
            }
            return JSON.treeToValue(root, Catalog.class);
        } catch (java.io.IOException e) {
            throw new MediaException("invalid hang catalog: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return new String(toJson(), StandardCharsets.UTF_8);
    }
}
