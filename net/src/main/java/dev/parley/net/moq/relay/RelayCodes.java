package dev.parley.net.moq.relay;

/** Close codes a relay uses beyond moq-lite's own error codes. */
public final class RelayCodes {
    private RelayCodes() {}

    /**
     * A session whose scope could not be resolved (bad path, bad or missing token) is closed with
     * PROTOCOL_VIOLATION 0x3, as moq-relay-ietf does (seed 003), and the reason; not an abrupt reset.
     */
    public static final long PROTOCOL_VIOLATION = 0x3;
}
