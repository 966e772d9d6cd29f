package dev.parley.net.path;

import dev.parley.net.transport.PathInfo;
import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.relay.RelayLink;
import dev.parley.net.ticket.EndpointAddr;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The head of the endpoint's UDP pipeline: presents every peer reached through it to QUIC as one stable
 * stand-in address ({@link MappedAddresses}) and carries that peer's packets on whichever real path
 * works, direct UDP or a relay, so QUIC never sees a path change (substrate §4.6 item 3). See the
 * package documentation for the whole design. All state is owned by the socket's event loop; the public
 * methods may be called from any thread.
 */
public final class PathLayer extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PathLayer.class);
    /** First bytes of the destination connection id of a path-layer dial's Initial: "wait for my Ping". */
    public static final byte[] DIAL_MARKER = {'P', 'L', 'Y', 'P'};
    static final long HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final int MAX_HELD_SOURCES = 64;
    static final int MAX_HELD_PER_SOURCE = 8;
    static final int MAX_PEERS = 4096;
    static final int MAX_ADDRESSES = 4096;
    static final int MAX_PENDING_PINGS = 2048;
    static final int MAX_RELAY_LINKS = 8;
    static final long PLAIN_EXPIRY_NANOS = TimeUnit.SECONDS.toNanos(60);
    static final long TICK_MS = 250;
    /** Disco packets verified per second at most (an Ed25519 check costs ~0.1 ms): a flood cannot starve QUIC. */
    static final int DISCO_PER_SECOND = 2000;

    private final Identity identity;
    private final PathPolicy policy;
    private final RelayConnector connector;
    private final EventLoopGroup group;
    private final Predicate<ByteBuf> forPathDial;
    private final Supplier<List<InetSocketAddress>> localCandidates;
    private final MappedAddresses mapped = new MappedAddresses();
    private final SecureRandom random = new SecureRandom();

    private final Map<EndpointId, Peer> peers = new ConcurrentHashMap<>();
    private final Map<String, RelayLink> relays = new ConcurrentHashMap<>();
    private final Map<EndpointId, EndpointAddr> discovered = new ConcurrentHashMap<>();
    /** Dials waiting for their relay link that mDNS may serve sooner (one per dial in progress). */
    private final Map<EndpointId, java.util.concurrent.CompletableFuture<Void>> discoveryWaiters = new ConcurrentHashMap<>();
    private final Set<InetSocketAddress> reflexive = ConcurrentHashMap.newKeySet();
    private final List<Consumer<PathChange>> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    // Event-loop state below.
    private final Map<InetSocketAddress, EndpointId> verified = lru(MAX_ADDRESSES);
    private final Map<InetSocketAddress, EndpointId> tentative = lru(MAX_ADDRESSES);
    private final Map<InetSocketAddress, Long> plain = lru(MAX_ADDRESSES);
    private final Map<InetSocketAddress, List<DatagramPacket>> held = new LinkedHashMap<>();
    private final Map<Tx, PendingPing> pings = lru(MAX_PENDING_PINGS);
    private final Map<String, List<java.util.concurrent.CompletableFuture<Void>>> relayWaiters = new java.util.HashMap<>();
    private final AtomicLong discoReceived = new AtomicLong();
    private final AtomicLong discoRejected = new AtomicLong();
    private long discoWindowStart;
    private int discoInWindow;
    private volatile String homeRelay;
    private volatile InetSocketAddress stunServer;
    private volatile ChannelHandlerContext ctx;
    private ScheduledFuture<?> ticker;
    private volatile boolean closed;
    private volatile boolean directAllowed = true;

    /** A peer reached through the path layer. */
    private static final class Peer {
        final EndpointId id;
        final InetSocketAddress mapped;
        final PeerPaths paths;
        volatile PathInfo info = new PathInfo(PathInfo.Kind.NONE, null, null, Duration.ZERO, 0);
        /** The last packets that could not go through the peer's relay while its link was down. */
        final java.util.ArrayDeque<ByteBuf> stash = new java.util.ArrayDeque<>();

        Peer(EndpointId id, InetSocketAddress mapped, PathPolicy policy) {
            this.id = id;
            this.mapped = mapped;
            this.paths = new PeerPaths(policy);
        }
    }

    private record Tx(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Tx t && Arrays.equals(bytes, t.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    private record PendingPing(EndpointId peer, InetSocketAddress to, long sentNanos) {
    }

    /** A peer's path changed (printed in stats and the overlay). */
    public record PathChange(EndpointId peer, PathInfo from, PathInfo to) {
    }

    /**
     * @param forPathDial    whether a packet's destination connection id is one of this endpoint's own
     *                       path-layer dials (those packets may come from a ticket's candidate address
     *                       before any Pong proved it)
     * @param localCandidates this endpoint's own direct addresses, for CallMeMaybe
     */
    public PathLayer(Identity identity, PathPolicy policy, RelayConnector connector, EventLoopGroup group,
                     Predicate<ByteBuf> forPathDial, Supplier<List<InetSocketAddress>> localCandidates) {
        this.identity = identity;
        this.policy = policy;
        this.connector = connector;
        this.group = group;
        this.forPathDial = forPathDial;
        this.localCandidates = localCandidates;
    }

    private static <K, V> Map<K, V> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }

    // ------------------------------------------------------------------ public API (any thread)

    /** Connects to the home relay (null: none). Its URL goes into this endpoint's address. */
    public void homeRelay(String url) {
        this.homeRelay = url;
        this.stunServer = url == null ? null : StunProbe.serverFor(url); // resolved here, never on the event loop
        if (url != null) {
            runOnLoop(() -> link(url));
        }
    }

    public String homeRelay() {
        return homeRelay;
    }

    /** Whether the home relay link is up. */
    public boolean relayConnected() {
        String url = homeRelay;
        RelayLink l = url == null ? null : relays.get(url);
        return l != null && l.isConnected();
    }

    /**
     * Completes when the link to {@code url} is connected, or after {@code max} either way (a dial then
     * starts on the direct candidates alone): a dial's first packets and CallMeMaybe need the relay.
     */
    public java.util.concurrent.CompletableFuture<Void> relayReady(String url, Duration max) {
        java.util.concurrent.CompletableFuture<Void> ready = new java.util.concurrent.CompletableFuture<>();
        runOnLoop(() -> {
            RelayLink l = link(url);
            if (l == null || l.isConnected()) {
                ready.complete(null);
                return;
            }
            relayWaiters.computeIfAbsent(url, k -> new ArrayList<>()).add(ready);
            ctx.executor().schedule(() -> ready.complete(null), max.toMillis(), TimeUnit.MILLISECONDS);
        });
        if (ctx == null) {
            ready.complete(null);
        }
        return ready;
    }

    /**
     * This machine's addresses changed (the endpoint's network monitor saw it). When one this endpoint
     * may have used is gone ({@code lost}: a new DHCP lease, Wi-Fi to cable, another network), its NAT
     * mappings and its relay connection went with it: the public addresses are asked again at once, the
     * relay link is dialed anew (its TCP connection would otherwise hang until it is found silent), and
     * every path to every peer is proved again from here (pings to every candidate, a CallMeMaybe with
     * the new addresses), with packets going on the relay and directly meanwhile. A new address alone
     * is offered to the peers still without a direct path.
     */
    public void localAddressesChanged(boolean lost) {
        runOnLoop(() -> onLocalChange(lost));
    }

    private void onLocalChange(boolean lost) {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        LOG.info("local addresses changed{}", lost ? " (one is gone): proving every path again" : "");
        if (lost) {
            reflexive.clear();
            lastStun = Long.MIN_VALUE;
            stunUnanswered = 0;
            for (String url : List.copyOf(relays.keySet())) {
                RelayLink old = relays.remove(url);
                if (old != null) {
                    old.close();
                }
                link(url);
            }
            for (Peer p : peers.values()) {
                p.paths.localAddressLost(now);
                if (p.paths.active(now)) {
                    kick(p, now);
                }
                publishInfo(p, now);
            }
            stunTick(now);
        } else {
            peers.values().forEach(p -> p.paths.ownCandidatesChanged());
            offerAgain(null);
        }
    }

    /** This endpoint's public addresses as the relay's STUN service and peers' Pongs saw them. */
    public List<InetSocketAddress> reflexiveAddresses() {
        return List.copyOf(reflexive);
    }

    /**
     * Makes {@code peer} reachable through the path layer and returns the stand-in address to dial. Starts
     * the disco exchange at once (Pings to every candidate, CallMeMaybe through the relay), so the Pings
     * reach the peer before the QUIC Initial does.
     */
    public InetSocketAddress register(EndpointAddr peer) {
        InetSocketAddress address = mapped.of(peer.id());
        runOnLoop(() -> {
            Peer p = peerOrCreate(peer.id());
            if (p == null) {
                return;
            }
            learn(p, peer);
            EndpointAddr found = discovered.get(peer.id());
            if (found != null) {
                learn(p, found);
            }
            kick(p, System.nanoTime());
        });
        return address;
    }

    /**
     * Completes when mDNS has found {@code id} (at once if it already has); a dial waiting for its relay
     * link need not wait any longer then. Remove the waiter with {@link #stopWaitingFor} when done.
     */
    public java.util.concurrent.CompletableFuture<Void> whenDiscovered(EndpointId id) {
        java.util.concurrent.CompletableFuture<Void> f = discoveryWaiters.computeIfAbsent(id,
                k -> new java.util.concurrent.CompletableFuture<>());
        if (discovered.containsKey(id)) {
            f.complete(null);
        }
        return f;
    }

    public void stopWaitingFor(EndpointId id) {
        discoveryWaiters.remove(id);
    }

    /** Addresses found for a peer outside its ticket (mDNS); used when it is dialed or already known. */
    public void discovered(EndpointAddr addr) {
        if (addr.id().equals(identity.id())) {
            return;
        }
        discovered.put(addr.id(), addr);
        java.util.concurrent.CompletableFuture<Void> waiting = discoveryWaiters.remove(addr.id());
        if (waiting != null) {
            waiting.complete(null);
        }
        runOnLoop(() -> {
            Peer p = peers.get(addr.id());
            if (p != null) {
                learn(p, addr);
                kick(p, System.nanoTime());
            }
        });
    }

    /** Whether the layer knows a way to {@code id} besides a ticket: it was in touch, or mDNS found it. */
    public boolean knows(EndpointId id) {
        return peers.containsKey(id) || discovered.containsKey(id);
    }

    /** The peer behind a stand-in address, or null if it is not one of this layer's. */
    public EndpointId peerOf(SocketAddress address) {
        return mapped.peer(address);
    }

    /** The path a stand-in address's packets take now; null for an address that is not a stand-in. */
    public PathInfo pathOf(SocketAddress address) {
        EndpointId id = mapped.peer(address);
        Peer p = id == null ? null : peers.get(id);
        return p == null ? null : p.info;
    }

    /** The path to {@code id} now; null when the layer has never been in touch with it (a plain dial). */
    public PathInfo pathTo(EndpointId id) {
        Peer p = peers.get(id);
        return p == null ? null : p.info;
    }

    public AutoCloseable onPathChange(Consumer<PathChange> listener) {
        changeListeners.add(listener);
        return () -> changeListeners.remove(listener);
    }

    /**
     * For tests that need a relay-only call on one machine: with false, nothing is sent directly to a
     * peer behind a stand-in (no pings, no blind or direct QUIC sends), as behind a symmetric NAT.
     */
    public void allowDirect(boolean allowed) {
        this.directAllowed = allowed;
    }

    /** Disco packets received and those rejected (malformed, forged, over the rate limit). */
    public long discoReceived() {
        return discoReceived.get();
    }

    public long discoRejected() {
        return discoRejected.get();
    }

    public void close() {
        closed = true;
        relays.values().forEach(RelayLink::close);
        relays.clear();
        runOnLoop(() -> {
            if (ticker != null) {
                ticker.cancel(false);
            }
            held.values().forEach(list -> list.forEach(ReferenceCountUtil::release));
            held.clear();
            peers.values().forEach(this::dropStash);
        });
    }

    // ------------------------------------------------------------------ pipeline

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ticker = ctx.executor().scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (ticker != null) {
            ticker.cancel(false);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet) || !(packet.sender() instanceof InetSocketAddress src)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf content = packet.content();
        if (Disco.isDisco(content)) {
            try {
                onDisco(src, null, content);
            } finally {
                packet.release();
            }
            return;
        }
        if (StunProbe.isStun(content)) {
            try {
                onStun(src, content);
            } finally {
                packet.release();
            }
            return;
        }
        long now = System.nanoTime();
        EndpointId id = verified.get(src);
        if (id == null && forPathDial.test(content)) {
            id = tentative.get(src);
        }
        if (id != null && !isPlain(src, now)) {
            Peer p = peers.get(id);
            if (p != null) {
                p.paths.activity(now);
                p.paths.heardFrom(src, now); // which address the peer sends from now (it may have moved)
                ctx.fireChannelRead(new DatagramPacket(content, packet.recipient(), p.mapped));
                return;
            }
        }
        if (id == null && isMarkedInitial(content) && !isPlain(src, now) && hold(src, packet)) {
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof DatagramPacket packet) || !MappedAddresses.isMapped(packet.recipient())) {
            ctx.write(msg, promise);
            return;
        }
        EndpointId id = mapped.peer(packet.recipient());
        Peer p = id == null ? null : peers.get(id);
        ByteBuf content = packet.content();
        try {
            if (p == null) {
                return; // a stand-in of a forgotten peer: nowhere to send
            }
            long now = System.nanoTime();
            p.paths.activity(now);
            PeerPaths.Plan plan = p.paths.plan(now, relayUp(p.paths.relayUrl()));
            for (InetSocketAddress to : directAllowed ? plan.direct() : List.<InetSocketAddress>of()) {
                ctx.write(new DatagramPacket(content.retainedDuplicate(), to), ctx.voidPromise());
            }
            if (plan.viaRelay()) {
                RelayLink link = link(plan.relay());
                if (link == null || !link.send(id, content.retainedDuplicate())) {
                    stash(p, content);
                }
            } else if (plan.direct().isEmpty() || p.paths.relayUrl() != null && p.paths.direct(now) == null) {
                stash(p, content); // the relay is down and no direct path is trusted: likely lost
            }
        } finally {
            content.release();
            promise.trySuccess();
        }
    }

    /** Packets kept per peer for {@link #replay}. */
    static final int STASH = 4;

    private void stash(Peer p, ByteBuf content) {
        if (p.stash.size() >= STASH) {
            p.stash.removeFirst().release();
        }
        p.stash.addLast(content.retainedDuplicate());
    }

    /**
     * The relay is back: sends the peer the last few packets lost while it was down. QUIC drops the
     * duplicates but acknowledges them, and an acknowledgement ends its probe-timeout backoff (which grows
     * to many seconds during a long outage), so the connection resumes at once instead of at the next
     * backed-off probe.
     */
    private void replay(Peer p, RelayLink link) {
        ByteBuf b;
        while ((b = p.stash.pollFirst()) != null) {
            link.send(p.id, b);
        }
    }

    private void dropStash(Peer p) {
        ByteBuf b;
        while ((b = p.stash.pollFirst()) != null) {
            b.release();
        }
    }

    // ------------------------------------------------------------------ inbound helpers

    /**
     * A path-layer dial's first Initial, from a source no Ping has mapped yet: the dialer's Ping should be
     * right behind it (or was reordered), so it waits up to {@link #HOLD_NANOS} for it.
     */
    static boolean isMarkedInitial(ByteBuf b) {
        int at = b.readerIndex();
        if (b.readableBytes() < 6 + 20 || (b.getByte(at) & 0xf0) != 0xc0 || b.getInt(at + 1) != 1
                || b.getUnsignedByte(at + 5) != 20) {
            return false;
        }
        for (int i = 0; i < DIAL_MARKER.length; i++) {
            if (b.getByte(at + 6 + i) != DIAL_MARKER[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean hold(InetSocketAddress src, DatagramPacket packet) {
        List<DatagramPacket> list = held.get(src);
        if (list == null) {
            if (held.size() >= MAX_HELD_SOURCES) {
                return false;
            }
            list = new ArrayList<>();
            held.put(src, list);
            ctx.executor().schedule(() -> release(src, true), HOLD_NANOS, TimeUnit.NANOSECONDS);
        }
        if (list.size() >= MAX_HELD_PER_SOURCE) {
            return false;
        }
        list.add(packet);
        return true;
    }

    /** Hands held Initials on: as from the peer's stand-in once a Ping mapped the source, else as they came. */
    private void release(InetSocketAddress src, boolean timedOut) {
        List<DatagramPacket> list = held.remove(src);
        if (list == null) {
            return;
        }
        EndpointId id = verified.get(src);
        Peer p = id == null ? null : peers.get(id);
        if (p == null && timedOut) {
            plain.put(src, System.nanoTime()); // an ordinary QUIC client: keep its real address for good
            LOG.debug("no Ping followed the marked Initial from {}: plain connection", src);
        }
        for (DatagramPacket packet : list) {
            ctx.fireChannelRead(p == null ? packet : new DatagramPacket(packet.content(), packet.recipient(), p.mapped));
        }
        ctx.fireChannelReadComplete();
    }

    private boolean isPlain(InetSocketAddress src, long now) {
        Long since = plain.get(src);
        if (since == null) {
            return false;
        }
        if (now - since > PLAIN_EXPIRY_NANOS) {
            plain.remove(src);
            return false;
        }
        plain.put(src, now);
        return true;
    }

    /** A datagram from a relay: QUIC (handed on as from the peer's stand-in) or disco. */
    private void onRelayDatagram(String url, EndpointId source, ByteBuf datagram) {
        ChannelHandlerContext c = ctx;
        if (c == null || closed) {
            datagram.release();
            return;
        }
        if (!c.executor().inEventLoop()) {
            c.executor().execute(() -> onRelayDatagram(url, source, datagram));
            return;
        }
        if (Disco.isDisco(datagram)) {
            try {
                onDisco(null, url, datagram);
            } finally {
                datagram.release();
            }
            return;
        }
        Peer p = peerOrCreate(source);
        if (p == null) {
            datagram.release();
            return;
        }
        p.paths.relayUrl(url);
        p.paths.activity(System.nanoTime());
        InetSocketAddress local = (InetSocketAddress) c.channel().localAddress();
        c.fireChannelRead(new DatagramPacket(datagram, local, p.mapped));
        c.fireChannelReadComplete();
    }

    private void onDisco(InetSocketAddress src, String relayUrl, ByteBuf content) {
        discoReceived.incrementAndGet();
        long now = System.nanoTime();
        if (now - discoWindowStart > 1_000_000_000L) {
            discoWindowStart = now;
            discoInWindow = 0;
        }
        if (++discoInWindow > DISCO_PER_SECOND) {
            discoRejected.incrementAndGet();
            return;
        }
        Disco.Signed signed = Disco.decode(content).orElse(null);
        if (signed == null || signed.sender().equals(identity.id())) {
            discoRejected.incrementAndGet();
            return;
        }
        Peer p = peerOrCreate(signed.sender());
        if (p == null) {
            return;
        }
        p.paths.relayUrl(relayUrl);
        switch (signed.message()) {
            case Disco.Ping ping -> onPing(p, src, ping, now);
            case Disco.Pong pong -> onPong(p, src, pong, now);
            case Disco.CallMeMaybe cmm -> onCallMeMaybe(p, cmm, now);
        }
        publishInfo(p, now);
    }

    private void onPing(Peer p, InetSocketAddress src, Disco.Ping ping, long now) {
        if (src == null) {
            sendRelayDisco(p, new Disco.Pong(ping.tx(), new InetSocketAddress(0)));
            return;
        }
        p.paths.activity(now);
        p.paths.heardFrom(src, now);
        verified.put(src, p.id);
        sendDirectDisco(src, new Disco.Pong(ping.tx(), src));
        if (p.paths.pingBackDue(src, now)) {
            ping(p, src, now); // to trust this path in our direction too
        }
        if (held.containsKey(src)) {
            release(src, false);
        }
    }

    private void onPong(Peer p, InetSocketAddress src, Disco.Pong pong, long now) {
        PendingPing sent = pings.remove(new Tx(pong.tx()));
        if (sent == null || !sent.peer().equals(p.id) || src == null) {
            return;
        }
        verified.put(src, p.id);
        p.paths.ponged(src, now - sent.sentNanos(), now); // a change is logged and published by publishInfo
        if (!pong.observed().getAddress().isAnyLocalAddress()) {
            if (reflexive.size() < 8 || reflexive.contains(pong.observed())) {
                reflexive.add(pong.observed());
            }
        }
    }

    private void onCallMeMaybe(Peer p, Disco.CallMeMaybe cmm, long now) {
        for (InetSocketAddress a : cmm.candidates()) {
            if (!a.getAddress().isAnyLocalAddress() && a.getPort() != 0 && !MappedAddresses.isMapped(a)) {
                p.paths.addCandidate(a);
                tentative.put(a, p.id);
            }
        }
        kick(p, now);
    }

    private void onStun(InetSocketAddress src, ByteBuf content) {
        InetSocketAddress server = stunServer;
        if (server == null || !src.equals(server)) {
            return; // only the home relay's answers count
        }
        InetSocketAddress mine = StunProbe.parseResponse(content).orElse(null);
        if (mine != null && reflexive.add(mine)) {
            LOG.info("public address (STUN): {}", mine);
            // peers waiting for a direct path learn the new candidate now, even right after a CallMeMaybe
            // that could name only private addresses (a dial that started before the first STUN answer)
            peers.values().forEach(p -> p.paths.ownCandidatesChanged());
            offerAgain(null);
        }
    }

    /** A relay link came up: dials waiting for it go on, and peers without a direct path hear from us. */
    private void relayConnected(String url) {
        List<java.util.concurrent.CompletableFuture<Void>> waiting = relayWaiters.remove(url);
        if (waiting != null) {
            waiting.forEach(f -> f.complete(null));
        }
        RelayLink link = relays.get(url);
        for (Peer p : peers.values()) {
            if (link != null && url.equals(p.paths.relayUrl()) && !p.stash.isEmpty()) {
                LOG.info("relay {} back: replaying {} packets to {}", url, p.stash.size(), p.id.shortHex());
                replay(p, link);
            }
        }
        offerAgain(url);
    }

    /** Sends a CallMeMaybe (and pings) now to every active peer without a trusted direct path (via {@code url}, or any). */
    private void offerAgain(String url) {
        long now = System.nanoTime();
        for (Peer p : peers.values()) {
            if (p.paths.active(now) && p.paths.direct(now) == null && p.paths.relayUrl() != null
                    && (url == null || url.equals(p.paths.relayUrl()))) {
                kick(p, now);
            }
        }
    }

    // ------------------------------------------------------------------ outbound helpers

    private void learn(Peer p, EndpointAddr addr) {
        for (InetSocketAddress a : addr.directAddresses()) {
            p.paths.addCandidate(a);
            tentative.put(a, p.id);
        }
        if (!addr.relayUrls().isEmpty()) {
            p.paths.relayUrl(addr.relayUrls().getFirst());
        }
    }

    /** A dial or a CallMeMaybe: ping every candidate now and offer our own candidates through the relay. */
    private void kick(Peer p, long now) {
        p.paths.activity(now);
        for (InetSocketAddress a : p.paths.pingsDue(now, true)) {
            ping(p, a, now);
        }
        // only over a link that is up: one dropped here would still count against the rate limit, and the
        // relay's coming up offers again (a moved endpoint's relay link is being dialed anew)
        if (relayUp(p.paths.relayUrl()) && p.paths.callMeMaybeDue(now, true)) {
            sendCallMeMaybe(p);
        }
        publishInfo(p, now);
    }

    private void tick() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        for (Peer p : peers.values()) {
            for (InetSocketAddress a : p.paths.pingsDue(now, false)) {
                ping(p, a, now);
            }
            if (relayUp(p.paths.relayUrl()) && p.paths.callMeMaybeDue(now, false)) {
                sendCallMeMaybe(p);
            }
            publishInfo(p, now);
        }
        stunTick(now);
    }

    private long lastStun = Long.MIN_VALUE;
    private int stunUnanswered;

    /**
     * Asks the home relay's STUN service for this socket's public address every 20 s; until it answers,
     * every 500 ms four times, then every 2 s: hole punching waits for this address (a CallMeMaybe without
     * it names only private addresses), so a lost first request should cost half a second, not two.
     */
    private void stunTick(long now) {
        InetSocketAddress stun = stunServer;
        if (stun == null) {
            return;
        }
        long gap = !reflexive.isEmpty() ? 20_000_000_000L : stunUnanswered < 4 ? 500_000_000L : 2_000_000_000L;
        if (lastStun != Long.MIN_VALUE && now - lastStun < gap) {
            return;
        }
        stunUnanswered = reflexive.isEmpty() ? stunUnanswered + 1 : 0;
        lastStun = now;
        ctx.writeAndFlush(new DatagramPacket(StunProbe.request(ctx.alloc(), random), stun), ctx.voidPromise());
    }

    private void ping(Peer p, InetSocketAddress to, long now) {
        byte[] tx = new byte[Disco.TX_LENGTH];
        random.nextBytes(tx);
        pings.put(new Tx(tx), new PendingPing(p.id, to, now));
        p.paths.pinged(to, now);
        sendDirectDisco(to, new Disco.Ping(tx));
    }

    private void sendCallMeMaybe(Peer p) {
        LinkedHashSet<InetSocketAddress> mine = new LinkedHashSet<>(reflexive);
        mine.addAll(localCandidates.get());
        List<InetSocketAddress> list = new ArrayList<>(mine);
        sendRelayDisco(p, new Disco.CallMeMaybe(list));
    }

    private void sendDirectDisco(InetSocketAddress to, Disco.Message m) {
        ChannelHandlerContext c = ctx;
        if (c != null && directAllowed && !MappedAddresses.isMapped(to)) {
            c.writeAndFlush(new DatagramPacket(Disco.encode(c.alloc(), identity, m), to), c.voidPromise());
        }
    }

    private void sendRelayDisco(Peer p, Disco.Message m) {
        String url = p.paths.relayUrl();
        RelayLink link = url == null ? null : link(url);
        ChannelHandlerContext c = ctx;
        if (link != null && c != null) {
            link.send(p.id, Disco.encode(c.alloc(), identity, m));
        }
    }

    /** Whether the link to {@code url} is (or is being) usable; opens it on first use. */
    private boolean relayUp(String url) {
        RelayLink l = url == null ? null : link(url);
        return l != null && l.isConnected();
    }

    /** The link to a relay, opened on first use (at most {@link #MAX_RELAY_LINKS}); null if none can be. */
    private RelayLink link(String url) {
        RelayLink l = relays.get(url);
        if (l != null || connector == null || closed || relays.size() >= MAX_RELAY_LINKS) {
            return l;
        }
        try {
            l = connector.connect(url, identity, group, new RelayLink.Listener() {
                @Override
                public void onDatagram(EndpointId source, ByteBuf datagram) {
                    onRelayDatagram(url, source, datagram);
                }

                @Override
                public void onConnectionChanged(boolean connected) {
                    LOG.info("relay {} {}", url, connected ? "connected" : "disconnected");
                    if (connected) {
                        runOnLoop(() -> relayConnected(url));
                    }
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("cannot use relay {}: {}", url, e.getMessage());
            return null;
        }
        relays.put(url, l);
        return l;
    }

    private Peer peerOrCreate(EndpointId id) {
        Peer p = peers.get(id);
        if (p == null) {
            if (peers.size() >= MAX_PEERS) {
                return null;
            }
            p = new Peer(id, mapped.of(id), policy);
            peers.put(id, p);
        }
        return p;
    }

    private void publishInfo(Peer p, long now) {
        InetSocketAddress direct = p.paths.direct(now);
        if (direct != null && !p.stash.isEmpty()) {
            dropStash(p);
        }
        PathInfo next;
        if (direct != null) {
            next = new PathInfo(PathInfo.Kind.DIRECT, direct, null, Duration.ofNanos(Math.max(0, p.paths.directRttNanos())),
                    p.paths.changes());
        } else if (p.paths.relayUrl() != null) { // up or reconnecting: the relay is this peer's path
            next = new PathInfo(PathInfo.Kind.RELAY, null, p.paths.relayUrl(), Duration.ZERO, p.paths.changes());
        } else {
            List<InetSocketAddress> blind = p.paths.plan(now, false).direct();
            next = blind.isEmpty() ? new PathInfo(PathInfo.Kind.NONE, null, null, Duration.ZERO, p.paths.changes())
                    : new PathInfo(PathInfo.Kind.DIRECT, blind.getFirst(), null, Duration.ZERO, p.paths.changes());
        }
        PathInfo before = p.info;
        if (before.kind() != next.kind() || !java.util.Objects.equals(before.direct(), next.direct())
                || !java.util.Objects.equals(before.relayUrl(), next.relayUrl())) {
            if (before.kind() != PathInfo.Kind.NONE || next.kind() != PathInfo.Kind.NONE) {
                LOG.info("path to {}: {} -> {}{}", p.id.shortHex(), before, next, next.kind() == PathInfo.Kind.DIRECT
                        && !next.rtt().isZero() ? String.format(java.util.Locale.ROOT, " (rtt %.1f ms)",
                        next.rtt().toNanos() / 1e6) : "");
            }
            p.info = next;
            PathChange change = new PathChange(p.id, before, next);
            for (Consumer<PathChange> l : changeListeners) {
                try {
                    l.accept(change);
                } catch (RuntimeException e) {
                    LOG.warn("path change listener failed", e);
                }
            }
        } else {
            p.info = next; // the RTT moves
        }
    }

    private void runOnLoop(Runnable task) {
        ChannelHandlerContext c = ctx;
        if (c == null) {
            return;
        }
        if (c.executor().inEventLoop()) {
            task.run();
        } else {
            c.executor().execute(task);
        }
    }
}
