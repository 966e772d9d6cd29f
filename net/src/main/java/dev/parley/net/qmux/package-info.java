/**
 * moq-lite over WebSocket with QMux framing: qmux-00 (one frame per binary WebSocket message) or qmux-01/02
 * (one record of several frames per message, PADDING, QX_PING answered; qmux-02 strict about parameters
 * first and ping sequences). Subprotocols {@code qmux-02/01/00.moq-lite-05}, {@code -04} and {@code -03}:
 * the server chooses the newest app protocol the client offers, then the newest wire format offered for
 * it, else the newest bare {@code qmux-0x} (version settled in-band). {@link dev.parley.net.qmux.QmuxServer}
 * and {@link dev.parley.net.qmux.QmuxClient} produce {@link dev.parley.net.qmux.QmuxConnection}s
 * implementing the transport SPI: QUIC stream numbering, QUIC-style connection/stream flow control and
 * stream-count limits, a priority scheduler, and blocking stream calls for virtual threads while Netty's
 * event loop (native epoll on Linux, else NIO: {@code TcpTransport}) only decodes, accounts and writes. Datagrams and RESET_STREAM_AT are not advertised, so
 * receiving one closes the connection.
 */
package dev.parley.net.qmux;
