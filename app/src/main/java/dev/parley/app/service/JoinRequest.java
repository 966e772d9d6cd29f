package dev.parley.app.service;

/**
 * Who joins and with which sources.
 *
 * @param relay the home relay URL the call's endpoint uses, or {@code null} for none
 */
public record JoinRequest(String displayName, SourceSelection sources, String relay) {
    public JoinRequest(String displayName, SourceSelection sources) {
        this(displayName, sources, null);
    }
}
