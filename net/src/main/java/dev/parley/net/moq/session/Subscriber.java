package dev.parley.net.moq.session;

import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.MoqError;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.OriginProducer;
import dev.parley.net.moq.model.Path;
import dev.parley.net.moq.model.TrackLimits;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.wire.Announce;
import dev.parley.net.moq.wire.AnnounceOk;
import dev.parley.net.moq.wire.AnnouncePlease;
import dev.parley.net.moq.wire.AnnounceStreamMessage;
import dev.parley.net.moq.wire.DecodeException;
import dev.parley.net.moq.wire.Frame;
import dev.parley.net.moq.wire.Grammar;
import dev.parley.net.moq.wire.Grammars;
import dev.parley.net.moq.wire.GroupHeader;
import dev.parley.net.moq.wire.GroupStreamItem;
import dev.parley.net.moq.wire.Probe;
import dev.parley.net.moq.wire.StreamType;
import dev.parley.net.moq.wire.Subscribe;
import dev.parley.net.moq.wire.SubscribeDrop;
import dev.parley.net.moq.wire.SubscribeResponse;
import dev.parley.net.moq.wire.Track;
import dev.parley.net.moq.wire.TrackProperties;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.ConnectionClosedException;
import dev.parley.net.transport.RecvStream;
import dev.parley.net.transport.StreamResetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The subscriber role of a session: one Announce stream (prefix "") opened at start feeds the peer's
 * broadcasts into the remote origin; each track a local reader asks for becomes a Subscribe stream (and on
 * lite-05 a TRACK stream for its timescale), and incoming group streams are routed by subscribe id into that
 * track with their frame timestamps in microseconds.
 */
final class Subscriber {
    private static final Logger LOG = LoggerFactory.getLogger(Subscriber.class);

    private final MoqSession session;
    private final OriginProducer remoteOrigin;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition announced = lock.newCondition();
    private final Map<String, BroadcastProducer> broadcasts = new HashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private final Map<Long, TrackProducer> tracks = new ConcurrentHashMap<>();
    /** lite-05: each subscription's timescale, from the TRACK_INFO its TRACK stream returns. */
    private final Map<Long, CompletableFuture<Long>> timescales = new ConcurrentHashMap<>();
    private final AtomicLong probeEstimate = new AtomicLong(-1);
    private final AtomicLong probeRtt = new AtomicLong(-1);
    private boolean ended;

    Subscriber(MoqSession session, OriginProducer remoteOrigin) {
        this.session = session;
        this.remoteOrigin = remoteOrigin;
    }

