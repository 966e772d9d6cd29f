package dev.parley.net.moq.model;

import java.util.Optional;

/**
 * A relative broadcast path (moq-lite §2): no leading or trailing {@code /}, and {@code //} collapses to
 * one {@code /}. Prefix checks work on whole segments: {@code foo} is a prefix of {@code foo} and
 * {@code foo/bar} but not of {@code foobar}. The empty path is the root and a prefix of everything.
 *
 * @param value the normalized path text
 */
public record Path(String value) implements Comparable<Path> {
    /** The root (empty) path. */
    public static final Path EMPTY = new Path("");

    /** Normalizes {@code value}: trims leading and trailing slashes and collapses repeated ones. */
    public Path {
        value = normalize(value);
    }

    /** The normalized path for {@code value}. */
    public static Path of(String value) {
        return new Path(value);
    }

    private static String normalize(String raw) {
        if (raw.isEmpty() || (raw.charAt(0) != '/' && raw.charAt(raw.length() - 1) != '/' && !raw.contains("//"))) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '/' && (out.isEmpty() || out.charAt(out.length() - 1) == '/')) {
                continue;
            }
            out.append(c);
        }
        if (!out.isEmpty() && out.charAt(out.length() - 1) == '/') {
            out.setLength(out.length() - 1);
        }
        return out.toString();
    }

    /** True for the root path. */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    /** True if {@code prefix} equals this path or is a whole-segment ancestor of it. */
    public boolean hasPrefix(Path prefix) {
        String p = prefix.value;
        if (p.isEmpty()) {
            return true;
        }
        return value.startsWith(p) && (value.length() == p.length() || value.charAt(p.length()) == '/');
    }

    /** The rest of this path after {@code prefix}, or empty if {@code prefix} is not a segment prefix. */
    public Optional<Path> stripPrefix(Path prefix) {
        if (!hasPrefix(prefix)) {
            return Optional.empty();
        }
        if (prefix.value.isEmpty()) {
            return Optional.of(this);
        }
        if (value.length() == prefix.value.length()) {
            return Optional.of(EMPTY);
        }
        return Optional.of(new Path(value.substring(prefix.value.length() + 1)));
    }

    /** This path followed by {@code suffix}, separated by {@code /} unless either side is empty. */
    public Path join(Path suffix) {
        if (suffix.value.isEmpty()) {
            return this;
        }
        if (value.isEmpty()) {
            return suffix;
        }
        return new Path(value + '/' + suffix.value);
    }

    /** Same as {@link #join(Path)} with a normalized {@code suffix}. */
    public Path join(String suffix) {
        return join(new Path(suffix));
    }

    @Override
    public int compareTo(Path other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
