package dev.parley.app.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Parsed options of {@code parley relay}.
 *
 * @param listen          HTTP/WebSocket listen address
 * @param stunPort        UDP port of the STUN responder: {@code null} for the listen port's number, 0 for none
 * @param tlsCert         PEM certificate chain for {@code https}/{@code wss}, or {@code null} for plain HTTP
 * @param tlsKey          PEM private key matching {@code tlsCert}, or {@code null}
 * @param rateBytesPerSec per-client receive rate limit in bytes per second, 0 for none
 * @param media           the media relay's options, or {@code null} when only packets are relayed
 */
public record RelayFlags(InetSocketAddress listen, Integer stunPort, Path tlsCert, Path tlsKey, long rateBytesPerSec,
                           MediaRelayFlags media) {}
