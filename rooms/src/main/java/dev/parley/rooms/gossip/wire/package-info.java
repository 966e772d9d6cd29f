/**
 * The iroh-gossip wire format, byte for byte, over the postcard codec of {@code net.postcard}: the HyParView
 * ({@link dev.parley.rooms.gossip.wire.SwarmMessage}) and PlumTree
 * ({@link dev.parley.rooms.gossip.wire.TreeMessage}) messages as records under sealed interfaces, and
 * the {@code u32}-length framing with its size limit. Decoding never trusts a length it has not
 * checked against the bytes present, so malformed input fails with a
 * {@link dev.parley.net.postcard.PostcardException} instead of allocating.
 */
package dev.parley.rooms.gossip.wire;

