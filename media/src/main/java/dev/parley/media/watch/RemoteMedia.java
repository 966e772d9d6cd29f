package dev.parley.media.watch;

import dev.parley.media.MediaException;
import dev.parley.media.adapt.AdaptiveController;
import dev.parley.media.adapt.ArrivalWindow;
import dev.parley.media.adapt.LinkSample;
import dev.parley.media.adapt.NetworkSignals;
import dev.parley.media.codec.OpusWarmUp;
import dev.parley.media.frame.LatestMailbox;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.hang.Catalog;
import dev.parley.media.hang.VideoRendition;
import dev.parley.media.playout.AudioClock;
import dev.parley.media.source.Clock;
import dev.parley.media.stats.AudioLevel;
import dev.parley.media.stats.RateMeter;
import dev.parley.media.stats.WatchStats;
import dev.parley.net.actor.Actor;
import dev.parley.net.actor.ActorStoppedException;
import dev.parley.net.moq.model.BroadcastConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watching one remote hang broadcast, for the app: follows its catalog ({@link CatalogFollower}),
 * decodes the chosen video rendition into BGRA frames in a latest-frame mailbox (the UI wraps each
 * frame's direct buffer in a JavaFX PixelBuffer) and switches renditions seamlessly ({@link VideoSwitcher}),
 * plays audio paced by a jitter buffer and paces video against it ({@link AudioWatcher}), and every
 * 50 ms runs the pure control step ({@link WatchControl}): switch timeouts, failed decoders, ended
 * tracks and, under {@link RenditionChoice#auto()}, adaptive switching from the link samples fed
 * through {@link #onLink} and the frames' arrival delays. Reports {@link WatchStats}. Watches other
 * hang publishers too: H.264 (avc1/avc3, Annex-B or AVCC with an avcC description), HEVC, VP8, VP9 and
 * AV1 in the legacy container, and renditions that live in another broadcast ({@link SiblingBroadcasts});
 * anything else is refused with a reason ({@link #refusedRenditions()}) and another rendition is picked.
 *
 * <p>Its state (catalog, choice, the video and audio parts, refusals, sibling handles) belongs to one
 * {@link Actor} ({@code watch-<n>}): catalogs, choices, retired pipelines and the control tick arrive as
 * {@link Command} records; the readers and decoders run on their own threads and hand over through
 * bounded queues, the gate and atomics. Under {@link RenditionChoice#auto()} the lowest rendition is shown
 * first and kept on standby (see {@link VideoSwitcher}). {@link #close()} stops all (see
 * docs/threading/media.md).
 */
public final class RemoteMedia implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteMedia.class);
    /** The control step: short, so a filling bottleneck queue is seen within ~150 ms (see AdaptiveController). */
    private static final Duration TICK = Duration.ofMillis(50);
    private static final AtomicLong WATCHES = new AtomicLong();

    /** What the actor handles. */
    private sealed interface Command permits CatalogArrived, Choose, Retired, Tick, StandbyQuery {
    }

    /** A valid catalog from the follower. */
    private record CatalogArrived(Catalog catalog) implements Command {
    }

    /** The viewer's rendition choice. */
    private record Choose(RenditionChoice choice) implements Command {
    }

    /** The gate stopped showing this pipeline (its successor delivered a frame). */
    private record Retired(VideoDecodePipeline pipeline) implements Command {
    }

    /** The control step, every {@link #TICK}. */
    private record Tick() implements Command {
    }

    /** Which rendition is on standby. */
    private record StandbyQuery(CompletableFuture<String> reply) implements Command, Actor.Request<String> {
    }

    private final BroadcastConsumer broadcast;
    private final SiblingBroadcasts siblings;
    private final WatchOptions options;
    private final LatestMailbox<VideoFrame> mailbox = LatestMailbox.forFrames();
    private final ArrivalWindow arrivals = new ArrivalWindow();
    private final AtomicLong stalledGroups = new AtomicLong();
    private final RecordingTap recording = new RecordingTap();
    private final RateMeter rendered = new RateMeter();
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Actor<Command> actor;
    private final VideoSwitcher video;
    private final AudioWatcher audio;
    private final CatalogFollower follower;
    // read from any thread
    private volatile Map<String, String> refused = Map.of();
    private volatile Catalog catalog = Catalog.empty();
    private volatile boolean catalogReceived;
    private volatile LinkSample latestLink;
    private volatile Adaptation adaptation = new Adaptation(0, NetworkSignals.none());
    // the actor's own
    private final Map<String, BroadcastConsumer> siblingHandles = new HashMap<>();
    private final Map<String, String> decodeFailures = new HashMap<>();
    private final WatchControl control = new WatchControl();
    private RenditionChoice choice;
    private LinkSample tickedLink;
    private long receiveBps;
    private long tickDueMs = -1;

    public RemoteMedia(BroadcastConsumer broadcast, WatchOptions options) {
        this(broadcast, options, SiblingBroadcasts.none());
    }

    /**
     * @param siblings where renditions that live in other broadcasts are found (the watched broadcast's
     *                 path and a lookup through the same session or origin)
     */
    public RemoteMedia(BroadcastConsumer broadcast, WatchOptions options, SiblingBroadcasts siblings) {
        this.broadcast = broadcast;
        this.siblings = siblings;
        this.options = options;
        this.choice = options.choice();
        AudioClock clock = new AudioClock();
        this.actor = Actor.start("watch-" + WATCHES.incrementAndGet(), 64, this::handle);
        this.video = new VideoSwitcher(mailbox, clock, new LiveEdge(options.maxLatency().toMillis(), arrivals),
                options.maxLatency(), stalledGroups, recording, () -> catalog.timeline(),
                p -> actor.post(new Retired(p)));
        this.audio = new AudioWatcher(clock, options.audioSink(), options.maxLatency(), stalledGroups, recording,
                () -> catalog.timeline(), arrivals);
        try {
            this.follower = new CatalogFollower(broadcast, c -> actor.tell(new CatalogArrived(c)));
        } catch (RuntimeException closedBroadcast) {
            actor.stop(); // nothing to watch: leave no actor behind
            throw closedBroadcast;
        }
        scheduleTick();
        WatchWarmUp.start(); // a no-op when the watch's caller started it before dialing
        if (options.audio()) {
            OpusWarmUp.start(); // JIT the Java Opus decoder while the catalog and first groups arrive
        }
    }

    private void handle(Command c) {
        switch (c) {
            case CatalogArrived a -> apply(a.catalog());
            case Choose ch -> {
                choice = ch.choice();
                refreshVideo();
            }
            case Retired r -> video.retired(r.pipeline());
            case StandbyQuery q -> q.reply().complete(video.standbyTrack());
            case Tick t -> {
                try {
                    tick();
                } finally {
                    scheduleTick();
                }
            }
        }
    }

    // ---- catalog -------------------------------------------------------------------------------

    private void apply(Catalog c) {
        Map<String, VideoRendition> before = catalog.videoRenditions();
        decodeFailures.keySet().removeIf(n -> !Objects.equals(before.get(n), c.videoRenditions().get(n)));
        catalog = c;
        catalogReceived = true;
        refreshVideo();
        refreshAudio();
    }

    private void refreshVideo() {
        Map<String, VideoRendition> videos = watchable(catalog.videoRenditions());
        Optional<String> target = wantedTrack(videos);
        if (target.isEmpty()) {
            video.stopAll();
            return;
        }
        List<Map.Entry<String, VideoRendition>> ranked = RenditionChoice.ranked(videos);
        List<AdaptiveController.Rung> rungs = ranked.stream()
                .map(e -> new AdaptiveController.Rung(e.getKey(), e.getValue().pixels(), e.getValue().bitrateOrZero()))
                .toList();
        Map.Entry<String, VideoRendition> lowest = ranked.getLast();
        boolean standby = choice.adaptive() && ranked.size() > 1;
        control.setRenditions(rungs, target.get(), standby);
        video.standBy(standby ? new VideoSwitcher.Standby(lowest.getKey(), lowest.getValue(),
                source(lowest.getValue().broadcast())) : null);
        VideoSwitcher.State state = video.state();
        if (standby && state.current() == null && state.pending() == null && !lowest.getKey().equals(target.get())) {
            // a fresh adaptive watch: the lowest rendition's keyframe is the quickest first picture
            show(lowest.getKey(), false);
            control.startUp(target.get(), nowMs());
            return;
        }
        show(target.get(), false);
    }

    private void show(String track, boolean cut) {
        VideoRendition rendition = catalog.videoRenditions().get(track);
        video.show(track, rendition, rendition == null ? null : source(rendition.broadcast()), nowMs(), cut);
    }

    // The renditions that can be watched now; the others go to `refused` with the reason.
    private Map<String, VideoRendition> watchable(Map<String, VideoRendition> all) {
        Map<String, String> why = new LinkedHashMap<>(RenditionChoice.refusals(all));
        Map<String, VideoRendition> ok = new LinkedHashMap<>();
        all.forEach((name, r) -> {
            if (why.containsKey(name)) {
                return;
            }
            String failed = decodeFailures.get(name);
            if (failed != null) {
                why.put(name, "decoder failed: " + failed);
                return;
            }
            if (source(r.broadcast()) == null) {
                why.put(name, unreachable(r.broadcast()));
                return;
            }
            ok.put(name, r);
        });
        if (!why.equals(refused)) {
            why.forEach((name, reason) -> LOG.info("not watching rendition {}: {}", name, reason));
        }
        refused = Map.copyOf(why);
        return ok;
    }

    private String unreachable(String relative) {
        if (siblings.path() == null) {
            return "track lives in broadcast '" + relative + "' and this watcher has no lookup for other broadcasts";
        }
        return "track lives in broadcast " + SiblingBroadcasts.resolve(siblings.path(), relative)
                + " ('" + relative + "'), which is not published";
    }

    // The broadcast a rendition's track lives in, or null if it is not reachable now.
    private BroadcastConsumer source(String relative) {
        if (SiblingBroadcasts.isSelf(relative)) {
            return broadcast;
        }
        if (siblings.path() == null) {
            return null;
        }
        String path = SiblingBroadcasts.resolve(siblings.path(), relative);
        if (path.equals(SiblingBroadcasts.resolve(siblings.path(), ""))) {
            return broadcast;
        }
        BroadcastConsumer b = siblingHandles.get(path);
        if (b != null && !b.isEnded()) {
            return b;
        }
        if (b != null) {
            siblingHandles.remove(path).close();
        }
        b = siblings.lookup().apply(path).orElse(null);
        if (b != null) {
            siblingHandles.put(path, b);
        }
        return b;
    }

    // Under adaptation the controller's current track wins while it is still in the catalog.
    private Optional<String> wantedTrack(Map<String, VideoRendition> videos) {
        String live = video.liveTrack();
        if (choice.adaptive() && live != null && videos.containsKey(live)) {
            return Optional.of(live);
        }
        return choice.pick(videos);
    }

    private void refreshAudio() {
        if (!options.audio()) {
            audio.stop();
            return;
        }
        audio.refresh(catalog, this::source);
    }

    // ---- control step (every 50 ms) ------------------------------------------------------------

    private void scheduleTick() {
        tickDueMs = nowMs() + TICK.toMillis();
        actor.schedule(TICK, new Tick());
    }

    private void tick() {
        long now = nowMs();
        // how late this tick runs: the watcher's own stall (GC, CPU), during which missing arrivals are not the network's
        Duration late = Duration.ofMillis(tickDueMs < 0 ? 0 : Math.max(0, now - tickDueMs));
        ArrivalWindow.Summary arrived = arrivals.drain(Clock.nowMicros());
        LinkSample link = latestLink;
        NetworkSignals signals = null;
        if (link != null) {
            if (link != tickedLink) { // path samples come every 200 ms: the rate stands until the next one
                receiveBps = NetworkSignals.receiveBps(tickedLink, link);
                tickedLink = link;
            }
            signals = NetworkSignals.of(receiveBps, link, arrived, video.lateGroups(), late);
        }
        video.maintain(now);
        List<WatchControl.Action> actions = control.step(now, video.state(), audio.ended(),
                !catalog.videoRenditions().isEmpty(), choice.adaptive() ? signals : null);
        if (signals != null) {
            adaptation = new Adaptation(choice.adaptive() ? control.capacityBps() : 0, signals);
            if (choice.adaptive() && LOG.isDebugEnabled()) {
                NetworkSignals.GroupStart g = signals.shownGroupStart();
                LOG.debug("adaptive tick: queue {} ms over {} frames, standby {}, audio {}, late {} ms, rx {} kbit/s, skipped {}{}",
                        signals.queueDelay().toMillis(), signals.arrivals(), signals.standbyArrivals(), signals.audioArrivals(),
                        late.toMillis(), signals.receiveBps() / 1000, signals.skippedGroups(),
                        g == null ? "" : ", group sent " + g.age().toMillis() + " ms ago, " + g.sinceLast().toMillis() + " ms after the last");
            }
        }
        for (WatchControl.Action a : actions) {
            act(a);
        }
    }

    private void act(WatchControl.Action a) {
        switch (a) {
            case WatchControl.AbandonPending p -> {
                LOG.info("switch to {} timed out without a keyframe", p.track());
                video.dropPending();
            }
            case WatchControl.DecoderFailed f -> {
                decodeFailures.put(f.track(), f.reason());
                if (f.current()) {
                    video.dropCurrent();
                } else {
                    video.dropPending();
                }
            }
            case WatchControl.RefreshVideo r -> refreshVideo(); // track ended (publisher restarted it) or first subscribe failed
            case WatchControl.RefreshAudio r -> refreshAudio();
            case WatchControl.Show s -> {
                Adaptation last = adaptation;
                LOG.info("adaptive: switching to {} ({}; estimate {} kbit/s, queue {} ms)", s.track(), s.why(),
                        control.capacityBps() / 1000, last.signals().queueDelay().toMillis());
                show(s.track(), s.cut());
            }
        }
    }

    /**
     * The one channel the connection feeds (about every 200 ms): this side's path statistics and the
     * publisher's PROBE estimate. Adaptive switching runs once samples arrive. Any thread, never blocks
     * (the next control step reads the latest sample).
     */
    public void onLink(LinkSample sample) {
        latestLink = sample;
    }

    // ---- public API ----------------------------------------------------------------------------

    /** Changes the rendition choice (takes effect seamlessly at the new track's first keyframe); ignored after close. */
    public void choose(RenditionChoice c) {
        try {
            actor.tell(new Choose(Objects.requireNonNull(c, "choice")));
        } catch (ActorStoppedException closing) {
            LOG.debug("rendition choice after close ignored");
        }
    }

    /** The latest decoded BGRA frame, or null; the caller closes it after rendering. */
    public VideoFrame pollFrame() {
        VideoFrame f = mailbox.poll();
        if (f != null) {
            rendered.record(0, 0);
        }
        return f;
    }

    /**
     * Waits up to {@code timeout} for a decoded BGRA frame; the caller closes it. Null on timeout,
     * after close, or when interrupted (the interrupt flag stays set).
     */
    public VideoFrame takeFrame(Duration timeout) {
        VideoFrame f;
        try {
            f = mailbox.take(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        if (f != null) {
            rendered.record(0, 0);
        }
        return f;
    }

    /** The publisher's latest catalog; empty until the first one arrives (see {@link #hasCatalog()}). */
    public Catalog catalog() {
        return catalog;
    }

    /**
     * True once a catalog has arrived. Before that {@link #catalog()} is empty, which would otherwise
     * read as "the publisher has its camera and microphone off".
     */
    public boolean hasCatalog() {
        return catalogReceived;
    }

    /** The rendition being shown (null before the first frame). */
    public String rendition() {
        VideoDecodePipeline p = video.active();
        return p == null ? null : p.track();
    }

    /** What adaptive switching last acted on (zero before the first link sample). */
    public Adaptation adaptation() {
        return adaptation;
    }

    /**
     * The video renditions of the current catalog that are not being considered, each with the reason
     * (unsupported codec or container, no decoder, bad description, the decoder failed to open, or the
     * track lives in a broadcast that cannot be reached).
     */
    public Map<String, String> refusedRenditions() {
        return refused;
    }

    /** A catalog that failed validation, if the last one did. */
    public MediaException catalogError() {
        return follower.error();
    }

    /**
     * The level of the audio being played out (decoded, concealed or buffering silence), measured on
     * the playout thread; {@link AudioLevel#SILENT} while the catalog offers no audio (the peer muted).
     */
    public AudioLevel audioLevel() {
        return catalog.audioRenditions().isEmpty() ? AudioLevel.SILENT : audio.level();
    }

    public WatchStats stats() {
        VideoDecodePipeline p = video.active();
        AudioPlayout a = audio.playout();
        return new WatchStats(p == null ? null : p.track(), p == null ? null : p.decoderName(),
                p == null ? 0 : p.decodeMillis(), p == null ? 0 : p.decodeFps(), rendered.perSecond(), video.dropped(),
                p == null ? 0 : p.latencyMicros() / 1000, p == null ? 0 : p.avOffsetMicros() / 1000,
                a == null ? 0 : a.bufferMillis(), a == null ? 0 : a.targetMillis(), a == null ? 0 : a.concealed(),
                a == null ? 0 : a.recovered(), video.skippedGroups(), video.switches(), a == null ? "none" : a.sinkName(),
                stalledGroups.get(), a == null ? 0 : a.played());
    }

    private long nowMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** The rendition kept on standby for a quick step down, or null (tests and diagnostics; any thread). */
    String standbyTrack() {
        try {
            return actor.ask(StandbyQuery::new).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException | ActorStoppedException e) {
            return null;
        }
    }

    /**
     * Starts recording what is received (the watched video rendition and the audio) to a fragmented
     * MP4 at {@code file}, without re-encoding; the file appears with the next keyframe. Throws if a
     * recording is already running.
     */
    public void startRecording(java.nio.file.Path file) {
        recording.start(new dev.parley.media.codec.Mp4Recorder(file, 1));
    }

    /** Finishes the recording (the file is complete and playable); returns its path, or null if none ran. */
    public java.nio.file.Path stopRecording() {
        dev.parley.media.codec.Mp4Recorder r = recording.stop();
        if (r == null) {
            return null;
        }
        r.close();
        return r.started() ? r.file() : null;
    }

    /** Whether a recording runs (it may still wait for its first keyframe). */
    public boolean recording() {
        return recording.recorder() != null;
    }

    /**
     * Stops everything: the catalog follower, then the actor (commands already accepted still run), then,
     * on the caller's thread, the readers, decoders and playout (closing them joins their threads).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            stopRecording();
        } catch (RuntimeException e) {
            LOG.warn("finishing the recording failed: {}", e.getMessage());
        }
        follower.close();
        try {
            actor.stop().get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{} did not stop within 2 s", actor.name());
        }
        video.close();
        audio.close();
        mailbox.close();
        siblingHandles.values().forEach(BroadcastConsumer::close);
        siblingHandles.clear();
    }
}
