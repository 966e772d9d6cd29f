package dev.parley.app.cli;

import dev.parley.net.identity.Identity;
import dev.parley.net.moq.relay.JwtScopeResolver;
import dev.parley.net.moq.relay.MoqRelay;
import dev.parley.net.moq.relay.Permission;
import dev.parley.net.moq.relay.ScopePath;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.Key;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Media-over-QUIC relay's options, kept apart from the command so they can join {@code parley relay}
 * (the packet relay's command) as a mixin: one TCP port for WebSocket ({@code ws://} or {@code wss://}),
 * raw QUIC on the same UDP port number, anonymous prefixes, a JWT key.
 */
public final class MoqRelayOptions {
    @Option(names = "--listen", paramLabel = "IP:PORT", defaultValue = "127.0.0.1:4443",
            converter = Converters.SocketAddress.class, description = "Where to listen: WebSocket on this TCP port, raw QUIC on the same UDP port (default ${DEFAULT-VALUE}).")
    InetSocketAddress listen;

    @Option(names = "--public", paramLabel = "PREFIX",
            description = "Anonymous read and write access under PREFIX, e.g. / or /demo (repeatable).")
    List<String> publicPrefixes = new ArrayList<>();

    @Option(names = "--public-read", paramLabel = "PREFIX",
            description = "Anonymous read-only access under PREFIX (repeatable).")
    List<String> publicReadPrefixes = new ArrayList<>();

    @Option(names = "--jwt-key", paramLabel = "FILE",
            description = "A JWK public key (EdDSA) that verifies ?jwt= tokens with moq-relay's claims root, get, put, exp.")
    File jwtKey;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain for wss:// (with --tls-key).")
    File tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key for wss:// (PKCS#8 PEM).")
    File tlsKey;

    /** A running relay and its listeners. */
    public record Running(MoqRelay relay, Endpoint endpoint, InetSocketAddress webSocket, boolean tls) implements AutoCloseable {
        /** The URL clients connect to over WebSocket. */
        public String url() {
            return (tls ? "wss://" : "ws://") + webSocket.getHostString() + ":" + webSocket.getPort() + "/";
        }

        @Override
        public void close() {
            relay.close();
            endpoint.close();
        }
    }

    /** Validates the options and starts the relay; a clear {@link IllegalArgumentException} for bad input. */
    public Running start() throws IOException {
        InetSocketAddress bind = listen;
        List<JwtScopeResolver.PublicPrefix> prefixes = new ArrayList<>();
        for (String p : publicPrefixes) {
            prefixes.add(new JwtScopeResolver.PublicPrefix(scope(p), Permission.READ_WRITE));
        }
        for (String p : publicReadPrefixes) {
            prefixes.add(new JwtScopeResolver.PublicPrefix(scope(p), Permission.READ_ONLY));
        }
        Optional<Key> key = jwtKey == null ? Optional.empty() : Optional.of(JwtScopeResolver.readJwk(jwtKey.toPath()));
        if (key.isEmpty() && prefixes.isEmpty()) {
            throw new IllegalArgumentException("nobody could use this relay: give --public PREFIX and/or --jwt-key FILE");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        Optional<SslContext> tls = Optional.empty();
        if (tlsCert != null) {
            tls = Optional.of(SslContextBuilder.forServer(tlsCert, tlsKey).build());
        }
        MoqRelay relay = new MoqRelay(new JwtScopeResolver(key, prefixes, Clock.systemUTC()));
        Endpoint endpoint = Endpoint.bind(EndpointConfig.of(Identity.generate()).withBindAddress(bind));
        try {
            relay.attach(endpoint);
            InetSocketAddress ws = relay.listenWebSocket(new InetSocketAddress(bind.getAddress(), endpoint.localAddress().getPort()), tls);
            return new Running(relay, endpoint, ws, tls.isPresent());
        } catch (RuntimeException e) {
            relay.close();
            endpoint.close();
            throw e;
        }
    }

    private static ScopePath scope(String prefix) {
        String problem = ScopePath.problem(prefix);
        if (problem != null) {
            throw new IllegalArgumentException("bad prefix " + prefix + ": " + problem);
        }
        return ScopePath.parse(prefix);
    }
}
