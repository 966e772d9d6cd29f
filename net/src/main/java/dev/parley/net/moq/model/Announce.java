package dev.parley.net.moq.model;

/**
 * A change in what an origin offers at one path: a broadcast became active, or (with a null
 * {@code broadcast}) the path ended. For each path, active and ended alternate, starting with active.
 *
 * @param path      the full broadcast path (not relative to the consumer's prefix)
 * @param broadcast the now active broadcast (an uncounted view, no need to close it), or null when ended
 */
public record Announce(Path path, BroadcastConsumer broadcast) {
    /** True if the path became active, false if it ended. */
    public boolean isActive() {
        return broadcast != null;
    }
}
