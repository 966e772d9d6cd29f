package dev.parley.app.service;

/**
 * Who joins and with which sources; the endpoint's home relay; creating a room, through which moq relay.
 *
 * @param relay    the home relay URL the call's endpoint uses (peer-to-peer paths), or {@code null} for none
 * @param moqRelay a moq-lite relay URL for a new room, or {@code null} for a peer-to-peer room
 * @param mode     with {@code moqRelay}: {@code "relay"} or {@code "hybrid"}
 */
public record JoinRequest(String displayName, SourceSelection sources, String relay, String moqRelay, String mode) {
    public JoinRequest(String displayName, SourceSelection sources) {
        this(displayName, sources, null, null, null);
    }

    public JoinRequest(String displayName, SourceSelection sources, String relay) {
        this(displayName, sources, relay, null, null);
    }
}
