package dev.parley.media.hang;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Field-type check of a hang catalog against the hang catalog schema (the JS zod schema in
 * {@code js/hang/src/catalog}): sections and renditions are objects, {@code codec} is a non-empty
 * string, sizes, rates and bitrates are non-negative integers ({@code framerate} any positive
 * number), {@code container.kind} is a known kind, {@code description} is lowercase hex, audio has
 * {@code sampleRate} and {@code numberOfChannels}. Unknown fields are allowed (forward compatible).
 */
public final class CatalogSchema {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KINDS = Set.of("legacy", "cmaf", "loc");

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
        section(root, "video", problems, true);
        section(root, "audio", problems, false);
        return problems;
    }

    private static void section(JsonNode root, String name, List<String> problems, boolean video) {
        JsonNode s = root.get(name);
        if (s == null || s.isNull()) {
            return;
        }
        if (!s.isObject()) {
            problems.add(name + " must be an object");
            return;
        }
        JsonNode renditions = s.get("renditions");
        if (renditions == null || !renditions.isObject()) {
            problems.add(name + ".renditions must be an object");
            return;
        }
        for (Map.Entry<String, JsonNode> e : renditions.properties()) {
            String at = name + ".renditions[\"" + e.getKey() + "\"]";
            JsonNode r = e.getValue();
            if (e.getKey().isEmpty()) {
                problems.add(at + ": track name must not be empty");
            }
            if (!r.isObject()) {
                problems.add(at + " must be an object");
                continue;
            }
            JsonNode codec = r.get("codec");
            if (codec == null || !codec.isTextual() || codec.asText().isEmpty()) {
                problems.add(at + ".codec must be a non-empty string");
            }
            JsonNode container = r.get("container");
            if (container != null && !container.isNull()) {
                JsonNode kind = container.get("kind");
                if (!container.isObject() || kind == null || !kind.isTextual() || !KINDS.contains(kind.asText())) {
                    problems.add(at + ".container.kind must be one of " + KINDS);
                }
            }
            JsonNode desc = r.get("description");
            if (desc != null && !desc.isNull() && !(desc.isTextual() && desc.asText().matches("([0-9a-f]{2})*"))) {
                problems.add(at + ".description must be lowercase hex");
            }
            integer(r, "bitrate", at, problems, false);
            if (video) {
                integer(r, "codedWidth", at, problems, false);
                integer(r, "codedHeight", at, problems, false);
                integer(r, "displayAspectWidth", at, problems, false);
                integer(r, "displayAspectHeight", at, problems, false);
                JsonNode fr = r.get("framerate");
                if (fr != null && !fr.isNull() && !(fr.isNumber() && fr.asDouble() > 0)) {
                    problems.add(at + ".framerate must be a positive number");
                }
                JsonNode opt = r.get("optimizeForLatency");
                if (opt != null && !opt.isNull() && !opt.isBoolean()) {
                    problems.add(at + ".optimizeForLatency must be a boolean");
                }
            } else {
                integer(r, "sampleRate", at, problems, true);
                integer(r, "numberOfChannels", at, problems, true);
            }
        }
    }

    private static void integer(JsonNode r, String field, String at, List<String> problems, boolean required) {
        JsonNode v = r.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                problems.add(at + "." + field + " is required");
            }
            return;
        }
        if (!v.isIntegralNumber() || v.asLong() < 0) {
            problems.add(at + "." + field + " must be a non-negative integer");
        }
    }
}
