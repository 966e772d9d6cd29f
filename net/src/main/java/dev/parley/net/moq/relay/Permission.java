package dev.parley.net.moq.relay;

/** What a relay session may do in its scope (seed 003). */
public enum Permission {
    /** Subscribe only: the session's announces are refused with {@code Unauthorized}. */
    READ_ONLY,
    /** Publish and subscribe. */
    READ_WRITE
}
