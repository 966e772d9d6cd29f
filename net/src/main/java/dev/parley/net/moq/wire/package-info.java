/**
 * The moq-lite wire format (lite-03, -04 and -05, chosen by {@link dev.parley.net.moq.wire.Version}): QUIC varints, strings, the {@link dev.parley.net.moq.wire.WireReader} /
 * {@link dev.parley.net.moq.wire.WireWriter} pair, every message as a record under a sealed interface per
 * stream kind, and the incremental {@link dev.parley.net.moq.wire.StreamDecoder} that cuts a stream's
 * arbitrary byte chunks into messages. Length prefixes, leftover-byte checks and size limits live in one
 * place ({@link dev.parley.net.moq.wire.Messages}); every malformed input ends in a
 * {@link dev.parley.net.moq.wire.DecodeException}. No I/O and no threads here.
 */
package dev.parley.net.moq.wire;
