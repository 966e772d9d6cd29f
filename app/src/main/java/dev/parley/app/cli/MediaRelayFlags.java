package dev.parley.app.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * Parsed options of the media (Media-over-QUIC) relay that {@code parley relay} runs beside its packet
 * relay when told who may use it.
 *
 * @param listen             WebSocket on this TCP port, raw QUIC on the same UDP port number
 * @param publicPrefixes     scopes anyone may read and publish under
 * @param publicReadPrefixes scopes anyone may read under
 * @param jwtKey             a JWK file (EdDSA public key) verifying {@code ?jwt=} tokens, or {@code null}
 */
public record MediaRelayFlags(InetSocketAddress listen, List<String> publicPrefixes, List<String> publicReadPrefixes,
                                Path jwtKey) {
    /** The media relay's default port, as moq-relay's. */
    public static final int DEFAULT_PORT = 4443;

    public MediaRelayFlags {
        publicPrefixes = List.copyOf(publicPrefixes);
        publicReadPrefixes = List.copyOf(publicReadPrefixes);
    }
}
