package dev.parley.media.watch;

import dev.parley.media.MediaException;
import dev.parley.media.adapt.AdaptiveConfig;
import dev.parley.media.adapt.AdaptiveController;
import dev.parley.media.adapt.NetworkSignals;
import dev.parley.media.codec.OpusWarmUp;
import dev.parley.media.codec.VideoCodec;
import dev.parley.media.frame.LatestMailbox;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.hang.AudioRendition;
import dev.parley.media.hang.Catalog;
import dev.parley.media.hang.VideoRendition;
import dev.parley.media.playout.AudioClock;
import dev.parley.media.playout.AudioSink;
import dev.parley.media.playout.MeteredSink;
import dev.parley.media.playout.SpeakerSink;
import dev.parley.media.stats.AudioLevel;
import dev.parley.media.stats.AudioLevelMeter;
import dev.parley.media.stats.RateMeter;
import dev.parley.media.stats.WatchStats;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.transport.PathStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watching one remote hang broadcast, for the app: follows its catalog, decodes the chosen video
 * rendition into BGRA frames in a latest-frame mailbox (the UI wraps each frame's direct buffer in a
 * JavaFX PixelBuffer), plays audio paced by a jitter buffer and paces video against it, switches
 * renditions seamlessly (by choice, or adaptively from {@link #onPathStats} samples) and reports
 * {@link WatchStats}. Watches other hang publishers too: H.264 (avc1/avc3, Annex-B or AVCC with an avcC
 * description), HEVC, VP8, VP9 and AV1 in the legacy container, and renditions that live in another
 * broadcast ({@link SiblingBroadcasts}); anything else is refused with a reason
 * ({@link #refusedRenditions()}) and another rendition is picked. Owns its threads (see
 * docs/threading/media.md); {@link #close()} stops all.
 */
public final class RemoteMedia implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteMedia.class);
    private static final long SWITCH_TIMEOUT_MS = 3000;

    private final BroadcastConsumer broadcast;
    private final SiblingBroadcasts siblings;
    private final Map<String, BroadcastConsumer> siblingHandles = new HashMap<>();
    private final Map<String, String> decodeFailures = new HashMap<>();
    private volatile Map<String, String> refused = Map.of();
    private final WatchOptions options;
    private final LatestMailbox<VideoFrame> mailbox = LatestMailbox.forFrames();
    private final FrameGate gate;
    private final AudioClock audioClock = new AudioClock();
    private final LiveEdge edge;
    private final AdaptiveController controller = new AdaptiveController(AdaptiveConfig.defaults());
    private final Map<VideoDecodePipeline, VideoTrackReader> readers = new IdentityHashMap<>();
    private final AtomicLong skippedGroups = new AtomicLong();
    private final AtomicLong stalledGroups = new AtomicLong();
    private final RateMeter rendered = new RateMeter();
    private final AudioLevelMeter audioLevel = new AudioLevelMeter();
    private final ScheduledExecutorService control;
    private final Thread catalogThread;
    private final TrackConsumer catalogConsumer;
    private final long startNanos = System.nanoTime();
    private AudioPlayout playout;
    private AudioTrackReader audioReader;
    private RenditionChoice choice;
    private volatile Catalog catalog = Catalog.empty();
    private volatile boolean catalogReceived;
    private VideoTrackReader current;
    private VideoTrackReader pending;
    private long pendingSinceMs;
    private PathStats lastPath;
    private NetworkSignals lastSignals;
    private volatile MediaException catalogError;
    private boolean closed;

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
        this.edge = new LiveEdge(options.maxLatency().toMillis());
        this.gate = new FrameGate(mailbox, p -> Thread.ofVirtual().name("retire-" + p.track()).start(() -> retire(p)));
        this.catalogConsumer = broadcast.subscribe(new TrackInfo(Catalog.TRACK, TrackInfo.PRIORITY_CATALOG));
        this.control = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("watch-control").daemon().unstarted(r));
        control.scheduleWithFixedDelay(this::tick, 200, 200, TimeUnit.MILLISECONDS);
        this.catalogThread = Thread.ofPlatform().name("watch-catalog").daemon().start(this::readCatalogs);
        if (options.audio()) {
            OpusWarmUp.start(); // JIT the Java Opus decoder while the catalog and first groups arrive
        }
    }

    // ---- catalog -------------------------------------------------------------------------------

    private void readCatalogs() {
        try {
            while (!isClosed()) {
                GroupConsumer g = catalogConsumer.nextGroup();
                if (g == null) {
                    break;
                }
                try (g) {
                    // a catalog stalled behind a newer one is skipped; a dropped one costs only itself
                    LiveRead.Frame f = LiveRead.frame(g, java.time.Duration.ZERO);
                    while (f instanceof LiveRead.Frame.Waiting && !isClosed()) {
                        f = LiveRead.frame(g, java.time.Duration.ZERO);
                    }
                    if (f instanceof LiveRead.Frame.Data(byte[] json)) {
                        apply(Catalog.parse(json));
                    }
                } catch (MediaException e) {
                    catalogError = e;
                    LOG.warn("ignoring bad catalog: {}", e.getMessage());
                } catch (MoqException e) {
                    LOG.debug("catalog group {} dropped: {}", g.sequence(), e.getMessage());
                }
            }
        } catch (MoqException e) {
            LOG.debug("catalog track ended: {}", e.getMessage());
        }
    }

    private synchronized void apply(Catalog c) {
        if (closed) {
            return;
        }
        Map<String, VideoRendition> before = catalog.videoRenditions();
        decodeFailures.keySet().removeIf(n -> !java.util.Objects.equals(before.get(n), c.videoRenditions().get(n)));
        catalog = c;
        catalogReceived = true;
        refreshVideo();
        refreshAudio();
    }

    private synchronized void refreshVideo() {
        Map<String, VideoRendition> videos = watchable(catalog.videoRenditions());
        Optional<String> target = wantedTrack(videos);
        if (target.isEmpty()) {
            stopAllVideo();
            return;
        }
        List<AdaptiveController.Rung> rungs = RenditionChoice.ranked(videos).stream()
                .map(e -> new AdaptiveController.Rung(e.getKey(), e.getValue().pixels(), e.getValue().bitrateOrZero()))
                .toList();
        controller.setRenditions(rungs, target.get());
        switchTo(target.get());
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
    private synchronized BroadcastConsumer source(String relative) {
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
        if (choice.adaptive() && current != null && !current.ended() && videos.containsKey(current.pipeline().track())) {
            return Optional.of(current.pipeline().track());
        }
        return choice.pick(videos);
    }

    private synchronized void switchTo(String track) {
        if (pending != null && pending.pipeline().track().equals(track) && !pending.ended()) {
            return;
        }
        if (current != null && current.pipeline().track().equals(track) && !current.ended() && pending == null) {
            return;
        }
        if (pending != null) {
            closeReader(pending);
            pending = null;
        }
        if (current != null && current.pipeline().track().equals(track) && !current.ended()) {
            return; // switching back to what is already showing: just drop the pending one
        }
        VideoRendition rendition = catalog.videoRenditions().get(track);
        BroadcastConsumer from = rendition == null ? null : source(rendition.broadcast());
        VideoCodec codec = rendition == null ? null : VideoCodec.fromCodecString(rendition.codec()).orElse(null);
        if (from == null || codec == null) {
            return;
        }
        TrackConsumer consumer;
        try {
            consumer = from.subscribe(new TrackInfo(track, TrackInfo.PRIORITY_VIDEO))
                    .maxLatency(options.maxLatency());
        } catch (MoqException | IllegalStateException e) {
            // the broadcast ended, or its owner (the room, when the peer left) released it before closing us
            LOG.debug("cannot subscribe {}: {}", track, e.getMessage());
            return;
        }
        VideoDecodePipeline p = new VideoDecodePipeline(track, codec, rendition.descriptionBytes(),
                rendition.jitterMillisOrZero(), gate, audioClock, edge, PixelFormat.BGRA);
        VideoTrackReader r = new VideoTrackReader(consumer, p, edge, skippedGroups, stalledGroups);
        readers.put(p, r);
        boolean first = current == null || current.ended() && gate.active() == null;
        if (current == null) {
            current = r;
        } else {
            pending = r;
            pendingSinceMs = nowMs();
        }
        gate.start(p);
        if (first) {
            LOG.debug("watching {}", track);
        }
    }

    private void retire(VideoDecodePipeline old) {
        VideoTrackReader r;
        synchronized (this) {
            r = readers.remove(old);
            if (pending != null && gate.active() == pending.pipeline()) {
                current = pending;
                pending = null;
            }
        }
        if (r != null) {
            r.close();
        }
    }

    private synchronized void closeReader(VideoTrackReader r) {
        readers.remove(r.pipeline());
        Thread.ofVirtual().start(r::close);
    }

    private synchronized void stopAllVideo() {
        for (VideoTrackReader r : List.copyOf(readers.values())) {
            closeReader(r);
        }
        gate.clear();
        current = null;
        pending = null;
    }

    private synchronized void refreshAudio() {
        boolean wanted = options.audio() && catalog.audioRenditions().entrySet().stream()
                .anyMatch(e -> isOpus(e.getValue()) && source(e.getValue().broadcast()) != null);
        if (!wanted) {
            if (audioReader != null) {
                audioReader.close();
                audioReader = null;
            }
            return;
        }
        if (audioReader != null && !audioReader.ended()) {
            return;
        }
        var entry = catalog.audioRenditions().entrySet().stream()
                .filter(e -> isOpus(e.getValue()) && source(e.getValue().broadcast()) != null).findFirst().orElseThrow();
        if (playout == null) {
            AudioSink sink = options.audioSink() != null ? options.audioSink() : SpeakerSink.openOrNull();
            // Parley's sinks and level meter are mono; an Opus decoder opened for one channel downmixes a
            // stereo stream (other hang publishers often send stereo), so decode to mono whatever arrives.
            int channels = 1;
            playout = new AudioPlayout(new MeteredSink(sink, audioLevel, channels), audioClock, channels);
        }
        try {
            TrackConsumer c = source(entry.getValue().broadcast()).subscribe(new TrackInfo(entry.getKey(), TrackInfo.PRIORITY_AUDIO))
                    .maxLatency(options.maxLatency());
            audioReader = new AudioTrackReader(c, playout, stalledGroups);
        } catch (MoqException | IllegalStateException e) {
            LOG.debug("cannot subscribe audio: {}", e.getMessage());
        }
    }

    // Opus with more than two channels needs a multistream mapping (an OpusHead description): not played.
    private static boolean isOpus(AudioRendition a) {
        return "opus".equals(a.codec()) && a.containerKind().equals("legacy")
                && (a.numberOfChannels() == null || a.numberOfChannels() <= 2);
    }

    // ---- control loop (every 200 ms) ------------------------------------------------------------

    private void tick() {
        try {
            synchronized (this) {
                if (closed) {
                    return;
                }
                long now = nowMs();
                if (pending != null && !pending.pipeline().started() && now - pendingSinceMs > SWITCH_TIMEOUT_MS) {
                    LOG.info("switch to {} timed out without a keyframe", pending.pipeline().track());
                    closeReader(pending);
                    pending = null;
                    controller.switchFailed(now);
                }
                if (current != null && current.pipeline().failure() != null) {
                    decodeFailures.put(current.pipeline().track(), current.pipeline().failure());
                    closeReader(current);
                    current = null;
                }
                if (pending != null && pending.pipeline().failure() != null) {
                    decodeFailures.put(pending.pipeline().track(), pending.pipeline().failure());
                    closeReader(pending);
                    pending = null;
                }
                if ((current != null && current.ended()) || (current == null && !catalog.videoRenditions().isEmpty())) {
                    refreshVideo(); // track ended (publisher restarted it) or first subscribe failed
                }
                if (audioReader != null && audioReader.ended()) {
                    refreshAudio();
                }
                if (choice.adaptive() && lastSignals != null) {
                    act(controller.tick(lastSignals, now));
                    lastSignals = null;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("watch control tick failed", e);
        }
    }

    private void act(AdaptiveController.Decision d) {
        switch (d) {
            case AdaptiveController.SwitchTo s -> switchTo(s.track());
            case AdaptiveController.StartProbe s -> switchTo(s.track());
            case AdaptiveController.CommitProbe s -> LOG.debug("probe {} committed", s.track());
            case AdaptiveController.AbortProbe s -> switchTo(controller.currentTrack());
            case AdaptiveController.Hold h -> { }
        }
    }

    /** Feeds a path statistics sample (about every 200 ms) for adaptive switching. */
    public synchronized void onPathStats(PathStats sample) {
        if (lastPath != null) {
            lastSignals = NetworkSignals.between(lastPath, sample);
        }
        lastPath = sample;
    }

    // ---- public API ----------------------------------------------------------------------------

    /** Changes the rendition choice (takes effect seamlessly at the new track's first keyframe). */
    public synchronized void choose(RenditionChoice c) {
        choice = c;
        refreshVideo();
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
    public synchronized String rendition() {
        VideoDecodePipeline p = gate.active();
        return p == null ? null : p.track();
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
        return catalogError;
    }

    /**
     * The level of the audio being played out (decoded, concealed or buffering silence), measured on
     * the playout thread; {@link AudioLevel#SILENT} while the catalog offers no audio (the peer muted).
     */
    public AudioLevel audioLevel() {
        return catalog.audioRenditions().isEmpty() ? AudioLevel.SILENT : audioLevel.level();
    }

    public synchronized WatchStats stats() {
        VideoDecodePipeline p = gate.active();
        AudioPlayout a = playout;
        long dropped = mailbox.dropped();
        long skipped = skippedGroups.get() + (p == null ? 0 : p.skipped());
        return new WatchStats(p == null ? null : p.track(), p == null ? null : p.decoderName(),
                p == null ? 0 : p.decodeMillis(), p == null ? 0 : p.decodeFps(), rendered.perSecond(), dropped,
                p == null ? 0 : p.latencyMicros() / 1000, p == null ? 0 : p.avOffsetMicros() / 1000,
                a == null ? 0 : a.bufferMillis(), a == null ? 0 : a.targetMillis(), a == null ? 0 : a.concealed(),
                a == null ? 0 : a.recovered(), skipped, gate.switches(), a == null ? "none" : a.sinkName(),
                stalledGroups.get(), a == null ? 0 : a.played());
    }

    private long nowMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        List<VideoTrackReader> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = List.copyOf(readers.values());
            readers.clear();
            gate.clear();
        }
        control.shutdownNow();
        catalogConsumer.close();
        all.forEach(VideoTrackReader::close);
        if (audioReader != null) {
            audioReader.close();
        }
        if (playout != null) {
            playout.close();
        }
        mailbox.close();
        synchronized (this) {
            siblingHandles.values().forEach(BroadcastConsumer::close);
            siblingHandles.clear();
        }
        try {
            catalogThread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
