package dev.parley.app.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The config file of {@code parley relay --config FILE} (what the Linux package's service reads): one
 * setting per line as {@code name = value}, where the name is a {@code parley relay} option without its
 * dashes ({@code listen = 0.0.0.0:3340}, {@code public = /parley/rooms}); {@code #} starts a comment; a
 * repeatable option may appear on several lines. {@link #arguments} turns it into the equivalent command
 * line, so the file and the options share one parser and one set of checks.
 */
final class RelayConfigFile {
    /** The options a file may set (everything but --config itself and help/version). */
    static final Set<String> SETTINGS = Set.of("listen", "stun-port", "tls-cert", "tls-key", "rate-limit",
            "media-listen", "public", "public-read", "jwt-key", "key-file", "upstream", "goaway-uri");

    private RelayConfigFile() {}

    /** The file as command-line arguments; an {@link IllegalArgumentException} naming the file and line. */
    static List<String> arguments(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<String> args = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (text.isEmpty()) {
                continue;
            }
            String where = file + ":" + (i + 1) + ": ";
            int eq = text.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(where + "expected 'name = value', got '" + text + "'");
            }
            String name = text.substring(0, eq).strip();
            String value = text.substring(eq + 1).strip();
            if (!SETTINGS.contains(name)) {
                throw new IllegalArgumentException(where + "unknown setting '" + name + "' (known: "
                        + String.join(", ", SETTINGS.stream().sorted().toList()) + ")");
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException(where + name + " has no value");
            }
            args.add("--" + name);
            args.add(value);
        }
        return args;
    }
}
