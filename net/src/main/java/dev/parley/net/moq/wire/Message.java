package dev.parley.net.moq.wire;

/**
 * A length-prefixed moq-lite control message. Each record writes only its body, for the session's
 * {@link Version}; {@link Messages} adds the type (for {@link SubscribeResponse}s) and the length in one place.
 */
public sealed interface Message permits AnnounceStreamMessage, SubscribeRequest, SubscribeResponse, Probe, GroupHeader,
        Goaway, Setup, Track, TrackProperties, Fetch {

    /** Appends the message body (without type or length) as {@code version} lays it out. */
    void encodeBody(WireWriter w, Version version);
}
