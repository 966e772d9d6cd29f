package dev.parley.rooms.chat;

import dev.parley.net.identity.EndpointId;

import java.time.Instant;

/**
 * A chat line. The sender is the authenticated peer whose broadcast carried it, never a field of
 * the payload.
 *
 * @param from the sender's endpoint id (from the moq session)
 * @param text the message, at most {@link ChatCodec#MAX_BYTES} bytes of UTF-8
 * @param at   when it was sent (history) or received (live)
 */
public record ChatMessage(EndpointId from, String text, Instant at) {}
