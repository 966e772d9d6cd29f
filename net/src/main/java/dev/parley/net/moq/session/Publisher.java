package dev.parley.net.moq.session;

import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.MoqError;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.OriginConsumer;
import dev.parley.net.moq.model.OriginProducer;
import dev.parley.net.moq.model.Path;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.wire.AnnounceOk;
import dev.parley.net.moq.wire.AnnouncePlease;
import dev.parley.net.moq.wire.DecodeException;
import dev.parley.net.moq.wire.Fetch;
import dev.parley.net.moq.wire.Frame;
import dev.parley.net.moq.wire.Grammar;
import dev.parley.net.moq.wire.Grammars;
import dev.parley.net.moq.wire.GroupHeader;
import dev.parley.net.moq.wire.Probe;
import dev.parley.net.moq.wire.StreamType;
import dev.parley.net.moq.wire.Subscribe;
import dev.parley.net.moq.wire.SubscribeEnd;
import dev.parley.net.moq.wire.SubscribeOk;
import dev.parley.net.moq.wire.SubscribeRequest;
import dev.parley.net.moq.wire.SubscribeUpdate;
import dev.parley.net.moq.wire.SubscribeStart;
import dev.parley.net.moq.wire.Track;
import dev.parley.net.moq.wire.TrackProperties;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.ConnectionClosedException;
import dev.parley.net.transport.SendStream;
import dev.parley.net.transport.StreamResetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The publisher role of a session: serves the peer's Announce, Subscribe, Probe and (lite-05) Track
 * streams from the session's local origin. One virtual thread per served stream, plus one per group in flight.
 */
final class Publisher {
    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
    /**
     * Group streams one served subscription may have opening or in flight. A subscriber that stops reading
     * blocks them on flow control or stream credit; without a cap every later group would add a blocked
     * task holding its frames (and waking on each credit change), so memory and event-loop load grew with
     * the stall. Healthy subscribers have one or two in flight.
     */
    static final int MAX_GROUPS_IN_FLIGHT = 8;

    private final MoqSession session;
    private final OriginProducer origin;
    private final AtomicInteger subscriptions = new AtomicInteger();
    private final Set<SendStream> announceStreams = ConcurrentHashMap.newKeySet();
    private final OriginConsumer lookup;
    /**
     * lite-05 ANNOUNCE_OK hop id: a relay's origin id (the same on all its sessions), else a random nonzero
     * id below 2^53 (JS decodes hop ids as doubles).
     */
    private final long originId;
    /** A relay's session: appends {@link #originId} to what it announces (lite-03/04; lite-05 via ANNOUNCE_OK). */
    private final boolean relay;

    Publisher(MoqSession session, OriginProducer origin) {
        this.session = session;
        this.origin = origin;
        this.lookup = origin.consume();
        long configured = session.hooks().originId();
        this.relay = configured != 0;
        this.originId = relay ? configured : 1 + java.util.concurrent.ThreadLocalRandom.current().nextLong((1L << 53) - 1);
    }

    /** The hop list announced for {@code b}: its own, plus this relay's id where the version carries it in the list. */
    private List<Long> hopsOut(BroadcastConsumer b) {
        List<Long> hops = b == null ? List.of() : b.hops();
        if (!relay || session.version().setup()) {
            return hops;
        }
        List<Long> out = new java.util.ArrayList<>(hops);
        out.add(originId);
        return out;
    }

    /** ANNOUNCE_PLEASE Exclude Hop: a broadcast that came through the asking peer is not offered back to it. */
    private static boolean excluded(BroadcastConsumer b, long excludeHop) {
        return b != null && excludeHop != 0 && b.hops().contains(excludeHop);
    }

    /** Releases the lookup cursor; called once when the session ends. */
    void shutdown() {
        lookup.close();
    }

    int activeSubscriptions() {
        return subscriptions.get();
    }

    /** FINs every served Announce stream: nothing more will be announced on this session. */
    void finishAnnounces() {
        announceStreams.forEach(Streams::finishQuietly);
    }

