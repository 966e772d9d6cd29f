package dev.parley.net.quic;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.net.transport.Connection;
import dev.parley.net.transport.TransportException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.BoringSSLContextOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelBootstrap;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionAddress;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A QUIC endpoint: one UDP socket that both accepts and dials, authenticated by the endpoint's
 * Ed25519 key on both sides (mutual TLS 1.3 with self-signed certificates; the key is the identity).
 * Incoming connections are routed by ALPN to registered {@link ProtocolHandler}s; an ALPN nobody
 * registered is refused in the handshake. Dials are shared per (peer, offered ALPNs): concurrent
 * {@link #connect} calls to the same peer get the same connection. A dial tries every address of the
 * peer within moments of each other, the address the peer last had a connection with us at first; the
 * first completed handshake wins and the other attempts are closed.
 */
public final class Endpoint implements AutoCloseable, dev.parley.net.transport.AlpnTransport {
    private static final Logger LOG = LoggerFactory.getLogger(Endpoint.class);
    private static final String[] SIGNATURE_ALGORITHMS = {"ed25519"};
    private static final AttributeKey<Dial> DIAL = AttributeKey.valueOf("parley.dial");
    /** Application close code when the peer asked for a protocol nobody serves here. */
    static final int CLOSE_UNKNOWN_ALPN = 21; // moq-lite UnknownAlpn
    static final int CLOSE_HANDLER_FAILED = 1;
    static final int MAX_REMEMBERED_PEERS = 1024;

    private final EndpointConfig config;
    private final Identity identity;
    private final TlsCredentials credentials;
    private final EventLoopGroup group;
    private final DatagramChannel socket;
    private final PacketRouter router;
    private final dev.parley.net.path.PathLayer pathLayer;
    private volatile dev.parley.net.path.MdnsDiscovery mdns;
    /** Watches the interface addresses of a wildcard-bound endpoint (null otherwise). */
    private volatile dev.parley.net.path.NetworkMonitor networkMonitor;
    private final Map<String, ProtocolHandler> handlers = new ConcurrentHashMap<>();
    /** The registered ALPNs in registration order: the server's preference when a client offers several. */
    private final List<String> alpnOrder = new ArrayList<>(); // guarded by handlers
    private final Map<DialKey, CompletableFuture<QuicConnection>> dials = new ConcurrentHashMap<>();
    private final Set<QuicConnection> connections = ConcurrentHashMap.newKeySet();
    /** Where each peer last had a connection with us (accepted or dialed), most recent peers kept. */
    private final Map<EndpointId, InetSocketAddress> lastSeen = Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<EndpointId, InetSocketAddress> eldest) {
                    return size() > MAX_REMEMBERED_PEERS;
                }
            });
    private final SecureRandom random = new SecureRandom();
    private volatile QuicSslContext serverTls;
    /** Standard (WebPKI) server credentials beside the Ed25519 identity, or null; see {@link #serveWebPki}. */
    private volatile WebPki webPki;
    private volatile boolean closed;

    /** A certificate chain for clients that check the server's name against their CA roots. */
    private record WebPki(java.io.File certChain, java.io.File key) {
    }

    private record DialKey(EndpointId peer, List<String> alpns) {
    }

    /** What a client QUIC channel was dialed for; read when its handshake completes. */
    private record Dial(EndpointId expected, List<String> alpns, QuicSslContext tls, byte[] sourceId) {
    }

    private Endpoint(EndpointConfig config) {
        this.config = config;
        this.identity = config.identity();
        this.credentials = new TlsCredentials(identity);
        this.serverTls = buildServerTls(List.of());
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("parley-quic", true),
                NioIoHandler.newFactory());
        ChannelHandler serverCodec = configure(new QuicServerCodecBuilder())
                .sslEngineProvider(ch -> serverTls.newEngine(ch.alloc()))
                .handler(new ServerConnectionHandler())
                .streamHandler(QuicConnection.streamInitializer(this::acceptedConnection))
                .build();
        ChannelHandler clientCodec = configure(new QuicClientCodecBuilder())
                .sslEngineProvider(ch -> ch.attr(DIAL).get().tls().newEngine(ch.alloc(),
                        TlsCredentials.hostName(ch.attr(DIAL).get().expected()), 443))
                .build();
        this.router = new PacketRouter(serverCodec);
        this.pathLayer = new dev.parley.net.path.PathLayer(identity, dev.parley.net.path.PathPolicy.DEFAULT,
                config.relayConnector() != null ? config.relayConnector() : defaultRelayConnector(), group,
                router::isForPathDial, () -> addr().directAddresses());
        try {
            Channel ch = new Bootstrap().group(group)
                    .channel(NioDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, 2 * 1024 * 1024)
                    .option(ChannelOption.SO_SNDBUF, 2 * 1024 * 1024)
                    .handler(new ChannelInitializer<DatagramChannel>() {
                        @Override
                        protected void initChannel(DatagramChannel ch) {
                            ch.pipeline().addLast(pathLayer, router, serverCodec, clientCodec);
                        }
                    })
                    .bind(config.bindAddress()).sync().channel();
            this.socket = (DatagramChannel) ch;
        } catch (InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while binding " + config.bindAddress(), e);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new TransportException("cannot bind UDP " + config.bindAddress() + ": " + e.getMessage(), e);
        }
        LOG.info("endpoint {} listening on {}{}", identity.id().shortHex(), socket.localAddress(),
                config.relayUrl() == null ? "" : ", home relay " + config.relayUrl());
        if (config.relayUrl() != null) {
            pathLayer.homeRelay(config.relayUrl());
        }
        if (config.mdns()) {
            startMdns();
        }
        if (localAddress().getAddress().isAnyLocalAddress()) {
            // a laptop changing networks mid-call: its paths are proved again at once, not after they time out
            networkMonitor = dev.parley.net.path.NetworkMonitor.start(
                    () -> java.util.Set.copyOf(advertisable(interfaceAddresses(), localAddress().getAddress() instanceof Inet6Address)),
                    dev.parley.net.path.NetworkMonitor.DEFAULT_PERIOD, this::networkChanged);
        }
    }

    /** On the monitor's thread: paths are proved again, and mDNS moves to the new LAN when the old address is gone. */
    private void networkChanged(dev.parley.net.path.NetworkMonitor.Change change) {
        pathLayer.localAddressesChanged(change.lost());
        dev.parley.net.path.MdnsDiscovery old = mdns;
        if (change.lost() && old != null && !closed) {
            mdns = null;
            old.close();
            startMdns();
        }
    }

    /** Advertises this endpoint on the LAN of its first advertisable address and feeds what is found to the path layer. */
    private void startMdns() {
        InetAddress lan = addr().directAddresses().stream().map(InetSocketAddress::getAddress)
                .filter(a -> !a.isLoopbackAddress()).findFirst().orElse(null);
        if (lan == null) {
            LOG.info("mDNS off: no LAN address");
            return;
        }
        mdns = dev.parley.net.path.MdnsDiscovery.start(id(), lan, localAddress().getPort(), config.relayUrl(),
                pathLayer::discovered);
    }

    /**
     * The relay client, retrying at most every second: while a relay restarts, the calls relayed through it
     * wait for this endpoint's reconnection (the default 5 s cap made a restart cost up to 5 s more).
     */
    private static dev.parley.net.path.RelayConnector defaultRelayConnector() {
        dev.parley.net.relay.RelayClient.Options d = dev.parley.net.relay.RelayClient.Options.defaults();
        dev.parley.net.relay.RelayClient.Options options = new dev.parley.net.relay.RelayClient.Options(d.firstRetry(),
                java.time.Duration.ofSeconds(1), d.pingInterval(), d.deadAfter(), d.connectTimeout(), d.queueCapacity(), d.tls());
        return (url, identity, group, listener) -> dev.parley.net.relay.RelayClient.connect(url, identity, group, listener, options);
    }

    /** The path layer under QUIC (relay, hole punching, path selection). */
    public dev.parley.net.path.PathLayer paths() {
        return pathLayer;
    }

    /** Binds the UDP socket and starts serving. */
    public static Endpoint bind(EndpointConfig config) {
        return new Endpoint(config);
    }

    private <B extends QuicCodecBuilder<B>> B configure(B builder) {
        return builder
                .maxIdleTimeout(config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(config.connectionWindow())
                .initialMaxStreamDataBidirectionalLocal(config.streamWindow())
                .initialMaxStreamDataBidirectionalRemote(config.streamWindow())
                .initialMaxStreamDataUnidirectional(config.streamWindow())
                .initialMaxStreamsBidirectional(config.maxBidiStreams())
                .initialMaxStreamsUnidirectional(config.maxUniStreams())
                .localConnectionIdLength(PacketRouter.CONNECTION_ID_LENGTH)
                .activeMigration(false);
    }

    public EndpointId id() {
        return identity.id();
    }

    public Identity identity() {
        return identity;
    }

    /** The bound UDP address (with the real port when 0 was asked for). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.localAddress();
    }

    /**
     * {@link #addr()} once it is worth handing out: with a home relay, after the relay link is up and
     * its STUN service has told this socket's public address, at most {@code max} (iroh waits the same
     * way before it prints a ticket). A ticket printed earlier names only private addresses, and a peer
     * behind another NAT must then start on the relay and wait for hole punching. Blocks the calling
     * thread; never call it on an event loop.
     */
    public EndpointAddr addrWhenReady(java.time.Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (config.relayUrl() != null && System.nanoTime() < deadline
                && !(pathLayer.relayConnected() && !pathLayer.reflexiveAddresses().isEmpty())) {
            Thread.sleep(20);
        }
        return addr();
    }

    /**
     * How peers reach this endpoint: its id and the bound address, or, when bound to the wildcard
     * address, the addresses of the interfaces that are up ({@link #advertisable}: IPv4, and IPv6 when
     * the socket is dual-stack); then the public addresses the home relay's STUN service saw this socket
     * at (a peer behind another NAT can punch straight to them). Loopback is listed only when there is
     * nothing else (a machine without a network still works with itself): another host dialing a
     * loopback address reaches itself, never us.
     */
    public EndpointAddr addr() {
        InetSocketAddress local = localAddress();
        List<String> relays = config.relayUrl() == null ? List.of() : List.of(config.relayUrl());
        if (!local.getAddress().isAnyLocalAddress()) {
            return new EndpointAddr(id(), withReflexive(List.of(local)), relays);
        }
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetAddress a : advertisable(interfaceAddresses(), local.getAddress() instanceof Inet6Address)) {
            out.add(new InetSocketAddress(a, local.getPort()));
        }
        return new EndpointAddr(id(), withReflexive(out), relays);
    }

    /** The addresses of the interfaces that are up, in the order the system lists them. */
    private static List<InetAddress> interfaceAddresses() {
        List<InetAddress> found = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp()) {
                    found.addAll(Collections.list(nif.getInetAddresses()));
                }
            }
        } catch (SocketException e) {
            LOG.warn("cannot list network interfaces: {}", e.getMessage());
        }
        return found;
    }

    private List<InetSocketAddress> withReflexive(List<InetSocketAddress> local) {
        return withReflexive(local, pathLayer.reflexiveAddresses());
    }

    /**
     * {@code local}, then the STUN-reported public addresses it does not already list (not loopback: a
     * relay on this machine sees us there, and that is no address for another host).
     */
    static List<InetSocketAddress> withReflexive(List<InetSocketAddress> local, List<InetSocketAddress> reflexive) {
        List<InetSocketAddress> out = new ArrayList<>(local);
        for (InetSocketAddress r : reflexive) {
            if (!r.getAddress().isLoopbackAddress() && !r.getAddress().isAnyLocalAddress() && !out.contains(r)) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Which of a wildcard-bound endpoint's interface addresses to advertise: the IPv4 ones that are not
     * loopback, in order, then, on a dual-stack socket, up to {@link #MAX_IPV6_ADVERTISED} IPv6 ones that
     * another host can route to (global unicast and unique-local; not link-local, which needs a scope no
     * ticket carries, nor the path layer's stand-ins); only the loopback address when there are none.
     * IPv6 matters on the internet: many homes and mobile networks that sit behind a symmetric or
     * carrier-grade NAT for IPv4 give every device a public IPv6 address, where hole punching works.
     */
    static List<InetAddress> advertisable(List<InetAddress> interfaceAddresses, boolean dualStack) {
        List<InetAddress> out = new ArrayList<>();
        for (InetAddress a : interfaceAddresses) {
            if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isAnyLocalAddress() && !out.contains(a)) {
                out.add(a);
            }
        }
        int v6 = 0;
        for (InetAddress a : interfaceAddresses) {
            if (dualStack && v6 < MAX_IPV6_ADVERTISED && a instanceof Inet6Address && routableIpv6(a)) {
                InetAddress plain = unscoped(a);
                if (!out.contains(plain)) {
                    out.add(plain);
                    v6++;
                }
            }
        }
        return out.isEmpty() ? List.of(InetAddress.getLoopbackAddress()) : out;
    }

    /** IPv6 addresses in one ticket at most: a host can have several per prefix (temporary privacy addresses). */
    static final int MAX_IPV6_ADVERTISED = 4;

    /** Global unicast (2000::/3) or unique-local (fc00::/7), and not a path-layer stand-in. */
    private static boolean routableIpv6(InetAddress a) {
        int first = a.getAddress()[0] & 0xff;
        boolean global = (first & 0xe0) == 0x20;
        boolean uniqueLocal = (first & 0xfe) == 0xfc;
        return (global || uniqueLocal)
                && !dev.parley.net.path.MappedAddresses.isMapped(new InetSocketAddress(a, dev.parley.net.path.MappedAddresses.PORT));
    }

    /** The address without the interface scope Java attaches to some interface addresses. */
    private static InetAddress unscoped(InetAddress a) {
        try {
            return InetAddress.getByAddress(a.getAddress());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes is always an address
        }
    }

    /**
     * Also accepts clients that expect standard WebPKI TLS (a moq-lite client dialing {@code host:port} by
     * name): a ClientHello whose SNI is not a Parley endpoint name ({@code <id>.parley.invalid}) gets
     * {@code certChain} (PEM, leaf first) signed with {@code key} (PEM PKCS#8), without asking for a
     * client certificate. Such connections have no {@link Connection#remoteId()}; Parley peers still
     * authenticate with their Ed25519 keys. Meant for servers (a relay); a clear
     * {@link IllegalArgumentException} when the files cannot be used.
     */
    public void serveWebPki(java.io.File certChain, java.io.File key) {
        WebPki web = new WebPki(certChain, key);
        synchronized (handlers) {
            WebPki before = webPki;
            webPki = web;
            try {
                serverTls = buildServerTls(List.copyOf(alpnOrder));
            } catch (RuntimeException e) {
                webPki = before;
                throw new IllegalArgumentException("cannot use " + certChain + " / " + key + " for QUIC TLS: " + e.getMessage(), e);
            }
        }
    }

    /** Whether clients without an Ed25519 identity are accepted ({@link #serveWebPki}). */
    public boolean servesWebPki() {
        return webPki != null;
    }

    /** Serves {@code alpn} with {@code handler}, replacing an earlier handler for it. */
    public void register(String alpn, ProtocolHandler handler) {
        if (alpn == null || alpn.isEmpty() || alpn.length() > 255) {
            throw new IllegalArgumentException("an ALPN is 1..255 characters");
        }
        synchronized (handlers) {
            handlers.put(alpn, handler);
            if (!alpnOrder.contains(alpn)) {
                alpnOrder.add(alpn);
            }
            serverTls = buildServerTls(List.copyOf(alpnOrder));
        }
    }

    /** {@link #register(String, ProtocolHandler)} for code that sees only an {@code AlpnTransport}. */
    @Override
    public void register(String alpn, java.util.function.Consumer<Connection> handler) {
        register(alpn, (ProtocolHandler) handler::accept);
    }

    /** Stops serving {@code alpn}; existing connections stay open. */
    @Override
    public void unregister(String alpn) {
        synchronized (handlers) {
            if (handlers.remove(alpn) != null) {
                alpnOrder.remove(alpn);
                serverTls = buildServerTls(List.copyOf(alpnOrder));
            }
        }
    }

    /**
     * Connects to {@code peer} speaking {@code alpn}, reusing an open connection or an ongoing dial
     * to the same peer and protocol. Every address of {@code peer} is tried at once; the first
     * completed handshake wins. Fails with {@link DialException} when no address worked: the peer's key
     * was not {@code peer.id()}, the protocol was refused, or the handshakes timed out (the most telling
     * of the failures is reported).
     */
    public CompletableFuture<Connection> connect(EndpointAddr peer, String alpn) {
        return connectQuic(peer, List.of(alpn)).thenApply(c -> c);
    }

    /**
     * Connects offering several ALPNs, in preference order; the server picks one (its preference among
     * the common ones) and the connection's {@link Connection#protocol()} tells which.
     */
    @Override
    public CompletableFuture<Connection> connect(EndpointAddr peer, List<String> alpns) {
        return connectQuic(peer, alpns).thenApply(c -> c);
    }

    /** {@link #connect} with the concrete connection type. */
    public CompletableFuture<QuicConnection> connectQuic(EndpointAddr peer, String alpn) {
        return connectQuic(peer, List.of(alpn));
    }

    /**
     * {@link #connect(EndpointAddr, List)} that never reuses an open connection or an ongoing dial: a new
     * connection that the next {@code connect} does not return either (e.g. a new session after the peer's
     * GOAWAY, while the old session still serves on the open one).
     */
    public CompletableFuture<Connection> connectNew(EndpointAddr peer, List<String> offered) {
        List<String> alpn = List.copyOf(offered);
        DialException refused = refusal(peer, alpn);
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        CompletableFuture<QuicConnection> fresh = new CompletableFuture<>();
        if (!peer.relayUrls().isEmpty() || pathLayer.knows(peer.id())) {
            dialViaPaths(peer, alpn, fresh);
        } else {
            dialAll(peer, alpn, fresh);
        }
        return fresh.thenApply(c -> c);
    }

    /** Why {@code peer} cannot be dialed with {@code alpn} now, or null. */
    private DialException refusal(EndpointAddr peer, List<String> alpn) {
        if (alpn.isEmpty()) {
            throw new IllegalArgumentException("no ALPN to offer");
        }
        if (closed) {
            return new DialException("the endpoint is closed");
        }
        if (peer.id().equals(id())) {
            return new DialException("cannot dial this endpoint's own id");
        }
        if (peer.directAddresses().isEmpty() && peer.relayUrls().isEmpty() && !pathLayer.knows(peer.id())) {
            return new DialException("no direct address and no relay for " + peer.id().shortHex());
        }
        return null;
    }

    /** {@link #connect(EndpointAddr, List)} with the concrete connection type. */
    public CompletableFuture<QuicConnection> connectQuic(EndpointAddr peer, List<String> offered) {
        List<String> alpn = List.copyOf(offered);
        DialException refused = refusal(peer, alpn);
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        boolean viaPaths = !peer.relayUrls().isEmpty() || pathLayer.knows(peer.id());
        DialKey key = new DialKey(peer.id(), alpn);
        while (true) {
            CompletableFuture<QuicConnection> existing = dials.get(key);
            if (existing != null) {
                boolean usable = !existing.isDone()
                        || (!existing.isCompletedExceptionally() && !existing.join().closed().isDone());
                if (usable) {
                    return existing;
                }
                dials.remove(key, existing);
                continue;
            }
            CompletableFuture<QuicConnection> fresh = new CompletableFuture<>();
            if (dials.putIfAbsent(key, fresh) != null) {
                continue;
            }
            fresh.whenComplete((conn, error) -> {
                if (error != null) {
                    dials.remove(key, fresh);
                } else {
                    conn.closed().whenComplete((r, e) -> dials.remove(key, fresh));
                }
            });
            if (viaPaths) {
                dialViaPaths(peer, alpn, fresh);
            } else {
                dialAll(peer, alpn, fresh);
            }
            return fresh;
        }
    }

    /**
     * Dials every address, happy-eyeballs style: the first at once, each next one {@link #DIAL_STAGGER_MS}
     * later or as soon as an earlier attempt fails. The first completed handshake completes {@code result};
     * the other attempts are cancelled (their channels closed) and a handshake that completes after the
     * winner is closed. A failure at one address (a silent one, or another endpoint answering there with
     * the wrong key) does not stop the others; only when all have failed does {@code result} fail, with
     * the most telling error. The short stagger spares a peer that is reachable at several addresses (one
     * machine, one LAN) a duplicate connection that opens and closes at once.
     */
    private void dialAll(EndpointAddr peer, List<String> alpn, CompletableFuture<QuicConnection> result) {
        new MultiDial(peer, alpn, dialOrder(peer.directAddresses(), lastSeen.get(peer.id())), result).startNext(-1);
    }

    /**
     * Dials through the path layer: one QUIC handshake toward the peer's stand-in address, which the
     * layer carries on the relay and every candidate address at once (substrate §4.6 item 3). The
     * Initial's destination connection id starts with {@link dev.parley.net.path.PathLayer#DIAL_MARKER} so
     * the acceptor waits for the Ping sent just before it.
     */
    private void dialViaPaths(EndpointAddr peer, List<String> alpn, CompletableFuture<QuicConnection> result) {
        if (!peer.relayUrls().isEmpty()) {
            // A relay link still connecting (a process that dials right after starting) would lose the first
            // Initial and CallMeMaybe, and QUIC's retransmission backoff would cost seconds.
            // ... unless mDNS finds the peer first: its LAN address needs no relay (a relay that is down or
            // unreachable otherwise cost the full wait)
            CompletableFuture<Void> found = pathLayer.whenDiscovered(peer.id());
            CompletableFuture.anyOf(pathLayer.relayReady(peer.relayUrls().getFirst(), RELAY_WAIT), found)
                    .whenComplete((r, e) -> {
                        pathLayer.stopWaitingFor(peer.id());
                        startPathDial(peer, alpn, result);
                    });
        } else {
            startPathDial(peer, alpn, result);
        }
    }

    /** How long a dial through the path layer waits for the relay link to come up. */
    static final java.time.Duration RELAY_WAIT = java.time.Duration.ofSeconds(3);

    private void startPathDial(EndpointAddr peer, List<String> alpn, CompletableFuture<QuicConnection> result) {
        if (result.isDone()) {
            return;
        }
        InetSocketAddress mapped = pathLayer.register(peer);
        Attempt attempt = dialOnce(mapped, peer.id(), alpn, true);
        result.whenComplete((c, e) -> attempt.cancel());
        attempt.future().whenComplete((conn, error) -> {
            if (error == null) {
                if (!result.complete(conn)) {
                    conn.close(0, "dial abandoned");
                }
            } else {
                result.completeExceptionally(error instanceof DialException ? error
                        : new DialException("cannot connect to " + peer.id().shortHex() + ": " + error, error));
            }
        });
    }

    /**
     * The order to try a peer's addresses in: the one it last had a connection with us at first (behind
     * a NAT that is its public mapping; the addresses it reports may be private), then the rest as given.
     */
    static List<InetSocketAddress> dialOrder(List<InetSocketAddress> addresses, InetSocketAddress lastSeen) {
        LinkedHashSet<InetSocketAddress> out = new LinkedHashSet<>();
        if (lastSeen != null && addresses.contains(lastSeen)) {
            out.add(lastSeen);
        }
        out.addAll(addresses);
        return List.copyOf(out);
    }

    /** Gap between starting two dial attempts while the earlier one is still pending. */
    static final long DIAL_STAGGER_MS = 100;

    /** The attempts of one {@link #dialAll}; all state behind its monitor. */
    private final class MultiDial {
        private final EndpointAddr peer;
        private final List<String> alpn;
        private final List<InetSocketAddress> addresses;
        private final CompletableFuture<QuicConnection> result;
        private final List<Attempt> attempts = new ArrayList<>();
        private final List<DialException> errors = new ArrayList<>();

        MultiDial(EndpointAddr peer, List<String> alpn, List<InetSocketAddress> addresses, CompletableFuture<QuicConnection> result) {
            this.peer = peer;
            this.alpn = alpn;
            this.addresses = addresses;
            this.result = result;
            // Whatever ends the dial (a winner, the endpoint closing, the caller cancelling) ends the rest.
            result.whenComplete((conn, error) -> {
                synchronized (this) {
                    attempts.forEach(Attempt::cancel);
                }
            });
        }

        /** Starts the next attempt if {@code after} is the newest one started (-1: none yet). */
        synchronized void startNext(int after) {
            if (result.isDone() || attempts.size() != after + 1 || attempts.size() == addresses.size()) {
                return;
            }
            int index = attempts.size();
            InetSocketAddress address = addresses.get(index);
            Attempt attempt = dialOnce(address, peer.id(), alpn, false);
            attempts.add(attempt);
            if (index + 1 < addresses.size()) {
                CompletableFuture.delayedExecutor(DIAL_STAGGER_MS, TimeUnit.MILLISECONDS).execute(() -> startNext(index));
            }
            attempt.future().whenComplete((conn, error) -> {
                if (error == null) {
                    if (result.complete(conn)) {
                        LOG.debug("dialed {} at {} (attempt {} of {})", peer.id().shortHex(), address, index + 1,
                                addresses.size());
                    } else {
                        conn.close(0, "dial abandoned: another address answered first");
                    }
                } else {
                    failed(index, address, error);
                }
            });
        }

        private void failed(int index, InetSocketAddress address, Throwable error) {
            DialException failure;
            synchronized (this) {
                errors.add(error instanceof DialException de ? de
                        : new DialException("cannot connect to " + peer.id().shortHex() + " at " + address + ": " + error, error));
                if (errors.size() < addresses.size()) {
                    if (attempts.size() < addresses.size()) {
                        startNext(attempts.size() - 1); // a failure frees the way for the next address at once
                    }
                    return;
                }
                failure = mostTelling(errors, peer, addresses);
            }
            result.completeExceptionally(failure);
        }
    }

    /** Wrong key first, then a refusal, then anything else, a timeout last: what the user can act on. */
    static DialException mostTelling(List<DialException> errors, EndpointAddr peer, List<InetSocketAddress> addresses) {
        List<DialException> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparingInt(Endpoint::rank));
        DialException best = sorted.getFirst();
        if (addresses.size() == 1 || rank(best) < 3) {
            return best;
        }
        return new DialException("cannot reach " + peer.id().shortHex() + " at any of " + addresses + ": "
                + best.getMessage(), best);
    }

    private static int rank(DialException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("is not the expected peer")) {
            return 0;
        }
        if (m.contains("refused") || m.contains("did not agree") || m.contains("TLS handshake")
                || m.contains("closed the connection during the handshake")) {
            return 1;
        }
        return m.contains("timed out") ? 3 : 2;
    }

    /** One handshake toward one address; {@link #cancel} closes its channel if it is still going. */
    private record Attempt(CompletableFuture<QuicConnection> future, AtomicReference<Channel> channel) {
        void cancel() {
            if (future.completeExceptionally(new DialException("dial abandoned"))) {
                Channel ch = channel.get();
                if (ch != null) {
                    ch.close();
                }
            }
        }
    }

    private Attempt dialOnce(InetSocketAddress address, EndpointId expected, List<String> alpn, boolean viaPaths) {
        CompletableFuture<QuicConnection> result = new CompletableFuture<>();
        AtomicReference<Channel> channel = new AtomicReference<>();
        Attempt attempt = new Attempt(result, channel);
        QuicSslContext tls;
        try {
            tls = QuicSslContextBuilder.forClient()
                    .keyManager(credentials.keyManager(), null)
                    .trustManager(PeerTrustManager.pinned(expected))
                    .applicationProtocols(alpn.toArray(String[]::new))
                    .option(BoringSSLContextOption.SIGNATURE_ALGORITHMS, SIGNATURE_ALGORITHMS)
                    .build();
        } catch (RuntimeException e) {
            result.completeExceptionally(new DialException("cannot set up TLS: " + e.getMessage(), e));
            return attempt;
        }
        byte[] sourceId = new byte[PacketRouter.CONNECTION_ID_LENGTH];
        random.nextBytes(sourceId);
        router.addClientId(sourceId);
        if (viaPaths) {
            router.addPathId(sourceId);
        }
        Dial dial = new Dial(expected, alpn, tls, sourceId);
        long timeoutMs = config.handshakeTimeout().toMillis();
        String target = expected.shortHex() + (viaPaths ? " (direct or relayed)" : " at " + address);
        QuicChannelBootstrap bootstrap = QuicChannel.newBootstrap(socket);
        if (viaPaths) {
            byte[] dcid = new byte[PacketRouter.CONNECTION_ID_LENGTH];
            random.nextBytes(dcid);
            System.arraycopy(dev.parley.net.path.PathLayer.DIAL_MARKER, 0, dcid, 0, dev.parley.net.path.PathLayer.DIAL_MARKER.length);
            bootstrap.remoteConnectionAddress(new QuicConnectionAddress(dcid));
        }
        bootstrap
                .attr(DIAL, dial)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMs))
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void handlerAdded(ChannelHandlerContext ctx) {
                        channel.set(ctx.channel()); // so a losing attempt can be closed mid-handshake
                        if (result.isDone()) {
                            ctx.channel().close(); // cancelled before the channel existed
                        }
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        // A peer that refuses the handshake (e.g. no shared ALPN) sends CONNECTION_CLOSE; fail
                        // the dial now rather than when the channel finishes draining seconds later.
                        if (evt instanceof QuicConnectionCloseEvent close && !result.isDone()) {
                            result.completeExceptionally(refusal(target, alpn, close));
                        }
                        ctx.fireUserEventTriggered(evt);
                    }
                })
                .streamHandler(QuicConnection.streamInitializer(this::dialedConnection))
                .localConnectionAddress(new QuicConnectionAddress(sourceId))
                .remoteAddress(address)
                .connect()
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        router.removeClientId(sourceId);
                        result.completeExceptionally(dialFailure(target, f.cause(), timeoutMs));
                        return;
                    }
                    QuicChannel ch = (QuicChannel) f.getNow();
                    ch.closeFuture().addListener(c -> router.removeClientId(sourceId));
                    try {
                        QuicConnection conn = connectionOf(ch);
                        if (!result.complete(conn)) {
                            conn.close(0, "dial abandoned"); // the caller already got a timeout or refusal
                        }
                    } catch (DialException e) {
                        ch.close();
                        result.completeExceptionally(e);
                    }
                });
        // Backstop in case the channel never reports (the native connect timeout should fire first).
        socket.eventLoop().schedule(() -> {
            if (!result.isDone()) {
                result.completeExceptionally(new DialException("handshake with " + target + " timed out after "
                        + timeoutMs + " ms"));
            }
        }, timeoutMs + 500, TimeUnit.MILLISECONDS);
        return attempt;
    }

    private static DialException refusal(String target, List<String> alpn, QuicConnectionCloseEvent close) {
        if (close.isTlsError()) {
            int alert = QuicConnectionCloseEvent.extractTlsError(close.error());
            String why = switch (alert) {
                case 120 -> "it serves none of the protocols " + String.join(", ", alpn);
                case 42, 43, 44, 45, 46, 48, 51 -> "it rejected this endpoint's certificate";
                default -> "TLS alert " + alert;
            };
            return new DialException("the endpoint " + target + " refused the connection: " + why);
        }
        return new DialException("the endpoint " + target + " closed the connection during the handshake (code "
                + close.error() + ")");
    }

    private static DialException dialFailure(String target, Throwable cause, long timeoutMs) {
        String text = String.valueOf(cause);
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || String.valueOf(t.getMessage()).contains("CERTIFICATE_VERIFY_FAILED")) {
                return new DialException("the endpoint " + target + " is not the expected peer: its key did not match ("
                        + t.getMessage() + ")", cause);
            }
            if (t instanceof io.netty.channel.ConnectTimeoutException
                    || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof io.netty.handler.codec.quic.QuicTimeoutClosedChannelException) {
                return new DialException("handshake with " + target + " timed out after " + timeoutMs + " ms", cause);
            }
            if (t instanceof SSLException) {
                return new DialException("TLS handshake with " + target + " failed (wrong key or protocol not served): "
                        + t.getMessage(), cause);
            }
        }
        return new DialException("cannot connect to " + target + ": " + text, cause);
    }

    /**
     * The connection object for a QUIC channel whose handshake finished, created on first use.
     * Runs on the event loop. Verifies the negotiated ALPN and reads the peer's key.
     */
    private QuicConnection connectionOf(QuicChannel ch) {
        QuicConnection existing = ch.attr(QuicConnection.KEY).get();
        if (existing != null) {
            return existing;
        }
        SSLEngine engine = ch.sslEngine();
        String alpn = engine == null ? null : engine.getApplicationProtocol();
        Dial dial = ch.attr(DIAL).get();
        if (dial != null && !dial.alpns().contains(alpn)) {
            throw new DialException("peer " + dial.expected().shortHex() + " did not agree to any of " + dial.alpns());
        }
        EndpointId remote;
        try {
            if (dial == null && webPki != null && !hasPeerCertificate(engine)) {
                remote = null; // a WebPKI client: anonymous at the TLS layer (the relay authorizes by token or prefix)
            } else {
                Certificate[] chain = engine.getSession().getPeerCertificates();
                remote = TlsCredentials.verifyPeer(new X509Certificate[] {(X509Certificate) chain[0]});
            }
        } catch (SSLPeerUnverifiedException | CertificateException | RuntimeException e) {
            throw new DialException("peer did not present a valid Ed25519 certificate: " + e.getMessage(), e);
        }
        if (dial != null && !dial.expected().equals(remote)) {
            throw new DialException("the endpoint " + remote.shortHex() + " is not the expected peer "
                    + dial.expected().shortHex());
        }
        EndpointId behind = pathLayer.peerOf(ch.remoteSocketAddress());
        if (behind != null && !behind.equals(remote)) { // (an anonymous client never comes through the path layer)
            throw new DialException("the endpoint " + remote.shortHex() + " came through the path of "
                    + behind.shortHex());
        }
        QuicConnection conn = QuicConnection.attach(ch, alpn, remote, dial != null, pathLayer::pathOf);
        if (remote != null && conn.remoteAddress() instanceof InetSocketAddress seen
                && !dev.parley.net.path.MappedAddresses.isMapped(seen)) {
            lastSeen.put(remote, seen);
        }
        connections.add(conn);
        conn.closed().whenComplete((r, e) -> connections.remove(conn));
        return conn;
    }

    /** For a dialed channel whose first peer stream arrives: the connection, or null if it is unusable. */
    private QuicConnection dialedConnection(QuicChannel ch) {
        try {
            return connectionOf(ch);
        } catch (DialException e) {
            return null; // the dial's own listener reports and closes
        }
    }

    /**
     * On the event loop, on the handshake event or the first incoming stream, whichever comes first:
     * wraps an accepted channel and hands it to its protocol's handler once; null if refused.
     */
    private QuicConnection acceptedConnection(QuicChannel ch) {
        QuicConnection existing = ch.attr(QuicConnection.KEY).get();
        if (existing != null) {
            return existing;
        }
        if (!ch.isActive()) {
            return null;
        }
        QuicConnection conn;
        try {
            conn = connectionOf(ch);
        } catch (DialException e) {
            LOG.info("refusing connection from {}: {}", ch.remoteSocketAddress(), e.getMessage());
            ch.close(true, CLOSE_HANDLER_FAILED, io.netty.buffer.Unpooled.EMPTY_BUFFER);
            return null;
        }
        ProtocolHandler handler = handlers.get(conn.protocol() == null ? "" : conn.protocol());
        if (handler == null) {
            LOG.info("refusing {}: protocol '{}' is not served", conn, conn.protocol());
            conn.close(CLOSE_UNKNOWN_ALPN, "unknown protocol");
            return null;
        }
        String who = conn.peer() == null ? "webpki" : conn.peer().shortHex();
        Thread.ofVirtual().name("parley-accept-" + conn.protocol() + "-" + who).start(() -> {
            try {
                handler.accept(conn);
            } catch (RuntimeException e) {
                LOG.warn("{} handler failed for {}", conn.protocol(), conn, e);
                conn.close(CLOSE_HANDLER_FAILED, "handler failed");
            }
        });
        return conn;
    }

    private static boolean hasPeerCertificate(SSLEngine engine) {
        try {
            Certificate[] chain = engine.getSession().getPeerCertificates();
            return chain != null && chain.length > 0;
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
    }

    /**
     * The server's TLS: the Ed25519 identity, client certificates required. With {@link #webPki}, the
     * SNI picks: an endpoint name ({@code .parley.invalid}) keeps the identity, any other name (or none)
     * gets the WebPKI chain; client certificates are then optional at the TLS layer and
     * {@link #connectionOf} still refuses a presented certificate that is not a valid Ed25519 one.
     */
    private QuicSslContext buildServerTls(List<String> alpns) {
        WebPki web = webPki;
        QuicSslContextBuilder builder = QuicSslContextBuilder.forServer(credentials.keyManager(), null)
                .trustManager(PeerTrustManager.anyPeer())
                .clientAuth(web == null ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL)
                .option(BoringSSLContextOption.SIGNATURE_ALGORITHMS, SIGNATURE_ALGORITHMS);
        if (!alpns.isEmpty()) {
            builder.applicationProtocols(alpns.toArray(String[]::new));
        }
        if (web != null) {
            QuicSslContextBuilder webBuilder = QuicSslContextBuilder.forServer(web.key(), null, web.certChain())
                    .trustManager(PeerTrustManager.anyPeer())
                    .clientAuth(ClientAuth.OPTIONAL);
            if (!alpns.isEmpty()) {
                webBuilder.applicationProtocols(alpns.toArray(String[]::new));
            }
            QuicSslContext identityTls = builder.build();
            QuicSslContext webTls = webBuilder.build();
            builder.sni(name -> name != null && name.endsWith(TlsCredentials.NAME_SUFFIX) ? identityTls : webTls);
        }
        return builder.build();
    }

    /** Open connections, accepted and dialed. */
    public List<Connection> connections() {
        return List.copyOf(connections);
    }

    /** Closes every connection and the socket; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (networkMonitor != null) {
            networkMonitor.close();
        }
        if (mdns != null) {
            mdns.close();
        }
        pathLayer.close();
        // Fail pending dials first: their attempts close their channels while the event loop still runs.
        dials.values().forEach(f -> f.completeExceptionally(new DialException("the endpoint is closed")));
        for (QuicConnection conn : List.copyOf(connections)) {
            conn.close(0, "endpoint closed");
        }
        try {
            socket.close().await(2, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Endpoint[" + id().shortHex() + " @ " + socket.localAddress() + "]";
    }

    /** Installed on every accepted QUIC channel: routes it by ALPN once the handshake is done. */
    @ChannelHandler.Sharable
    private final class ServerConnectionHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent done) {
                QuicChannel ch = (QuicChannel) ctx.channel();
                if (!done.isSuccess()) {
                    LOG.debug("handshake from {} failed: {}", ch.remoteSocketAddress(), done.cause().toString());
                } else {
                    accept(ch);
                }
            }
            ctx.fireUserEventTriggered(evt);
        }

        private void accept(QuicChannel ch) {
            acceptedConnection(ch);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        }
    }
}
