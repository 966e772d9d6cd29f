/**
 * moq-lite over WebSocket with QMux framing (draft-ietf-quic-qmux-00 frames, one frame per binary
 * WebSocket message, subprotocols {@code qmux-00.moq-lite-05}, {@code -04} and {@code -03}, the server choosing the
 * newest the client offers), for browsers and networks where UDP is
 * blocked. {@link dev.parley.net.qmux.QmuxServer} and {@link dev.parley.net.qmux.QmuxClient} produce
 * {@link dev.parley.net.qmux.QmuxConnection}s implementing the transport SPI: QUIC stream numbering,
 * QUIC-style connection/stream flow control and stream-count limits, a priority scheduler, and
 * blocking stream calls for virtual threads while Netty's event loop only decodes, accounts and writes.
 */
package dev.parley.net.qmux;
