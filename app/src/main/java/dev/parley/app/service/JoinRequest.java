package dev.parley.app.service;

/**
 * Who joins and with which sources; creating a room, through which moq relay.
 *
 * @param moqRelay a moq-lite relay URL for a new room, or {@code null} for a peer-to-peer room
 * @param mode     with {@code moqRelay}: {@code "relay"} or {@code "hybrid"}
 */
public record JoinRequest(String displayName, SourceSelection sources, String moqRelay, String mode) {
    public JoinRequest(String displayName, SourceSelection sources) {
        this(displayName, sources, null, null);
    }
}
