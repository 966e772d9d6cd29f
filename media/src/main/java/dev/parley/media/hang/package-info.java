/**
 * The hang media format on top of moq-lite: the {@code catalog.json} model and its JSON form (with
 * a schema check of field types from the hang catalog spec), and the "legacy" frame container
 * (a QUIC varint timestamp in microseconds followed by the codec bitstream).
 */
package dev.parley.media.hang;
