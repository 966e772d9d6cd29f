/**
 * Raw QUIC transport on Netty 4.2 ({@code io.netty.handler.codec.quic}): the {@link dev.parley.net.quic.Endpoint}
 * (one UDP socket that accepts and dials, mutual TLS with Ed25519 self-signed certificates, ALPN routing,
 * connection reuse) and {@link dev.parley.net.quic.QuicConnection}, the binding of the
 * {@link dev.parley.net.transport} SPI with blocking streams over a non-blocking event loop.
 */
package dev.parley.net.quic;
