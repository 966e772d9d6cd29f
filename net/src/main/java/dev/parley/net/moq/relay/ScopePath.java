package dev.parley.net.moq.relay;

import dev.parley.net.moq.model.Path;

import java.nio.charset.StandardCharsets;

/**
 * A connection path that names a relay scope (seed 003): the WebSocket URL path, the lite-05 SETUP
 * Path, or {@code /} on raw QUIC without one. Valid means: at most {@value #MAX_BYTES} bytes of UTF-8,
 * starts with {@code /}, no {@code .} or {@code ..} segments, no percent-encoding, no empty segments
 * (so no {@code //} and no trailing {@code /} except the root itself).
 *
 * @param value the validated path as sent, e.g. {@code /room/a}
 */
public record ScopePath(String value) {
    public static final int MAX_BYTES = 1024;
    public static final ScopePath ROOT = new ScopePath("/");

    public ScopePath {
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Parses a raw (undecoded) connection path; the message of the exception says what is wrong. */
    public static ScopePath parse(String raw) {
        return new ScopePath(raw);
    }

    /** Why {@code raw} is not a valid scope path, or null if it is. A pure function. */
    public static String problem(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "the path is empty";
        }
        if (raw.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "the path is longer than " + MAX_BYTES + " bytes";
        }
        if (raw.charAt(0) != '/') {
            return "the path must start with /";
        }
        if (raw.indexOf('%') >= 0) {
            return "the path must not be percent-encoded";
        }
        if (raw.equals("/")) {
            return null;
        }
        for (String segment : raw.substring(1).split("/", -1)) {
            if (segment.isEmpty()) {
                return "the path has an empty segment";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "the path has a dot segment";
            }
        }
        return null;
    }

    /** The scope as a moq broadcast path prefix: {@code /room/a} is {@code room/a}, the root is empty. */
    public Path root() {
        return Path.of(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
