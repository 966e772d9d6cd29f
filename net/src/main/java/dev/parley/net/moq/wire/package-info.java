/**
 * The moq-lite-03 wire format: QUIC varints, strings, the {@link dev.parley.net.moq.wire.WireReader} /
 * {@link dev.parley.net.moq.wire.WireWriter} pair, every message as a record under a sealed interface per
 * stream kind, and the incremental {@link dev.parley.net.moq.wire.StreamDecoder} that cuts a stream's
 * arbitrary byte chunks into messages. Length prefixes, leftover-byte checks and size limits live in one
 * place ({@link dev.parley.net.moq.wire.Messages}); every malformed input ends in a
 * {@link dev.parley.net.moq.wire.DecodeException}. No I/O and no threads here.
 */
package dev.parley.net.moq.wire;
