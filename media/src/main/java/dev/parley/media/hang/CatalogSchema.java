package dev.parley.media.hang;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The hang catalog schema as {@code @moq/hang} 0.3.5 defines it (the zod {@code RootSchema} that the
 * hang web player, {@code @moq/watch} 0.4.6, applies to every catalog frame); a catalog passes here
 * exactly when it passes there (checked against the real package by {@code HangPlayerInteropTest}).
 * <ul>
 *   <li>root: an object; sections other than {@code video}/{@code audio} pass untouched.</li>
 *   <li>{@code video}: {@code {renditions: {name: config}, display?: {width, height}, rotation?, flip?}},
 *       or the old array {@code [{track: {name}, config}]}; {@code audio}: {@code {renditions}} or the
 *       old {@code {track: {name}, config}}.</li>
 *   <li>a config: {@code codec} string (may be empty), {@code container} optional
 *       ({@code legacy}, {@code loc}, {@code cmaf} with a base64 {@code init}, or any other kind, which a
 *       player ignores), {@code description} hex (either case), sizes, bitrates and {@code jitter}
 *       integers in [0, 2^53), {@code framerate} any number, audio {@code sampleRate} and
 *       {@code numberOfChannels} required; optional {@code broadcast} string and {@code timeline}.</li>
 *   <li>an optional field may be absent but not {@code null}; unknown fields are allowed.</li>
 * </ul>
 * {@code @moq/hang} 0.2.x differs in three places: {@code description} is any string, a container of
 * unknown kind fails the whole catalog, and {@code broadcast} is not a field (any value passes).
 */
public final class CatalogSchema {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HEX = Pattern.compile("([0-9a-fA-F]{2})*");
    private static final double MAX_SAFE_INTEGER = 9_007_199_254_740_991d;

    private CatalogSchema() {
    }

