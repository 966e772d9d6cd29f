/**
 * The transport SPI the moq-lite session runs on: a {@link dev.parley.net.transport.Connection}
 * of blocking streams, implemented by the raw QUIC binding on the endpoint and by QMux over
 * WebSocket. Protocol code calls these methods from virtual threads; implementations hand bytes to
 * and from their event loops through bounded buffers, so a slow reader applies flow-control
 * back-pressure instead of growing memory. {@link dev.parley.net.transport.SendEstimator} turns a
 * connection's counters into the sender's capacity estimate (what PROBE reports).
 */
package dev.parley.net.transport;
