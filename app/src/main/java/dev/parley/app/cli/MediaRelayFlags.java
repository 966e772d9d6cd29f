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
 * @param keyFile            the file keeping the relay's Ed25519 key (its QUIC identity), created on first
 *                           use; {@code null} for a new identity on every start
 * @param upstreams          moq-lite relays to link to ({@code --upstream URL}): the whole origin both ways,
 *                           hop lists keeping linked relays from echoing each other
 * @param goawayUri          where sessions are sent when this relay drains (the GOAWAY's new-session URI of
 *                           lite-04+), already checked as a relay URL; {@code null} for none ("come back later")
 */
public record MediaRelayFlags(InetSocketAddress listen, List<String> publicPrefixes, List<String> publicReadPrefixes,
                                Path jwtKey, Path keyFile, List<String> upstreams, String goawayUri) {
    /** The media relay's default port, as moq-relay's. */
    public static final int DEFAULT_PORT = 4443;

    public MediaRelayFlags {
        publicPrefixes = List.copyOf(publicPrefixes);
        publicReadPrefixes = List.copyOf(publicReadPrefixes);
        upstreams = List.copyOf(upstreams);
    }

    /** Options without upstream relays that name no relay to move to on drain. */
    public MediaRelayFlags(InetSocketAddress listen, List<String> publicPrefixes, List<String> publicReadPrefixes,
                           Path jwtKey, Path keyFile) {
        this(listen, publicPrefixes, publicReadPrefixes, jwtKey, keyFile, List.of(), null);
    }

    /** Options with a new identity on every start (tests). */
    public MediaRelayFlags(InetSocketAddress listen, List<String> publicPrefixes, List<String> publicReadPrefixes,
                           Path jwtKey) {
        this(listen, publicPrefixes, publicReadPrefixes, jwtKey, null);
    }

    /** The name of the key file in the profile's config folder when {@code --key-file} is not given. */
    public static final String DEFAULT_KEY_FILE = "relay.key";
}
