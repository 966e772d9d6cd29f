package dev.parley.net.moq.wire;

/**
 * A length-prefixed moq-lite-03 control message. Each record writes only its body; {@link Messages}
 * adds the type (for {@link SubscribeResponse}s) and the length in one place.
 */
public sealed interface Message permits AnnounceStreamMessage, SubscribeRequest, SubscribeResponse, Probe, GroupHeader {

    /** Appends the message body (without type or length). */
    void encodeBody(WireWriter w);
}