    /** The latest PROBE bitrate the peer sent, in bits per second. */
    OptionalLong probeEstimate() {
        long v = probeEstimate.get();
        return v < 0 ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** The latest PROBE RTT the peer sent, in milliseconds (lite-04+; a message without one leaves the last standing). */
    OptionalLong probeRttMillis() {
        long v = probeRtt.get();
        return v < 0 ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** Waits until the peer announces {@code name}; a fresh consumer of it, or null after the timeout. */
    BroadcastConsumer awaitBroadcast(String name, Duration timeout) throws InterruptedException {
        String key = Path.of(name).value();
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                BroadcastProducer b = broadcasts.get(key);
                if (b != null) {
                    return b.consume();
                }
                long left = deadline - System.nanoTime();
                if (ended || left <= 0) {
                    return null;
                }
                announced.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Opens the Announce stream for every broadcast of the peer and follows it until it ends. */
    void runAnnounces() throws InterruptedException {
        BidiStream s = session.connection().openBidi();
        // a relay asks the peer to leave out what came through the relay itself (lite-04+)
        session.writer(s.send()).writeType(StreamType.ANNOUNCE, new AnnouncePlease("", session.hooks().originId()));
        MessageReader in = new MessageReader(s.recv(), session.config().wire());
        Grammar<AnnounceStreamMessage> grammar = Grammars.announces(session.version());
        MoqException endedWith = null;
        long peerHop = 0;
        try {
            for (AnnounceStreamMessage m = in.read(grammar); m != null; m = in.read(grammar)) {
                if (m instanceof dev.parley.net.moq.wire.AnnounceInit init) { // lite-02: the initial set
                    for (String suffix : init.suffixes()) {
                        addBroadcast(s, Path.of(suffix).value(), List.of());
                    }
                    continue;
                }
                if (!(m instanceof Announce a)) {
                    peerHop = ((AnnounceOk) m).hopId();
                    LOG.debug("peer announce stream opened: {}", m);
                    continue;
                }
                String path = Path.of(a.suffix()).value();
                if (a.active()) {
                    if (session.version().setup() && hasBroadcast(path)) {
                        removeBroadcast(path); // lite-05: a second active restarts the broadcast
                    }
                    List<Long> hops = a.hops();
                    if (peerHop != 0) { // lite-05: the publisher's own id comes in ANNOUNCE_OK
                        hops = new java.util.ArrayList<>(hops);
                        hops.add(peerHop);
                    }
                    addBroadcast(s, path, hops);
                } else {
                    removeBroadcast(path);
                }
            }
            LOG.debug("peer finished its announce stream");
        } catch (DecodeException e) {
            s.recv().stop(Codes.of(e));
            s.send().reset(Codes.of(e));
        } catch (MoqException e) {
            LOG.warn("closing the announce stream: {}", e.getMessage());
            s.recv().stop(e.wireCode());
            s.send().reset(e.wireCode());
        } catch (StreamResetException e) {
            LOG.debug("announce stream reset by peer: {}", e.toString());
        } catch (ConnectionClosedException e) {
            endedWith = MoqSession.errorFor(e.reason());
        } finally {
            endAll(endedWith);
        }
    }

    private void addBroadcast(BidiStream s, String path, List<Long> hops) {
        session.hooks().announceGate().check(path); // a refusal resets the announce stream with its code
        BroadcastProducer b;
        lock.lock();
        try {
            if (broadcasts.containsKey(path)) {
                throw new SessionViolation(MoqError.DUPLICATE, "broadcast " + path + " announced twice");
            }
            if (broadcasts.size() >= session.config().maxRemoteAnnounces()) {
                throw new MoqException(MoqError.BOUNDS_EXCEEDED, "peer announced more than "
                        + session.config().maxRemoteAnnounces() + " broadcasts");
            }
            b = new BroadcastProducer(TrackLimits.DEFAULT.withMaxGroups(session.config().maxGroupsPerTrack())).hops(hops);
            b.setTrackRequestHandler(request -> session.spawn("subscribe-" + path + "/" + request.info().name(),
                    () -> runTrack(path, request.producer())));
            broadcasts.put(path, b);
            announced.signalAll();
        } finally {
            lock.unlock();
        }
        remoteOrigin.publish(Path.of(path), b.consume());
        LOG.debug("peer announced {}", path);
    }

    private boolean hasBroadcast(String path) {
        lock.lock();
        try {
            return broadcasts.containsKey(path);
        } finally {
            lock.unlock();
        }
    }

    private void removeBroadcast(String path) {
        BroadcastProducer b;
        lock.lock();
        try {
            b = broadcasts.remove(path);
        } finally {
            lock.unlock();
        }
        if (b == null) {
            throw new SessionViolation(MoqError.NOT_FOUND, "broadcast " + path + " ended without being active");
        }
        b.close();
        LOG.debug("peer ended {}", path);
    }

    /** Ends every remote broadcast and track: cleanly when {@code error} is null. */
    void endAll(MoqException error) {
        List<BroadcastProducer> all;
        lock.lock();
        try {
            all = List.copyOf(broadcasts.values());
            broadcasts.clear();
            if (error != null) {
                ended = true;
            }
            announced.signalAll();
        } finally {
            lock.unlock();
        }
        for (BroadcastProducer b : all) {
            if (error == null) {
                b.close();
            } else {
                b.abort(error);
            }
        }
        if (error != null) {
            tracks.values().forEach(t -> t.abort(error));
            tracks.clear();
        }
    }

    /** One Subscribe stream: SUBSCRIBE, wait for SUBSCRIBE_OK, then hold it until the track ends or goes unused. */
    private void runTrack(String path, TrackProducer track) {
        long id = nextId.getAndIncrement();
        tracks.put(id, track);
        if (session.version().frameTimestamps()) {
            CompletableFuture<Long> timescale = new CompletableFuture<>();
            timescales.put(id, timescale);
            session.spawn("track-info-" + id, () -> fetchTimescale(path, track.info().name(), timescale));
        }
        BidiStream s = null;
        try {
            s = session.connection().openBidi();
            BidiStream stream = s;
            session.writer(s.send()).writeType(StreamType.SUBSCRIBE,
                    Subscribe.live(id, path, track.info().name(), track.info().priority()));
            track.unused().thenRun(() -> unsubscribe(id, stream));
            MessageReader in = new MessageReader(s.recv(), session.config().wire());
            Grammar<SubscribeResponse> grammar = Grammars.subscribeResponses(session.version());
            SubscribeResponse first = in.read(grammar);
            if (first == null) {
                track.close();
                return;
            }
            if (first instanceof SubscribeDrop && !session.version().subscribeStart()) {
                // lite-03/04: SUBSCRIBE_OK comes first (lite-05 has no OK; any response may open)
                throw new MoqException(MoqError.PROTOCOL_VIOLATION, "first subscribe response was " + first);
            }
            for (SubscribeResponse r = in.read(grammar); r != null; r = in.read(grammar)) {
                LOG.debug("ignoring extra subscribe response {} on subscription {}", r, id);
            }
            track.close();
        } catch (DecodeException e) {
            s.recv().stop(Codes.of(e));
            s.send().reset(Codes.of(e));
            track.abort(new MoqException(MoqError.DECODE, e.getMessage()));
        } catch (StreamResetException e) {
            if (tracks.containsKey(id)) {
                track.abort(MoqException.fromWireCode(e.code(), "subscription " + id + " reset by peer"));
            } else {
                track.close(); // we unsubscribed: the read fails with our own stop code
            }
        } catch (MoqException e) {
            if (s != null) {
                s.recv().stop(e.wireCode());
                s.send().reset(e.wireCode());
            }
            track.abort(e);
        } catch (ConnectionClosedException e) {
            track.abort(new MoqException(MoqError.TRANSPORT, "session closed"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            track.abort(new MoqException(MoqError.CANCEL, "interrupted"));
        } finally {
            tracks.remove(id);
            timescales.remove(id);
        }
    }

    /**
     * lite-05: a TRACK stream for the track's properties; completes {@code timescale} with its timescale,
     * or with microseconds (what hang publishers use) when the peer refuses TRACK or ends without an answer.
     */
    private void fetchTimescale(String path, String name, CompletableFuture<Long> timescale) {
        BidiStream s = null;
        try {
            s = session.connection().openBidi();
            session.writer(s.send()).writeType(StreamType.TRACK, new Track(path, name));
            Streams.finishQuietly(s.send());
            MessageReader in = new MessageReader(s.recv(), session.config().wire());
            Grammar<TrackProperties> grammar = Grammars.trackInfo(session.version());
            TrackProperties p = in.read(grammar);
            if (p == null) {
                LOG.debug("no TRACK_INFO for {}/{}; assuming µs timestamps", path, name);
                timescale.complete(TrackProperties.MICROS);
                return;
            }
            timescale.complete(p.timescale());
            in.read(grammar); // then FIN
        } catch (DecodeException e) {
            timescale.complete(TrackProperties.MICROS);
            s.recv().stop(Codes.of(e));
            LOG.debug("bad TRACK_INFO for {}/{}: {}", path, name, e.getMessage());
        } catch (StreamResetException e) {
            timescale.complete(TrackProperties.MICROS);
            LOG.debug("TRACK {}/{} refused ({}); assuming µs timestamps", path, name, e.code());
        } catch (ConnectionClosedException e) {
            timescale.complete(TrackProperties.MICROS);
        } catch (InterruptedException e) {
            timescale.complete(TrackProperties.MICROS);
            Thread.currentThread().interrupt();
        }
    }

    /** A timestamp in {@code timescale} units per second as microseconds (exact for µs, ms, 90 kHz, 48 kHz...). */
    static long toMicros(long timestamp, long timescale) {
        if (timescale == TrackProperties.MICROS) {
            return timestamp;
        }
        long whole = timestamp / timescale;
        long rest = timestamp % timescale;
        try {
            return Math.addExact(Math.multiplyExact(whole, TrackProperties.MICROS),
                    Math.multiplyExact(rest, TrackProperties.MICROS) / timescale);
        } catch (ArithmeticException overflow) {
            return (long) Math.min(Long.MAX_VALUE, (double) timestamp * TrackProperties.MICROS / timescale);
        }
    }

    /** How long a group stream waits for its track's TRACK_INFO before taking its timestamps as µs. */
    private static final Duration TIMESCALE_WAIT = Duration.ofSeconds(2);

    private long timescaleOf(long subscribeId) throws InterruptedException {
        CompletableFuture<Long> f = timescales.get(subscribeId);
        if (f == null) {
            return TrackProperties.MICROS;
        }
        try {
            return f.get(TIMESCALE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return TrackProperties.MICROS;
        }
    }

    private void unsubscribe(long id, BidiStream s) {
        TrackProducer track = tracks.remove(id);
        if (track == null) {
            return;
        }
        LOG.debug("subscription {} ({}) unused, closing its stream", id, track.info().name());
        try {
            s.send().finish();
            s.recv().stop(MoqError.CANCEL.wireCode());
        } catch (RuntimeException e) {
            LOG.debug("subscribe stream {} already closed: {}", s.id(), e.toString());
        }
    }

    /** A Group stream, after its type: route it to its subscription's track. */
    void receiveGroup(RecvStream r, MessageReader in) throws InterruptedException {
        Grammar<GroupStreamItem> grammar = Grammars.group(session.version());
        GroupStreamItem head = in.read(grammar);
        if (!(head instanceof GroupHeader h)) {
            return;
        }
        TrackProducer track = tracks.get(h.subscribeId());
        if (track == null) {
            if (h.subscribeId() >= nextId.get()) {
                throw new SessionViolation(MoqError.PROTOCOL_VIOLATION, "group for unknown subscription " + h.subscribeId());
            }
            r.stop(MoqError.CANCEL.wireCode()); // a subscription we already closed
            return;
        }
        long timescale = session.version().frameTimestamps() ? timescaleOf(h.subscribeId()) : TrackProperties.MICROS;
        GroupProducer group = track.createGroup(h.sequence());
        stopWhenStale(r, group);
        try {
            for (GroupStreamItem item = in.read(grammar); item != null; item = in.read(grammar)) {
                Frame frame = (Frame) item;
                // lite-05 timestamps, in the track's timescale, kept as µs (a relay hop serves them again); 0 before lite-05
                group.writeFrame(frame.payload(), toMicros(frame.timestamp(), timescale));
            }
            group.close();
        } catch (StreamResetException e) {
            group.abort(MoqException.fromWireCode(e.code(), "group reset by peer"));
        } catch (DecodeException e) {
            group.abort(new MoqException(MoqError.DECODE, e.getMessage()));
            throw e;
        } catch (MoqException e) {
            group.abort(e);
            throw e;
        } finally {
            // Whatever ended this stream (a transport error included), readers must not wait on the group.
            group.abort(new MoqException(MoqError.TRANSPORT, "group " + h.sequence() + " stream ended"));
        }
    }

    /**
     * Once a newer group of the track started, a group whose stream is still open a grace later can no
     * longer arrive in time: readers have moved on, so stop the stream (STOP_SENDING {@link MoqError#OLD},
     * the publisher then resets it and stops retransmitting) and abort the group.
     */
    private void stopWhenStale(RecvStream r, GroupProducer group) {
        Duration grace = session.config().staleGroupGrace();
        group.superseded().thenRunAsync(() -> {
            if (!group.isEnded()) {
                LOG.debug("group {} is stale, stopping its stream {}", group.sequence(), r.id());
                group.abort(new MoqException(MoqError.OLD, "group " + group.sequence() + " superseded and stalled"));
                r.stop(MoqError.OLD.wireCode());
            }
        }, CompletableFuture.delayedExecutor(grace.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** Opens a Probe stream and keeps the peer's latest estimate (on lite-05 only if the peer's SETUP offers probes). */
    void runProbe() throws InterruptedException {
        if (!session.version().probe()) {
            return; // lite-02 has no Probe stream
        }
        if (session.version().setup()) {
            try {
                var setup = session.peerSetup().get();
                if (setup.probeCapability() < dev.parley.net.moq.wire.Setup.PROBE_REPORT) {
                    LOG.debug("peer does not report probes; no Probe stream");
                    return;
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                return; // the session ended before the peer's SETUP
            }
        }
        BidiStream s = session.connection().openBidi();
        s.send().write(new byte[]{(byte) StreamType.PROBE.code()});
        s.send().flush();
        // lite-04 on: a PROBE bitrate of 0 means "unknown", so ours asks nothing of the peer. Raw QUIC only:
        // over WebSocket, TCP acknowledges and repeats its own ACKs, and the PROBEs would only cost both sides.
        if (!session.config().ackElicitInterval().isZero() && session.version().probeRtt()
                && "quic".equals(session.connection().binding())) {
            session.spawn("probe-acks", () -> elicitAcks(s));
        }
        MessageReader in = new MessageReader(s.recv(), session.config().wire());
        Grammar<Probe> grammar = Grammars.probes(session.version());
        try {
            for (Probe p = in.read(grammar); p != null; p = in.read(grammar)) {
                probeEstimate.set(p.bitrate());
                if (p.rttMillis() > 0) {
                    probeRtt.set(p.rttMillis());
                }
            }
        } catch (DecodeException e) {
            s.recv().stop(Codes.of(e));
        } catch (StreamResetException e) {
            LOG.debug("probe stream reset by peer: {}", e.toString());
        }
    }

    /**
     * While media arrives, a PROBE with no target (bitrate 0) every {@link SessionConfig#ackElicitInterval()}
     * on our Probe stream (see {@link AckElicitor}); the publisher reads and ignores it. Ends with the
     * session or the stream. Raw QUIC only (a WebSocket's TCP needs no help with its ACKs).
     */
    private void elicitAcks(BidiStream s) {
        AckElicitor elicitor = new AckElicitor(session.config().ackElicitInterval());
        StreamWriter out = session.writer(s.send());
        // Ticks at half the interval, so a PROBE goes out within 1.5 intervals of the last.
        SharedTicker.Waiter tick = SharedTicker.of(Duration.ofMillis(Math.max(1, session.config().ackElicitInterval().toMillis() / 2))).waiter();
        try {
            while (!session.isClosed()) {
                tick.await();
                var path = session.connection().pathStats();
                if (elicitor.onTick(System.nanoTime() / 1_000_000, path.bytesReceived(), path.bytesSent())) {
                    out.write(new Probe(0, 0));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("probe stream {} closed for our PROBEs: {}", s.id(), e.toString());
        }
    }

    /** Announce-stream semantics broke: the whole session closes with this code. */
    static final class SessionViolation extends RuntimeException {
        final MoqError error;

        SessionViolation(MoqError error, String message) {
            super(message);
            this.error = error;
        }
    }
}
