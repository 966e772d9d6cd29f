/**
 * The hang media format on top of moq-lite: the {@code catalog.json} model and its JSON form (with
 * a schema check equivalent to {@code @moq/hang}'s zod catalog schema), the "legacy" frame container
 * (a QUIC varint timestamp in microseconds followed by the codec bitstream), and the gapless audio
 * timeline a hang player needs (each packet starts where the previous one ended).
 */
package dev.parley.media.hang;
