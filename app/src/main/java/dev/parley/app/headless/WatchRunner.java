package dev.parley.app.headless;

import dev.parley.app.cli.ExitCodes;
import dev.parley.app.cli.Terminal;
import dev.parley.app.cli.WatchFlags;
import dev.parley.app.wiring.MediaLinks;
import dev.parley.media.adapt.NetworkSignals;
import dev.parley.media.hang.MediaTimeline;
import dev.parley.media.playout.NullAudioSink;
import dev.parley.media.source.Clock;
import dev.parley.media.stats.WatchStats;
import dev.parley.media.watch.Adaptation;
import dev.parley.media.watch.RemoteMedia;
import dev.parley.media.watch.RenditionChoice;
import dev.parley.media.watch.WatchOptions;
import dev.parley.media.watch.WatchWarmUp;
import dev.parley.net.identity.Identity;
import dev.parley.net.moq.session.Moq;
import dev.parley.net.moq.session.MoqRelayUrl;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.qmux.QmuxServer;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.net.ticket.LiveTicket;
import dev.parley.net.ticket.TicketException;
import dev.parley.net.transport.PathStats;

import dev.parley.media.codec.VideoPreset;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code parley watch --headless}: validate the ticket (a bad one is one line and exit 2), dial its address
 * over QUIC, subscribe the broadcast, decode it with {@link RemoteMedia} and print one JSON stats line per
 * second until {@code --duration} ends. A few event lines, told apart by their {@code "event"} key, mark
 * the moments a person waits for, in milliseconds since the dial started: {@code dialing},
 * {@code connected}, {@code catalog} (the first catalog arrived; seen within the 100 ms frame wait),
 * {@code first-frame} (with the rendition it came from), and {@code resumed} when frames come back after a gap of
 * {@value #GAP_MS} ms or more (with the gap's length). Through a moq relay, a GOAWAY naming another relay
 * (a draining relay's {@code --goaway-uri}) is followed: {@code redirected} (with the new relay, its token
 * redacted), the broadcast subscribed there, and watching goes on (not while recording: a recording is one session's).
 */
final class WatchRunner {
    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);
    /** A pause between two decoded frames at least this long is reported by a {@code resumed} event. */
    static final long GAP_MS = 500;

    private WatchRunner() {}

    static int run(WatchFlags options, Terminal terminal) {
        if (options.listen() != null) {
            return listen(options, terminal);
        }
        if (options.moqRelay() != null) {
            return throughRelay(options, terminal);
        }
        LiveTicket ticket;
        try {
            ticket = LiveTicket.parse(options.ticket());
        } catch (TicketException e) {
            return fail(terminal, "bad ticket: " + e.getMessage(), ExitCodes.USAGE);
        }
        WatchWarmUp.start(); // catalog parsing and FFmpeg load while we dial, not after the media arrives
        long bindStart = System.nanoTime();
        // A fresh identity on purpose (--profile is ignored here): a watcher only dials out, nobody needs
        // to recognise it, and it must not clash with a window or publisher running the same profile.
        try (Endpoint endpoint = Endpoint.bind(options.net().apply(EndpointConfig.of(Identity.generate())));
             Moq moq = Moq.attach(endpoint)) {
            MoqSession session;
            String connectedPath;
            long dialStart = System.nanoTime();
            event(terminal, "dialing", dialStart, "\"addresses\":" + ticket.addr().directAddresses().size()
                    + ",\"relays\":" + ticket.addr().relayUrls().size() + startup(bindStart, dialStart));
            try {
                session = moq.connect(ticket.addr()).get(DIAL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                connectedPath = session.connection().pathInfo().describe();
                event(terminal, "connected", dialStart, "\"path\":\"" + connectedPath + "\"");
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                return fail(terminal, "cannot reach " + ticket.addr().directAddresses()
                        + (ticket.addr().relayUrls().isEmpty() ? "" : " or through " + ticket.addr().relayUrls()) + ": " + cause, ExitCodes.FAILED);
            }
            int code = watch(session, ticket.broadcast(), options, terminal, dialStart, connectedPath);
            if (code != ExitCodes.OK) {
                return code;
            }
            session.close();
            return ExitCodes.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.OK;
        } catch (Exception e) {
            return fail(terminal, e.getMessage(), ExitCodes.FAILED);
        }
    }

    /**
     * {@code --moq-relay URL NAME}: dials the relay as its URL says (raw QUIC and/or WebSocket, {@link MoqRelayUrl}) at the URL's path (its scope, with its
     * {@code ?jwt=}) and watches NAME there. A relay that refuses the session (a bad token, a scope the
     * token does not cover) or has no such broadcast is one line saying so and exit 1.
     */
    private static int throughRelay(WatchFlags options, Terminal terminal) {
        MoqRelayUrl url;
        try {
            url = MoqRelayUrl.parse(options.moqRelay());
        } catch (IllegalArgumentException e) {
            return fail(terminal, "--moq-relay: " + e.getMessage(), ExitCodes.USAGE);
        }
        WatchWarmUp.start();
        // A relay named by its key (moql://<id>@…) is dialed from an endpoint of our own, whose handshake checks it.
        Endpoint keyed = url.relayId().isEmpty() ? null
                : Endpoint.bind(options.net().apply(EndpointConfig.of(Identity.generate())));
        try (keyed; Moq moq = keyed != null ? Moq.attach(keyed)
                : new Moq(peer -> java.util.concurrent.CompletableFuture.failedFuture(
                        new IllegalStateException("watching through a relay dials no peers")), Moq.Options.DEFAULT)) {
            long dialStart = System.nanoTime();
            event(terminal, "dialing", dialStart, "\"relay\":\"" + jsonEscape(url.redacted()) + "\"");
            MoqSession session;
            try {
                session = moq.connect(url).get(DIAL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                String why = e instanceof ExecutionException ? e.getCause().getMessage()
                        : "no answer within " + DIAL_TIMEOUT.toSeconds() + " s";
                return fail(terminal, "cannot reach the moq relay " + url.redacted() + ": " + why, ExitCodes.FAILED);
            }
            String via = "moq-relay " + url.redacted();
            event(terminal, "connected", dialStart, "\"path\":\"" + jsonEscape(via) + "\",\"transport\":\""
                    + session.connection().binding() + "\"");
            MoqRelayUrl[] current = {url};
            try {
                return watch(session, options.ticket(), options, terminal, dialStart, session.connection().pathInfo().describe(),
                        old -> followGoaway(moq, current, old, terminal, dialStart));
            } catch (dev.parley.net.moq.model.MoqException | dev.parley.net.transport.TransportException e) {
                var closed = session.closed().getNow(null);
                return fail(terminal, "cannot watch '" + options.ticket() + "' through the moq relay " + url.redacted() + ": "
                        + (closed != null ? "the relay closed the session (" + closed + ")" : e.getMessage()), ExitCodes.FAILED);
            } finally {
                session.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.OK;
        } catch (Exception e) {
            return fail(terminal, e.getMessage(), ExitCodes.FAILED);
        }
    }

    /**
     * A GOAWAY's new relay, dialed (the event {@code redirected}), or null when the GOAWAY named none or
     * the new relay cannot be reached (then watching ends with the old session, as without a redirect).
     */
    private static MoqSession followGoaway(Moq moq, MoqRelayUrl[] current, MoqSession old, Terminal terminal, long dialStart)
            throws InterruptedException {
        String uri = old.goawayReceived().getNow("");
        if (uri == null || uri.isEmpty()) {
            return null;
        }
        try {
            MoqRelayUrl to = current[0].redirect(uri);
            MoqSession next = moq.connect(to).get(DIAL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            event(terminal, "redirected", dialStart, "\"relay\":\"" + jsonEscape(to.redacted()) + "\",\"from\":\""
                    + jsonEscape(current[0].redacted()) + "\"");
            current[0] = to;
            return next;
        } catch (IllegalArgumentException | ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            terminal.err().println("parley watch: the moq relay sent GOAWAY to '" + uri + "', which did not work: " + cause.getMessage());
            terminal.err().flush();
            return null;
        }
    }

    /** Where a session that received GOAWAY goes next: a new session, or null to stay until it ends. */
    @FunctionalInterface
    interface Redirect {
        MoqSession follow(MoqSession goingAway) throws InterruptedException;
    }

    /** What watching one broadcast on one session holds open. */
    private record Watching(AutoCloseable others, RemoteMedia remote, AutoCloseable link) implements AutoCloseable {
        static Watching open(MoqSession session, String broadcast, RenditionChoice choice, Terminal terminal, long dialStart)
                throws Exception {
            // the peer's other broadcasts, for renditions whose catalog entry points at another broadcast
            var others = session.announced("");
            RemoteMedia remote = null;
            try {
                remote = new RemoteMedia(announcedBroadcast(session, broadcast, terminal, dialStart),
                        WatchOptions.defaults().withChoice(choice).withAudioSink(new NullAudioSink()),
                        dev.parley.media.watch.SiblingBroadcasts.of(others, broadcast));
                return new Watching(others, remote, MediaLinks.follow(session, remote));
            } catch (Exception | Error e) {
                if (remote != null) {
                    remote.close();
                }
                others.close();
                throw e;
            }
        }

        @Override
        public void close() throws Exception {
            try {
                link.close();
            } finally {
                try {
                    remote.close();
                } finally {
                    others.close();
                }
            }
        }
    }

    private static int watch(MoqSession session, String broadcast, WatchFlags options, Terminal terminal,
                             long dialStart, String connectedPath) throws Exception {
        return watch(session, broadcast, options, terminal, dialStart, connectedPath, null);
    }

    /**
     * Watches {@code broadcast} on an established session until the duration ends or the session closes;
     * event times count from {@code dialStart}. With {@code redirect}, a GOAWAY moves the watch to the
     * session it returns (the caller closes the first session; this closes the ones it moved to).
     */
    private static int watch(MoqSession first, String broadcast, WatchFlags options, Terminal terminal,
                             long dialStart, String connectedPath, Redirect redirect) throws Exception {
        AtomicLong frames = new AtomicLong();
        RenditionChoice choice = choice(options.rendition());
        MoqSession session = first;
        boolean redirectTried = false;
        Watching watching = Watching.open(session, broadcast, choice, terminal, dialStart);
        try {
            RemoteMedia remote = watching.remote();
            if (options.record() != null) {
                remote.startRecording(options.record());
                event(terminal, "recording", dialStart, "\"file\":\"" + jsonEscape(options.record().toString()) + "\"");
            }
            long start = System.nanoTime();
            long end = options.duration() == null ? Long.MAX_VALUE : start + options.duration().toNanos();
            long nextReport = start + 1_000_000_000L;
            long reportedFrames = 0;
            List<Long> latencies = new ArrayList<>();
            long lastFrame = 0;
            String lastPath = connectedPath; // a change while subscribing is reported at once
            boolean catalogSeen = false;
            while (System.nanoTime() < end && !session.isClosed()) {
                if (redirect != null && options.record() == null && !redirectTried && session.goingAway()) {
                    redirectTried = true;
                    MoqSession next = redirect.follow(session);
                    if (next != null) {
                        Watching moved;
                        try {
                            moved = Watching.open(next, broadcast, choice, terminal, dialStart);
                        } catch (Exception e) {
                            next.close();
                            throw e;
                        }
                        watching.close();
                        if (session != first) {
                            session.close();
                        }
                        session = next;
                        watching = moved;
                        remote = moved.remote();
                        redirectTried = false;
                        catalogSeen = false;
                    }
                }
                if (!catalogSeen && remote.hasCatalog()) { // where a first frame's time goes: before or after the catalog
                    catalogSeen = true;
                    event(terminal, "catalog", dialStart, null);
                }
                String path = session.connection().pathInfo().describe();
                if (!path.equals(lastPath)) { // relayed -> direct, or a new direct address
                    event(terminal, "path", dialStart, "\"path\":\"" + path + "\",\"from\":\"" + lastPath + "\"");
                    lastPath = path;
                }
                // the headless renderer: take the latest frame and drop it, so the mailbox keeps moving
                var frame = remote.takeFrame(Duration.ofMillis(100));
                if (frame != null) {
                    // capture (the publisher's clock, the same as ours on one machine) to decoded and taken;
                    // a publisher's own timeline without a wall-clock epoch says nothing about that
                    long now = Clock.nowMicros();
                    if (MediaTimeline.onWallClock(frame.captureMicros(), now)) {
                        latencies.add((now - frame.captureMicros()) / 1000);
                    }
                    frame.close();
                    long at = System.nanoTime();
                    if (frames.incrementAndGet() == 1) {
                        String shown = remote.rendition();
                        long warm = WatchWarmUp.finishedNanos();
                        event(terminal, "first-frame", dialStart, (shown == null ? "" : "\"rendition\":\"" + jsonEscape(shown) + "\",")
                                + "\"warmUpMs\":" + (warm == 0 ? -1 : (warm - dialStart) / 1_000_000));
                    } else if (at - lastFrame >= GAP_MS * 1_000_000) {
                        event(terminal, "resumed", dialStart, "\"gapMs\":" + (at - lastFrame) / 1_000_000);
                    }
                    lastFrame = at;
                }
                long now = System.nanoTime();
                if (now >= nextReport) {
                    long count = frames.get();
                    double secs = (now - nextReport + 1_000_000_000L) / 1e9;
                    terminal.out().println(json((now - start) / 1e9, remote.stats(), session.pathStats(),
                            (count - reportedFrames) / secs, remote.adaptation(), latencies, lastPath));
                    latencies.clear();
                    terminal.out().flush();
                    reportedFrames = count;
                    nextReport = now + 1_000_000_000L;
                }
            }
            if (options.record() != null) {
                java.nio.file.Path file = remote.stopRecording();
                event(terminal, "recorded", dialStart, file == null ? "\"file\":null"
                        : "\"file\":\"" + jsonEscape(file.toString()) + "\",\"bytes\":" + java.nio.file.Files.size(file));
            }
            if (session.isClosed() && System.nanoTime() < end) {
                return fail(terminal, "the publisher closed the session", ExitCodes.FAILED);
            }
        } finally {
            watching.close();
            if (session != first) {
                session.close();
            }
        }
        return ExitCodes.OK;
    }

    /**
     * {@code --listen}: a QMux/WebSocket listener; the first session that announces the named broadcast is
     * watched like a dialed one. Prints {@code listening} (with the port and the URL to give the publisher)
     * and {@code connected} when the publisher's announce arrives.
     */
    private static int listen(WatchFlags options, Terminal terminal) {
        WatchWarmUp.start();
        WatchFlags.Listen l = options.listen();
        java.util.concurrent.LinkedBlockingQueue<MoqSession> sessions = new java.util.concurrent.LinkedBlockingQueue<>();
        long start = System.nanoTime();
        long end = options.duration() == null ? Long.MAX_VALUE : start + options.duration().toNanos();
        try (QmuxServer server = QmuxServer.start(new InetSocketAddress(l.host(), l.port()), conn -> sessions.add(MoqSession.start(conn)))) {
            event(terminal, "listening", start, "\"port\":" + server.port() + ",\"url\":\"http://"
                    + (l.host().contains(":") ? "[" + l.host() + "]" : l.host()) + ":" + server.port() + "/\",\"name\":\"" + l.name() + "\"");
            while (System.nanoTime() < end) {
                MoqSession session = sessions.poll(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS);
                if (session == null) {
                    continue;
                }
                // a publisher that connects but never announces the name is let go after the dial timeout
                if (session.subscribe(l.name(), DIAL_TIMEOUT) == null) {
                    terminal.err().println("parley watch: a publisher connected but did not announce " + l.name());
                    terminal.err().flush();
                    session.close();
                    continue;
                }
                event(terminal, "connected", start, "\"version\":\"" + session.version() + "\"");
                Duration left = options.duration() == null ? null : Duration.ofNanos(Math.max(1, end - System.nanoTime()));
                int code = watch(session, l.name(), new WatchFlags(null, options.rendition(), left, options.record(), l),
                        terminal, start, session.connection().pathInfo().describe());
                session.close();
                return code;
            }
            return ExitCodes.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.OK;
        } catch (Exception e) {
            return fail(terminal, "cannot listen on " + l.host() + ":" + l.port() + ": " + e.getMessage(), ExitCodes.FAILED);
        }
    }

    /** {@code auto}, a preset label such as {@code 360p} (means its hang track), or a full track name. */
    static RenditionChoice choice(String rendition) {
        if ("auto".equalsIgnoreCase(rendition)) {
            return RenditionChoice.auto();
        }
        return Arrays.stream(VideoPreset.values()).filter(p -> p.label().equalsIgnoreCase(rendition)).findFirst()
                .map(p -> RenditionChoice.named(p.trackName()))
                .orElseGet(() -> RenditionChoice.parse(rendition));
    }

    /**
     * One stats line. {@code latP50Ms/latP95Ms/latMaxMs}: capture → rendered (taken from the mailbox) over
     * the second's frames. The audio and group counters are totals since the start: {@code audioRecovered}
     * lost 20 ms frames rebuilt by Opus FEC, {@code audioConcealed} frames synthesised by PLC,
     * {@code groupsSkipped} groups dropped for being too far behind live, {@code groupsStalled} groups given
     * up because their stream stalled while a newer group had started, {@code audioPlayed} Opus packets
     * played (about 50 a second), {@code audioBufferMs} and {@code audioTargetMs} the jitter buffer's depth and
     * adaptive target, {@code avOffsetMs} the last decoded frame's timestamp minus the audio clock when it was
     * handed on (positive: audio lags video), {@code switches} rendition switches. What adaptation acts on (under
     * {@code --rendition auto}): the capacity estimate ({@code estimateKbps}, 0 = unknown), the publisher's
     * PROBE estimate ({@code probeKbps}), the receive rate ({@code rxKbps}) and the frames' queueing delay
     * ({@code queueMs}) of the last control tick.
     */
    static String json(double t, WatchStats stats, PathStats path, double fps, Adaptation adaptation, List<Long> latencies) {
        return json(t, stats, path, fps, adaptation, latencies, null);
    }

    /** {@link #json} with the connection's path ({@code direct ip:port} or {@code relay URL}) last. */
    static String json(double t, WatchStats stats, PathStats path, double fps, Adaptation adaptation, List<Long> latencies,
                       String via) {
        NetworkSignals s = adaptation.signals();
        long[] lat = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return String.format(Locale.ROOT,
                "{\"t\":%.1f,\"rendition\":%s,\"fps\":%.1f,\"rttMs\":%.1f,\"latencyMs\":%d,\"bytes\":%d,\"audio\":%s,"
                        + "\"audioBufferMs\":%d,\"audioTargetMs\":%d,\"avOffsetMs\":%d,\"audioRecovered\":%d,\"audioConcealed\":%d,\"groupsSkipped\":%d,\"groupsStalled\":%d,\"audioPlayed\":%d,"
                        + "\"latP50Ms\":%d,\"latP95Ms\":%d,\"latMaxMs\":%d,"
                        + "\"estimateKbps\":%d,\"probeKbps\":%d,\"rxKbps\":%d,\"queueMs\":%d,\"switches\":%d%s}",
                t, stats.rendition() == null ? "null" : "\"" + stats.rendition() + "\"", fps,
                path.rtt().toNanos() / 1e6, stats.latencyMillis(), path.bytesReceived(),
                stats.audioBufferMillis() > 0 || stats.audioConcealed() > 0, stats.audioBufferMillis(), stats.audioTargetMillis(),
                stats.avOffsetMillis(),
                stats.audioRecovered(),
                stats.audioConcealed(), stats.groupsSkipped(), stats.groupsStalled(), stats.audioPlayed(),
                percentile(lat, 0.50), percentile(lat, 0.95), lat.length == 0 ? 0 : lat[lat.length - 1],
                adaptation.estimateBps() / 1000, s.peerEstimateBps() / 1000, s.receiveBps() / 1000,
                s.queueDelay().toMillis(), stats.switches(), via == null ? "" : ",\"path\":\"" + via + "\"");
    }

    private static String jsonEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
    }

    /** The broadcast once the peer announced it, with an {@code announced} event. */
    private static dev.parley.net.moq.model.BroadcastConsumer announcedBroadcast(MoqSession session, String broadcast,
                                                                               Terminal terminal, long dialStart) {
        var b = session.subscribe(broadcast, DIAL_TIMEOUT);
        event(terminal, "announced", dialStart, null);
        return b;
    }

    /**
     * The {@code dialing} event's startup split: {@code processMs} from the process's start (the OS's
     * record, 10 ms steps) to dialing, {@code mainMs} from it to {@code main} (JVM boot), {@code bindMs}
     * the endpoint's bind; empty when the process start is unknown.
     */
    private static String startup(long bindStart, long dialStart) {
        var started = ProcessHandle.current().info().startInstant();
        if (started.isEmpty()) {
            return "";
        }
        long sinceStartMs = java.time.Duration.between(started.get(), java.time.Instant.now()).toMillis();
        long main = dev.parley.app.cli.ProcessStart.mainNanos();
        return ",\"processMs\":" + sinceStartMs
                + (main == 0 ? "" : ",\"mainMs\":" + (sinceStartMs - (dialStart - main) / 1_000_000))
                + ",\"bindMs\":" + (dialStart - bindStart) / 1_000_000;
    }

    /** One event line: {@code {"event":NAME,"ms":<since the dial started>,...extra}}. */
    private static void event(Terminal terminal, String name, long dialStart, String extra) {
        long ms = (System.nanoTime() - dialStart) / 1_000_000;
        terminal.out().println("{\"event\":\"" + name + "\",\"ms\":" + ms + (extra == null ? "" : "," + extra) + "}");
        terminal.out().flush();
    }

    private static int fail(Terminal terminal, String message, int code) {
        terminal.err().println("parley watch: " + message);
        terminal.err().flush();
        return code;
    }
}
