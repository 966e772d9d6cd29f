package dev.parley.media.watch;

import dev.parley.media.codec.VideoCodec;
import dev.parley.media.frame.LatestMailbox;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.hang.VideoRendition;
import dev.parley.media.playout.AudioClock;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Supplier;
import dev.parley.media.hang.MediaTimeline;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The video side of a watcher: the current rendition's reader and decoder, at most one pending one
 * (the rendition being switched to), and the {@link FrameGate} that makes the pending one current at
 * its first decoded frame and then retires the old one (on a virtual thread {@code retire-<track>}).
 * Thread-safe (its own lock; callers never hold it while calling back).
 */
final class VideoSwitcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VideoSwitcher.class);

    /** What the control step needs to know about the switch in progress. */
    record State(String current, boolean currentEnded, String currentFailure, String pending,
                 boolean pendingStarted, long pendingSinceMs, String pendingFailure) {
    }

    private final LatestMailbox<VideoFrame> mailbox;
    private final FrameGate gate;
    private final AudioClock audioClock;
    private final LiveEdge edge;
    private final Duration maxLatency;
    private final Supplier<MediaTimeline> timeline;
    private final Map<VideoDecodePipeline, VideoTrackReader> readers = new IdentityHashMap<>();
    private final AtomicLong skippedGroups = new AtomicLong();
    private final AtomicLong stalledGroups;
    private VideoTrackReader current;
    private VideoTrackReader pending;
    private long pendingSinceMs;
    private String shownTrack;
    private final RecordingTap tap;

    /** @param stalledGroups counts groups given up because their stream stalled behind a newer one (shared with audio) */
    VideoSwitcher(LatestMailbox<VideoFrame> mailbox, AudioClock audioClock, LiveEdge edge, Duration maxLatency,
                  AtomicLong stalledGroups, RecordingTap tap, Supplier<MediaTimeline> timeline) {
        this.tap = tap;
        this.timeline = timeline;
        this.mailbox = mailbox;
        this.stalledGroups = stalledGroups;
        this.audioClock = audioClock;
        this.edge = edge;
        this.maxLatency = maxLatency;
        this.gate = new FrameGate(mailbox, p -> Thread.ofVirtual().name("retire-" + p.track()).start(() -> retire(p)));
    }

    /** The current track while its reader runs, else null. */
    synchronized String liveTrack() {
        return current != null && !current.ended() ? current.pipeline().track() : null;
    }

    /**
     * Starts showing {@code track} (seamlessly when something is showing). Nothing happens when it is
     * already current or pending, or when it cannot be subscribed.
     */
    synchronized void show(String track, VideoRendition rendition, BroadcastConsumer from, long nowMs) {
        show(track, rendition, from, nowMs, false);
    }

    /**
     * Like {@link #show(String, VideoRendition, BroadcastConsumer, long)}; with {@code cut} the current
     * rendition stops at once instead of at the new one's first frame (the picture holds its last frame
     * meanwhile): every moment it keeps sending deepens the queue the new rendition must come through.
     */
    synchronized void show(String track, VideoRendition rendition, BroadcastConsumer from, long nowMs, boolean cut) {
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
        VideoCodec codec = rendition == null ? null : VideoCodec.fromCodecString(rendition.codec()).orElse(null);
        if (from == null || codec == null) {
            return;
        }
        TrackConsumer consumer;
        try {
            consumer = from.subscribe(new TrackInfo(track, TrackInfo.PRIORITY_VIDEO)).maxLatency(maxLatency);
        } catch (MoqException | IllegalStateException e) {
            // the broadcast ended, or its owner (the room, when the peer left) released it before closing us
            LOG.debug("cannot subscribe {}: {}", track, e.getMessage());
            return;
        }
        if (cut && current != null) {
            // the gate keeps the old pipeline as active (it delivers nothing more) until the new one's first frame
            closeReader(current);
            current = null;
        }
        VideoDecodePipeline p = new VideoDecodePipeline(track, codec, rendition.descriptionBytes(),
                rendition.jitterMillisOrZero(), gate, audioClock, edge, PixelFormat.BGRA);
        tap.prefer(track, rendition.codedWidth(), rendition.codedHeight());
        VideoTrackReader r = new VideoTrackReader(consumer, p, edge, skippedGroups, stalledGroups, tap, timeline);
        readers.put(p, r);
        if (current == null) {
            current = r;
            LOG.debug("watching {}", track);
        } else {
            pending = r;
            pendingSinceMs = nowMs;
        }
        gate.start(p);
    }

    synchronized State state() {
        return new State(current == null ? null : current.pipeline().track(), current != null && current.ended(),
                current == null ? null : current.pipeline().failure(),
                pending == null ? null : pending.pipeline().track(), pending != null && pending.pipeline().started(),
                pendingSinceMs, pending == null ? null : pending.pipeline().failure());
    }

    /** Drops the pending rendition (its switch timed out or its decoder failed). */
    synchronized void dropPending() {
        if (pending != null) {
            closeReader(pending);
            pending = null;
        }
    }

    /** Drops the current rendition (its decoder failed); the next show starts afresh. */
    synchronized void dropCurrent() {
        if (current != null) {
            closeReader(current);
            current = null;
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
            VideoDecodePipeline shown = gate.active();
            if (shown != null && !shown.track().equals(shownTrack)) {
                shownTrack = shown.track();
                LOG.info("now showing {}", shownTrack);
            }
        }
        if (r != null) {
            r.close();
        }
    }

    private void closeReader(VideoTrackReader r) {
        readers.remove(r.pipeline());
        Thread.ofVirtual().start(r::close);
    }

    synchronized void stopAll() {
        for (VideoTrackReader r : List.copyOf(readers.values())) {
            closeReader(r);
        }
        gate.clear();
        current = null;
        pending = null;
    }

    /** The pipeline whose frames are shown, or null. */
    VideoDecodePipeline active() {
        return gate.active();
    }

    long skippedGroups() {
        VideoDecodePipeline p = gate.active();
        return skippedGroups.get() + (p == null ? 0 : p.skipped());
    }

    /** Groups the readers skipped because they arrived too late (cumulative). */
    long lateGroups() {
        return skippedGroups.get();
    }

    long switches() {
        return gate.switches();
    }

    long dropped() {
        return mailbox.dropped();
    }

    @Override
    public void close() {
        List<VideoTrackReader> all;
        synchronized (this) {
            all = List.copyOf(readers.values());
            readers.clear();
            gate.clear();
            current = null;
            pending = null;
        }
        all.forEach(VideoTrackReader::close);
    }
}