    /** ANNOUNCE_PLEASE, then the matching local broadcasts and every later change, until either side ends. */
    void serveAnnounce(BidiStream s, MessageReader in) throws InterruptedException {
        Grammar<AnnouncePlease> grammar = Grammars.announcePlease(session.version());
        AnnouncePlease please = in.read(grammar);
        if (please == null) {
            s.send().finish();
            return;
        }
        Path prefix = Path.of(please.prefix());
        OriginConsumer announces = origin.consume(prefix);
        session.closeOnShutdown(announces::close);
        announceStreams.add(s.send());
        StreamWriter out = session.writer(s.send());
        // The peer's half carries nothing more; when it ends, stop announcing.
        session.spawn("announce-watch-" + s.id(), () -> {
            try {
                in.read(grammar);
            } catch (DecodeException e) {
                s.recv().stop(Codes.of(e));
            } catch (StreamResetException e) {
                LOG.debug("announce stream {} reset by peer: {}", s.id(), e.toString());
                if (e.code() != 0) {
                    session.noteAnnounceRefused(e.code());
                }
            } catch (ConnectionClosedException e) {
                LOG.debug("announce stream {} closed by peer: {}", s.id(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                announces.close();
            }
        });
        Set<String> active = new HashSet<>();
        try {
            if (session.version().setup() || session.version().announceInit()) {
                // lite-05: ANNOUNCE_OK counts the initial set, which follows as ordinary announces;
                // lite-02: ANNOUNCE_INIT carries the initial set itself
                java.util.List<dev.parley.net.moq.model.Announce> initial = new java.util.ArrayList<>();
                for (var a = announces.tryNextAnnounce(); a != null; a = announces.tryNextAnnounce()) {
                    initial.add(a);
                }
                java.util.Map<String, BroadcastConsumer> live = new java.util.LinkedHashMap<>();
                for (var a : initial) {
                    a.path().stripPrefix(prefix).map(Path::value).ifPresent(p -> {
                        if (a.broadcast() != null && !excluded(a.broadcast(), please.excludeHop())) {
                            live.put(p, a.broadcast());
                        } else {
                            live.remove(p);
                        }
                    });
                }
                if (session.version().announceInit()) {
                    out.write(new dev.parley.net.moq.wire.AnnounceInit(List.copyOf(live.keySet())));
                } else {
                    out.write(new AnnounceOk(originId, live.size()));
                    for (var e : live.entrySet()) {
                        out.write(dev.parley.net.moq.wire.Announce.active(e.getKey(), hopsOut(e.getValue())));
                    }
                }
                active.addAll(live.keySet());
            }
            for (var a = announces.nextAnnounce(); a != null; a = announces.nextAnnounce()) {
                String suffix = a.path().stripPrefix(prefix).map(Path::value).orElse(null);
                if (suffix == null) {
                    continue;
                }
                boolean on = a.broadcast() != null && !excluded(a.broadcast(), please.excludeHop());
                if (on && active.contains(suffix)) {
                    // replaced: peers expect strictly alternating statuses per path
                    out.write(dev.parley.net.moq.wire.Announce.ended(suffix));
                } else if (!on && !active.contains(suffix)) {
                    continue;
                }
                out.write(on ? dev.parley.net.moq.wire.Announce.active(suffix, hopsOut(a.broadcast()))
                        : dev.parley.net.moq.wire.Announce.ended(suffix));
                if (on) {
                    active.add(suffix);
                } else {
                    active.remove(suffix);
                }
            }
            Streams.finishQuietly(s.send());
        } catch (IllegalStateException e) {
            // close() FINned this stream while an announce was being written: nothing more goes out
            LOG.debug("announce stream {} already finished: {}", s.id(), e.getMessage());
        } finally {
            announceStreams.remove(s.send());
            announces.close();
        }
    }

    /** SUBSCRIBE, exactly one SUBSCRIBE_OK, then one uni stream per group until the track or the peer ends. */
    void serveSubscribe(BidiStream s, MessageReader in) throws InterruptedException {
        Grammar<SubscribeRequest> grammar = Grammars.subscribeRequests(session.version());
        SubscribeRequest first = in.read(grammar);
        if (!(first instanceof Subscribe sub)) {
            s.send().finish();
            return;
        }
        if (subscriptions.incrementAndGet() > session.config().maxInboundSubscriptions()) {
            subscriptions.decrementAndGet();
            throw new MoqException(MoqError.BOUNDS_EXCEEDED, "too many subscriptions");
        }
        try {
            BroadcastConsumer broadcast = lookup.consume(Path.of(sub.broadcast()))
                    .orElseThrow(() -> new MoqException(MoqError.NOT_FOUND, "no broadcast " + sub.broadcast()));
            TrackConsumer track = broadcast.subscribe(new TrackInfo(sub.track(), sub.priority()));
            // Forward every group unless this subscriber falls further behind than the latency cap.
            track.maxLatency(sub.maxLatency().isZero() ? session.config().servedMaxLatency() : sub.maxLatency());
            new ServedTrack(s, in, grammar, sub, track).run();
        } finally {
            subscriptions.decrementAndGet();
        }
    }

    /** Sends bitrate estimates every probe interval when they moved enough; never resets the stream. */
    void serveProbe(BidiStream s, MessageReader in) throws InterruptedException {
        AtomicBoolean open = new AtomicBoolean(true);
        session.spawn("probe-read-" + s.id(), () -> {
            Grammar<Probe> grammar = Grammars.probes(session.version());
            try {
                while (in.read(grammar) != null) {
                    // a subscriber's target bitrate: informational only
                }
            } catch (DecodeException e) {
                s.recv().stop(Codes.of(e));
            } catch (StreamResetException | ConnectionClosedException e) {
                LOG.debug("probe stream {} read side ended: {}", s.id(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ProbeReporter reporter = new ProbeReporter();
        StreamWriter out = session.writer(s.send());
        SharedTicker.Waiter tick = SharedTicker.of(session.config().probeInterval()).waiter();
        try {
            while (open.get() && !session.isClosed()) {
                tick.await();
                var stats = session.connection().pathStats();
                long bitrate = reporter.onTick(stats.deliveryRate() * 8);
                if (bitrate >= 0) {
                    out.write(new Probe(bitrate, rttMillis(probeRtt(stats)))); // the RTT goes out on lite-04+
                }
            }
        } catch (StreamResetException e) {
            LOG.debug("probe stream {} stopped by peer: {}", s.id(), e.toString());
        }
    }

    /**
     * The RTT a PROBE reports: the path's floor (its minimum RTT) when known, else the smoothed RTT. Players
     * size their jitter allowance from it (hang: max(20 ms, 1.25 x RTT)), and the smoothed RTT of a loaded
     * sender is mostly its own scheduling and the pings queued behind its data (loopback at load 18: 44-112
     * ms smoothed against a 0.4 ms floor), which the PROBE bitrate already reports as congestion.
     */
    static java.time.Duration probeRtt(dev.parley.net.transport.PathStats stats) {
        java.time.Duration min = stats.minRtt();
        return min != null && !min.isZero() && !min.isNegative() ? min : stats.rtt();
    }

    /** A measured RTT in whole milliseconds for PROBE, where 0 means unknown: a sub-millisecond RTT is 1. */
    static long rttMillis(java.time.Duration rtt) {
        return rtt.isZero() || rtt.isNegative() ? 0 : Math.max(1, rtt.toMillis());
    }

    /**
     * lite-05 TRACK: answers TRACK_INFO for a published track, then FIN. Parley's tracks are live,
     * unordered, without a latency cap and timed in microseconds (hang's timescale).
     */
    void serveTrack(BidiStream s, MessageReader in) throws InterruptedException {
        Grammar<Track> grammar = Grammars.track(session.version());
        Track t = in.read(grammar);
        if (t == null) {
            s.send().finish();
            return;
        }
        if (lookup.consume(Path.of(t.broadcast())).isEmpty()) {
            throw new MoqException(MoqError.NOT_FOUND, "no broadcast " + t.broadcast());
        }
        session.writer(s.send()).write(new TrackProperties(0, false, java.time.Duration.ZERO, TrackProperties.MICROS));
        Streams.finishQuietly(s.send());
        in.read(grammar);
    }

    /**
     * lite-05 FETCH: one cached group of a published track, its frames (timed like a group stream) on this
     * stream, then FIN; a broadcast, track or group that is not there resets the stream with NOT_FOUND. A
     * group still being written is sent as it grows, each frame within the subscribe timeout.
     */
    void serveFetch(BidiStream s, MessageReader in) throws InterruptedException {
        Grammar<Fetch> grammar = Grammars.fetch(session.version());
        Fetch f = in.read(grammar);
        if (f == null) {
            s.send().finish();
            return;
        }
        BroadcastConsumer broadcast = lookup.consume(Path.of(f.broadcast()))
                .orElseThrow(() -> new MoqException(MoqError.NOT_FOUND, "no broadcast " + f.broadcast()));
        try (broadcast; TrackConsumer track = broadcast.subscribe(new TrackInfo(f.track(), f.priority()))) {
            GroupConsumer group = track.cachedGroup(f.group());
            if (group == null) {
                throw new MoqException(MoqError.NOT_FOUND, "group " + f.group() + " of " + f.broadcast() + "/" + f.track()
                        + " is not cached");
            }
            try (group) {
                s.send().setPriority(StreamPriority.of(f.priority(), track.info().priority(), f.group()));
                Frame.HeaderWriter headers = new Frame.HeaderWriter(session.version());
                Duration wait = session.config().subscribeTimeout();
                for (byte[] frame = group.readFrame(wait); frame != null; frame = group.readFrame(wait)) {
                    s.send().write(headers.header(frame.length, group.timestamp(group.position() - 1)));
                    s.send().write(frame);
                }
                s.send().finish();
            }
        }
        in.read(grammar); // then the fetcher's FIN
    }

    /** One served subscription: the group loop plus a watcher on the subscriber's half. */
    private final class ServedTrack {
        private final BidiStream stream;
        private final MessageReader in;
        private final Grammar<SubscribeRequest> grammar;
        private final Subscribe sub;
        private final TrackConsumer track;
        /** Group streams being written, with their group sequence (to re-prioritise them on SUBSCRIBE_UPDATE). */
        private final Map<SendStream, Long> inFlight = new ConcurrentHashMap<>();
        /** The subscriber's priority, changed by lite-05 SUBSCRIBE_UPDATE. */
        private volatile int priority;
        /** lite-05: the last group to serve (SUBSCRIBE's or SUBSCRIBE_UPDATE's end group, inclusive); MAX for none. */
        private volatile long lastGroup;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private final java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(MAX_GROUPS_IN_FLIGHT);

        ServedTrack(BidiStream stream, MessageReader in, Grammar<SubscribeRequest> grammar, Subscribe sub, TrackConsumer track) {
            this.stream = stream;
            this.in = in;
            this.grammar = grammar;
            this.sub = sub;
            this.track = track;
            this.priority = sub.priority();
            this.lastGroup = session.version().subscribeStart() ? sub.endGroup().orElse(Long.MAX_VALUE) : Long.MAX_VALUE;
        }

        void run() throws InterruptedException {
            session.closeOnShutdown(track::close);
            StreamWriter out = session.writer(stream.send());
            boolean started = !session.version().subscribeStart();
            if (started) {
                out.write(SubscribeOk.interop(sub.priority()));
            }
            session.spawn("subscribe-watch-" + stream.id(), this::watch);
            SendStream ahead = null; // the next group's stream, opened while we wait for the group
            try {
                while (true) {
                    if (!takeSlot()) {
                        break;
                    }
                    if (ahead == null && (ahead = openAhead()) == null) {
                        slots.release();
                        break;
                    }
                    GroupConsumer g = track.nextGroup();
                    if (g == null) {
                        slots.release();
                        break;
                    }
                    GroupConsumer group = g;
                    if (group.sequence() > lastGroup) { // lite-05: the end group caps what is served
                        group.close();
                        slots.release();
                        if (!started) {
                            started = true;
                            out.write(new SubscribeStart(group.sequence()));
                        }
                        out.write(new SubscribeEnd(lastGroup + 1));
                        break;
                    }
                    if (!started) { // lite-05: the start is known with the first group
                        started = true;
                        out.write(new SubscribeStart(group.sequence()));
                    }
                    SendStream u = ahead;
                    ahead = null;
                    session.spawn("group-" + sub.id() + "-" + group.sequence(), () -> {
                        try {
                            sendGroup(group, u);
                        } finally {
                            slots.release();
                        }
                    });
                }
                if (!cancelled.get()) {
                    if (!started) {
                        out.write(new SubscribeEnd(0)); // lite-05: the track ended without a group
                    }
                    Streams.finishQuietly(stream.send());
                }
            } catch (MoqException e) {
                if (!cancelled.get()) {
                    stream.send().reset(e.wireCode());
                }
            } finally {
                if (ahead != null) {
                    ahead.reset(MoqError.CANCEL.wireCode()); // never written: the peer sees a stream reset before its type
                }
                track.close();
            }
        }

        /**
         * Opens the stream for the group after the ones in flight, before that group exists. On raw QUIC an
         * open is a round trip to the connection's event loop (0.4-0.7 ms, up to 3 ms in the relay
         * benchmark), and every group (keyframe) used to pay it before its first byte; now it is paid in the
         * gap between groups. Null once the connection is closed. Blocks while the peer grants no stream,
         * as a group task did before.
         */
        private SendStream openAhead() {
            try {
                return session.connection().openUni();
            } catch (ConnectionClosedException e) {
                return null;
            }
        }

        /**
         * Waits for one of the {@link #MAX_GROUPS_IN_FLIGHT} group slots; false once cancelled. A subscriber
         * that stops reading (or stops granting streams) holds at most that many groups here: the next group
         * is taken from the track only when a slot frees, and the track's live cursor has skipped ahead by then.
         */
        private boolean takeSlot() throws InterruptedException {
            while (!slots.tryAcquire(250, TimeUnit.MILLISECONDS)) {
                if (cancelled.get() || session.isClosed()) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Reads SUBSCRIBE_UPDATEs until the subscriber closes its half: on lite-05 they are live (the new
         * priority applies to the group streams in flight and to come, the end group caps what is served); on
         * lite-03/04 they are ignored, as C-era peers do.
         */
        private void watch() {
            try {
                for (SubscribeRequest r = in.read(grammar); r != null; r = in.read(grammar)) {
                    if (!(r instanceof SubscribeUpdate u) || !session.version().subscribeStart()) {
                        LOG.debug("ignoring SUBSCRIBE_UPDATE on subscription {}", sub.id());
                        continue;
                    }
                    priority = u.priority();
                    lastGroup = u.endGroup().orElse(Long.MAX_VALUE);
                    inFlight.forEach((stream, seq) ->
                            stream.setPriority(StreamPriority.of(u.priority(), track.info().priority(), seq)));
                    LOG.debug("subscription {} updated: priority {}, last group {}", sub.id(), u.priority(), u.endGroup());
                }
            } catch (DecodeException e) {
                stream.recv().stop(Codes.of(e));
                stream.send().reset(Codes.of(e));
            } catch (StreamResetException | ConnectionClosedException e) {
                LOG.debug("subscription {} reset by peer: {}", sub.id(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            cancel();
        }

        private void cancel() {
            if (cancelled.compareAndSet(false, true)) {
                track.close();
                long code = MoqError.CANCEL.wireCode();
                LOG.debug("subscription {} ({}) ended by the peer: resetting {} group streams {}", sub.id(), sub.track(),
                        inFlight.size(), inFlight.values());
                inFlight.keySet().forEach(u -> u.reset(code));
                Streams.finishQuietly(stream.send());
            }
        }

        /**
         * Once a newer group of the track started, this one's leftovers yield to it (one priority band
         * down); a grace later they can no longer arrive in time: reset the stream with {@link MoqError#OLD}
         * and, if it is still being written, stop reading the group, which frees the writer. A group written
         * to the end is reset too: its bytes may still wait unsent in the transport (over QMux, in the
         * stream's queue behind a bottleneck; a reset drops them). Once all of it left, the reset does nothing.
         */
        private void dropWhenStale(GroupConsumer group, SendStream u, long priority) {
            Duration grace = staleGrace();
            group.superseded()
                    .thenRun(() -> u.setPriority(StreamPriority.superseded(priority)))
                    .thenRunAsync(() -> {
                        boolean writing = inFlight.containsKey(u);
                        u.reset(MoqError.OLD.wireCode());
                        if (writing) {
                            LOG.debug("group {} of subscription {} is stale, resetting its stream", group.sequence(), sub.id());
                            group.close();
                        }
                    }, CompletableFuture.delayedExecutor(grace.toNanos(), TimeUnit.NANOSECONDS));
        }

        /** The session's grace, or the subscriber's max latency when that is shorter (moq-lite: drop non-latest groups older than it). */
        private Duration staleGrace() {
            Duration grace = session.config().staleGroupGrace();
            return sub.maxLatency().isZero() || sub.maxLatency().compareTo(grace) > 0 ? grace : sub.maxLatency();
        }

        private void sendGroup(GroupConsumer group, SendStream u) {
            inFlight.put(u, group.sequence());
            long written = 0;
            try {
                if (cancelled.get()) {
                    u.reset(MoqError.CANCEL.wireCode());
                    return;
                }
                long priority = StreamPriority.of(this.priority, track.info().priority(), group.sequence());
                u.setPriority(priority);
                dropWhenStale(group, u, priority);
                // The header waits for the group's first frame and rides with it: alone it gives the subscriber
                // nothing to decode, and one write per group start instead of two saves a packet on QUIC. At a
                // relay the group exists once its header arrives from upstream, long before a keyframe's last
                // byte: writing N headers then (N QMux pumps and socket writes, N stream accepts at the
                // watchers) competed with receiving the rest of that keyframe (RelayBench, 100 watchers).
                byte[] first = group.readFrame();
                if (LOG.isDebugEnabled() && !sub.track().startsWith("audio")) {
                    LOG.debug("group {} of subscription {} ({}) starts{}", group.sequence(), sub.id(), sub.track(),
                            first == null ? "" : " with a " + first.length + " B frame");
                }
                session.writer(u).writeType(StreamType.GROUP, new GroupHeader(sub.id(), group.sequence()), first == null);
                Frame.HeaderWriter headers = new Frame.HeaderWriter(session.version());
                for (byte[] f = first != null ? first : group.readFrame(); f != null; f = group.readFrame()) {
                    u.write(headers.header(f.length, group.timestamp(group.position() - 1))); // µs = TrackProperties.MICROS
                    u.write(f);
                    u.flush();
                    written += f.length;
                    if (cancelled.get()) {
                        LOG.debug("group {} of subscription {} ({}) wrote a {} B frame after the unsubscribe", group.sequence(),
                                sub.id(), sub.track(), f.length);
                    }
                }
                u.finish();
            } catch (MoqException e) {
                u.reset(e.wireCode());
            } catch (StreamResetException e) {
                LOG.debug("group {} of subscription {} stopped by peer: {}", group.sequence(), sub.id(), e.toString());
            } catch (IllegalStateException e) {
                LOG.debug("group {} of subscription {} was reset by the unsubscribe", group.sequence(), sub.id());
            } catch (ConnectionClosedException e) {
                LOG.debug("connection closed while sending group {}", group.sequence());
            } finally {
                inFlight.remove(u);
                group.close();
                if (LOG.isDebugEnabled() && !sub.track().startsWith("audio")) {
                    LOG.debug("group {} of subscription {} ({}) ended after {} B{}", group.sequence(), sub.id(), sub.track(),
                            written, cancelled.get() ? " (cancelled)" : "");
                }
            }
        }
    }
}
