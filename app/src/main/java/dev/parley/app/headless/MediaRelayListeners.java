package dev.parley.app.headless;

import dev.parley.app.cli.MediaRelayFlags;
import dev.parley.net.identity.Identity;
import dev.parley.net.identity.IdentityStore;
import dev.parley.net.moq.relay.JwtScopeResolver;
import dev.parley.net.moq.relay.MoqRelay;
import dev.parley.net.moq.relay.Permission;
import dev.parley.net.moq.relay.ScopePath;
import dev.parley.net.moq.relay.WebPage;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.Key;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The media relay of {@code parley relay} and its listeners: WebSocket ({@code ws://}, or {@code wss://}
 * with the relay's certificate) on the TCP port and raw QUIC on the same UDP port number (the relay's
 * Ed25519 identity from its key file, and with a certificate also standard WebPKI TLS), with moq-relay's
 * JWT rules and the public prefixes deciding who may read and publish where. Plain HTTP on the TCP port
 * gets the relay's web page ({@link WebPage}).
 *
 * @param relay     the relay
 * @param endpoint  its raw QUIC endpoint
 * @param webSocket where its WebSocket listener is bound
 * @param tls       whether that listener is {@code wss://}
 * @param page      whether its web page (the hang player and {@code @moq/publish}) is part of this build
 */
record MediaRelayListeners(MoqRelay relay, Endpoint endpoint, InetSocketAddress webSocket, boolean tls,
                           boolean page) implements AutoCloseable {
    /** Where the build puts the relay's web page (app/src/main/web, bundled by build.mjs). */
    static final String WEB_PAGE = "dev/parley/app/web";

    /** Starts the relay; a clear {@link IllegalArgumentException} for a bad prefix or key. */
    static MediaRelayListeners start(MediaRelayFlags options, Path tlsCert, Path tlsKey) throws IOException {
        List<JwtScopeResolver.PublicPrefix> prefixes = new ArrayList<>();
        for (String p : options.publicPrefixes()) {
            prefixes.add(new JwtScopeResolver.PublicPrefix(scope(p), Permission.READ_WRITE));
        }
        for (String p : options.publicReadPrefixes()) {
            prefixes.add(new JwtScopeResolver.PublicPrefix(scope(p), Permission.READ_ONLY));
        }
        Optional<Key> key = options.jwtKey() == null ? Optional.empty() : Optional.of(JwtScopeResolver.readJwk(options.jwtKey()));
        if (key.isEmpty() && prefixes.isEmpty()) {
            throw new IllegalArgumentException("nobody could use the media relay: give --public PREFIX and/or --jwt-key FILE");
        }
        Optional<SslContext> tls = tlsCert == null ? Optional.empty()
                : Optional.of(SslContextBuilder.forServer(tlsCert.toFile(), tlsKey.toFile()).build());
        MoqRelay relay = new MoqRelay(new JwtScopeResolver(key, prefixes, Clock.systemUTC()));
        Endpoint endpoint = null;
        try {
            Identity identity = options.keyFile() == null ? Identity.generate()
                    : IdentityStore.loadOrCreateFile(options.keyFile(), System::getenv);
            endpoint = Endpoint.bind(EndpointConfig.of(identity).withBindAddress(options.listen()));
            if (tlsCert != null) {
                endpoint.serveWebPki(tlsCert.toFile(), tlsKey.toFile()); // raw QUIC for clients that check the name
            }
            relay.attach(endpoint);
            WebPage page = WebPage.fromClasspath(MediaRelayListeners.class.getClassLoader(), WEB_PAGE);
            InetSocketAddress ws = relay.listenWebSocket(
                    new InetSocketAddress(options.listen().getAddress(), endpoint.localAddress().getPort()), tls, page);
            for (String upstream : options.upstreams()) {
                relay.connectUpstream(dev.parley.net.moq.session.MoqRelayUrl.parse(upstream)); // closed with the relay
            }
            return new MediaRelayListeners(relay, endpoint, ws, tls.isPresent(), page.available());
        } catch (RuntimeException e) {
            relay.close();
            if (endpoint != null) {
                endpoint.close();
            }
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

    /** The URL clients connect to over WebSocket, on {@code host}. */
    String url(String host) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return (tls ? "wss://" : "ws://") + h + ":" + webSocket.getPort() + "/";
    }

    /** The web page's URL on {@code host} (same port as the WebSocket). */
    String pageUrl(String host) {
        return url(host).replaceFirst("^ws", "http");
    }

    @Override
    public void close() {
        relay.close();
        endpoint.close();
    }
}