    /** Every problem found; empty when the catalog is valid. */
    public static List<String> validate(byte[] json) {
        List<String> problems = new ArrayList<>();
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            problems.add("not JSON: " + e.getMessage());
            return problems;
        }
        if (root == null || !root.isObject()) {
            problems.add("root must be an object");
            return problems;
        }
        JsonNode video = root.get("video");
        if (video != null) {
            video(video, problems);
        }
        JsonNode audio = root.get("audio");
        if (audio != null) {
            audio(audio, problems);
        }
        return problems;
    }

    private static void video(JsonNode v, List<String> problems) {
        if (v.isArray()) { // the old form: [{track: {name}, config}]
            for (int i = 0; i < v.size(); i++) {
                oldEntry(v.get(i), "video[" + i + "]", true, problems);
            }
            return;
        }
        if (!v.isObject()) {
            problems.add("video must be an object");
            return;
        }
        renditions(v, "video", true, problems);
        JsonNode display = v.get("display");
        if (display != null) {
            if (!display.isObject()) {
                problems.add("video.display must be an object");
            } else {
                u53(display, "width", "video.display", problems, true);
                u53(display, "height", "video.display", problems, true);
            }
        }
        number(v, "rotation", "video", problems);
        bool(v, "flip", "video", problems);
    }

    private static void audio(JsonNode a, List<String> problems) {
        if (!a.isObject()) {
            problems.add("audio must be an object");
        } else if (!a.has("renditions") && a.has("track")) { // the old form: {track: {name}, config}
            oldEntry(a, "audio", false, problems);
        } else {
            renditions(a, "audio", false, problems);
        }
    }

    private static void oldEntry(JsonNode e, String at, boolean video, List<String> problems) {
        if (e == null || !e.isObject()) {
            problems.add(at + " must be an object");
            return;
        }
        JsonNode track = e.get("track");
        if (track == null || !track.isObject() || !text(track.get("name"))) {
            problems.add(at + ".track.name must be a string");
        }
        JsonNode config = e.get("config");
        if (config == null || !config.isObject()) {
            problems.add(at + ".config must be an object");
        } else {
            config(config, at + ".config", video, problems);
        }
    }

    private static void renditions(JsonNode section, String name, boolean video, List<String> problems) {
        JsonNode renditions = section.get("renditions");
        if (renditions == null || !renditions.isObject()) {
            problems.add(name + ".renditions must be an object");
            return;
        }
        for (Map.Entry<String, JsonNode> e : renditions.properties()) {
            String at = name + ".renditions[\"" + e.getKey() + "\"]";
            if (!e.getValue().isObject()) {
                problems.add(at + " must be an object");
            } else {
                config(e.getValue(), at, video, problems);
            }
        }
    }

    private static void config(JsonNode r, String at, boolean video, List<String> problems) {
        if (!text(r.get("codec"))) {
            problems.add(at + ".codec must be a string");
        }
        JsonNode broadcast = r.get("broadcast");
        if (broadcast != null && !broadcast.isTextual()) {
            problems.add(at + ".broadcast must be a string");
        }
        container(r.get("container"), at, problems);
        JsonNode desc = r.get("description");
        if (desc != null && !(desc.isTextual() && HEX.matcher(desc.asText()).matches())) {
            problems.add(at + ".description must be hex");
        }
        u53(r, "bitrate", at, problems, false);
        u53(r, "jitter", at, problems, false);
        timeline(r.get("timeline"), at, problems);
        if (video) {
            u53(r, "codedWidth", at, problems, false);
            u53(r, "codedHeight", at, problems, false);
            u53(r, "displayAspectWidth", at, problems, false);
            u53(r, "displayAspectHeight", at, problems, false);
            number(r, "framerate", at, problems);
            bool(r, "optimizeForLatency", at, problems);
        } else {
            u53(r, "sampleRate", at, problems, true);
            u53(r, "numberOfChannels", at, problems, true);
        }
    }

    private static void container(JsonNode c, String at, List<String> problems) {
        if (c == null) {
            return; // defaults to legacy
        }
        if (!c.isObject() || !text(c.get("kind"))) {
            problems.add(at + ".container.kind must be a string");
            return;
        }
        if (c.get("kind").asText().equals("cmaf")) {
            JsonNode init = c.get("init");
            if (!text(init) || !base64(init.asText())) {
                problems.add(at + ".container.init must be base64 for kind cmaf");
            }
        }
    }

    private static void timeline(JsonNode t, String at, List<String> problems) {
        if (t == null) {
            return;
        }
        if (!t.isObject() || !text(t.get("track"))) {
            problems.add(at + ".timeline.track must be a string");
            return;
        }
        u53(t, "timescale", at + ".timeline", problems, false);
        u53(t, "wall", at + ".timeline", problems, false);
    }

    private static boolean text(JsonNode n) {
        return n != null && n.isTextual();
    }

    private static boolean base64(String s) {
        if (s.length() % 4 != 0) {
            return false;
        }
        try {
            Base64.getDecoder().decode(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void u53(JsonNode r, String field, String at, List<String> problems, boolean required) {
        JsonNode v = r.get(field);
        if (v == null) {
            if (required) {
                problems.add(at + "." + field + " is required");
            }
            return;
        }
        // A JSON number with an integral value (640.0 is 640 in JavaScript), 0 ≤ v ≤ 2^53 − 1.
        double d = v.isNumber() ? v.asDouble() : Double.NaN;
        if (!(d >= 0 && d <= MAX_SAFE_INTEGER && d == Math.rint(d))) {
            problems.add(at + "." + field + " must be an integer in [0, 2^53)");
        }
    }

    private static void number(JsonNode r, String field, String at, List<String> problems) {
        JsonNode v = r.get(field);
        if (v != null && !v.isNumber()) {
            problems.add(at + "." + field + " must be a number");
        }
    }

    private static void bool(JsonNode r, String field, String at, List<String> problems) {
        JsonNode v = r.get(field);
        if (v != null && !v.isBoolean()) {
            problems.add(at + "." + field + " must be a boolean");
        }
    }
}
