package dev.parley.media.watch;

import dev.parley.media.codec.VideoCodec;
import dev.parley.media.frame.LatestMailbox;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.hang.MediaTimeline;
import dev.parley.media.hang.VideoRendition;
import dev.parley.media.playout.AudioClock;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The video side of a watcher: the current rendition's reader and decoder, at most one pending one
 * (the rendition being switched to), and the {@link FrameGate} that makes the pending one current at
 * its first decoded frame; the gate then reports the old pipeline, and {@link #retired} closes its reader
 * (on a virtual thread: closing joins the reader and decoder threads).
 *
 * <p><b>Standby.</b> While adapting, the lowest rendition stays subscribed and decoded when something
 * else is shown ({@link #standBy}): its frames are dropped at the gate until a step down needs it, and
 * then it is shown at its next decoded frame instead of a fresh subscription that has to wait for a
 * keyframe through the queue the step answers (measured: 1.1-1.5 s to the lower picture, 2-20 fps in the
 * seconds of the switch). It is subscribed one band above video ({@link #STANDBY_PRIORITY}), so under a
 * collapsing link it is sent before the rendition being left.
 *
 * <p>Confined to the owner's actor thread ({@code RemoteMedia}); only {@link #active()} and the counters are
 * read from other threads. {@link #close()} runs after that actor has stopped.
 */
final class VideoSwitcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VideoSwitcher.class);
    /** The standby's priority: audio's QUIC urgency band, so it is sent before ordinary video (band below). */
    static final int STANDBY_PRIORITY = TrackInfo.PRIORITY_AUDIO - 16;
    /** How long a bridge (the standby shown during a step down to a middle rung) may take to show a frame. */
    static final long BRIDGE_WAIT_MS = 500;

    /** What the control step needs to know about the switch in progress. */
    record State(String current, boolean currentEnded, String currentFailure, String pending,
                 boolean pendingStarted, long pendingSinceMs, String pendingFailure, boolean currentStarted) {
        State(String current, boolean currentEnded, String currentFailure, String pending,
              boolean pendingStarted, long pendingSinceMs, String pendingFailure) {
            this(current, currentEnded, currentFailure, pending, pendingStarted, pendingSinceMs, pendingFailure, false);
        }
    }

    /** The rendition to keep on standby: its track, catalog entry and the broadcast it lives in. */
    record Standby(String track, VideoRendition rendition, BroadcastConsumer from) {
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
    private final RecordingTap tap;
    private VideoTrackReader current;
    private VideoTrackReader pending;
    private VideoTrackReader standby;
    private Standby standbyWanted;
    /** A pending reader that goes to the gate once the standby, shown as a bridge, is on screen. */
    private VideoTrackReader afterBridge;
    private long pendingSinceMs;
    private String shownTrack;

    /**
     * @param stalledGroups counts groups given up because their stream stalled behind a newer one (shared with audio)
     * @param retire        receives the pipeline the gate stopped showing, on a decode thread; the owner hands it
     *                      back to {@link #retired} on its actor thread
     */
    VideoSwitcher(LatestMailbox<VideoFrame> mailbox, AudioClock audioClock, LiveEdge edge, Duration maxLatency,
                  AtomicLong stalledGroups, RecordingTap tap, Supplier<MediaTimeline> timeline,
                  Consumer<VideoDecodePipeline> retire) {
        this.tap = tap;
        this.timeline = timeline;
        this.mailbox = mailbox;
        this.stalledGroups = stalledGroups;
        this.audioClock = audioClock;
        this.edge = edge;
        this.maxLatency = maxLatency;
        this.gate = new FrameGate(mailbox, retire);
    }

    /** The current track while its reader runs, else null. */
    String liveTrack() {
        return current != null && !current.ended() ? current.pipeline().track() : null;
    }

    /**
     * Keeps {@code wanted} subscribed and decoded while another rendition is shown (null: no standby).
     * The standby is made (or replaced, when its track ended) here and after every switch.
     */
    void standBy(Standby wanted) {
        standbyWanted = wanted;
        if (standby != null && (wanted == null || !standby.pipeline().track().equals(wanted.track()))) {
            closeReader(standby);
            standby = null;
        }
        keepStandby();
    }

    /**
     * Starts showing {@code track}; with {@code cut} the current rendition stops at once instead of at the
     * new one's first frame (the picture holds its last frame meanwhile): every moment it keeps sending
     * deepens the queue the new rendition must come through. The standby, when it is {@code track}, is
     * shown at its next frame. Nothing happens when {@code track} is already current or pending, or when
     * it cannot be subscribed.
     */
    void show(String track, VideoRendition rendition, BroadcastConsumer from, long nowMs, boolean cut) {
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
        VideoTrackReader r = takeStandby(track);
        if (r == null) {
            r = subscribe(track, rendition, from);
            if (r == null) {
                return;
            }
        }
        if (cut && current != null) {
            // the gate keeps the old pipeline as active (it delivers nothing more) until the new one's first frame
            closeReader(current);
            current = null;
            VideoTrackReader bridge = standby == null ? null : takeStandby(standby.pipeline().track());
            if (bridge != null) {
                // a step down to a middle rung: the standby is on screen at its next frame instead of the old
                // rendition's last one held until the new rendition's keyframe has come through the queue
                current = bridge;
                gate.start(bridge.pipeline());
                pending = r;
                pendingSinceMs = nowMs;
                afterBridge = r;
                tap.prefer(track, rendition.codedWidth(), rendition.codedHeight());
                return;
            }
        }
        if (current == null) {
            current = r;
            LOG.debug("watching {}", track);
        } else {
            pending = r;
            pendingSinceMs = nowMs;
        }
        tap.prefer(track, rendition == null ? null : rendition.codedWidth(), rendition == null ? null : rendition.codedHeight());
        gate.start(r.pipeline());
        keepStandby();
    }

    // The standby reader when it reads `track` (it leaves standby), else null.
    private VideoTrackReader takeStandby(String track) {
        if (standby == null || !standby.pipeline().track().equals(track) || standby.ended()) {
            return null;
        }
        VideoTrackReader r = standby;
        standby = null;
        r.standby(false);
        return r;
    }

    private VideoTrackReader subscribe(String track, VideoRendition rendition, BroadcastConsumer from) {
        VideoCodec codec = rendition == null ? null : VideoCodec.fromCodecString(rendition.codec()).orElse(null);
        if (from == null || codec == null) {
            return null;
        }
        boolean low = standbyWanted != null && standbyWanted.track().equals(track);
        TrackConsumer consumer;
        try {
            consumer = from.subscribe(new TrackInfo(track, low ? STANDBY_PRIORITY : TrackInfo.PRIORITY_VIDEO))
                    .maxLatency(maxLatency);
        } catch (MoqException | IllegalStateException e) {
            // the broadcast ended, or its owner (the room, when the peer left) released it before closing us
            LOG.debug("cannot subscribe {}: {}", track, e.getMessage());
            return null;
        }
        VideoDecodePipeline p = new VideoDecodePipeline(track, codec, rendition.descriptionBytes(),
                rendition.jitterMillisOrZero(), gate, audioClock, edge, PixelFormat.BGRA);
        VideoTrackReader r = new VideoTrackReader(consumer, p, edge, skippedGroups, stalledGroups, tap, timeline);
        readers.put(p, r);
        return r;
    }

    // Subscribes the standby when it is wanted, not already read as current or pending, and not running.
    private void keepStandby() {
        Standby w = standbyWanted;
        if (standby != null && standby.ended()) {
            closeReader(standby);
            standby = null;
        }
        if (w == null || standby != null || reads(current, w.track()) || reads(pending, w.track())) {
            return;
        }
        standby = subscribe(w.track(), w.rendition(), w.from());
        if (standby != null) {
            standby.standby(true);
        }
    }

    private static boolean reads(VideoTrackReader r, String track) {
        return r != null && !r.ended() && r.pipeline().track().equals(track);
    }

    State state() {
        return new State(current == null ? null : current.pipeline().track(), current != null && current.ended(),
                current == null ? null : current.pipeline().failure(),
                pending == null ? null : pending.pipeline().track(), pending != null && pending.pipeline().started(),
                pendingSinceMs, pending == null ? null : pending.pipeline().failure(),
                current != null && current.pipeline().decodedFrames() > 0);
    }

    /** Drops the pending rendition (its switch timed out or its decoder failed). */
    void dropPending() {
        if (pending != null) {
            closeReader(pending);
            pending = null;
        }
    }

    /** Drops the current rendition (its decoder failed); the next show starts afresh. */
    void dropCurrent() {
        if (current != null) {
            closeReader(current);
            current = null;
        }
    }

    /**
     * The gate stopped showing {@code old} (its successor delivered a frame): the pending reader becomes
     * current, and the old one is closed, or kept as the standby when it reads the standby's track.
     */
    void retired(VideoDecodePipeline old) {
        if (pending != null && gate.active() == pending.pipeline()) {
            current = pending;
            pending = null;
        }
        if (pending != null && pending == afterBridge && current != null && gate.active() == current.pipeline()) {
            gate.start(pending.pipeline()); // the bridge is on screen: now the new rendition may replace it
            afterBridge = null;
        }
        VideoDecodePipeline shown = gate.active();
        if (shown != null && !shown.track().equals(shownTrack)) {
            shownTrack = shown.track();
            LOG.info("now showing {}", shownTrack);
        }
        VideoTrackReader r = readers.get(old);
        if (r == null || r == current || r == pending) {
            return;
        }
        if (standby == null && standbyWanted != null && standbyWanted.track().equals(old.track()) && !r.ended()) {
            standby = r; // decoding on: its frames are dropped at the gate until a step down shows it again
            r.standby(true);
            return;
        }
        closeReader(r);
        keepStandby();
    }

    /**
     * Once per control step: replaces a standby whose track ended, and hands a pending rendition to the gate
     * when its bridge showed nothing within {@link #BRIDGE_WAIT_MS}.
     */
    void maintain(long nowMs) {
        if (pending != null && pending == afterBridge && nowMs - pendingSinceMs >= BRIDGE_WAIT_MS) {
            gate.start(pending.pipeline());
            afterBridge = null;
        }
        keepStandby();
    }

    private void closeReader(VideoTrackReader r) {
        readers.remove(r.pipeline());
        Thread.ofVirtual().name("retire-" + r.pipeline().track()).start(r::close);
    }

    void stopAll() {
        for (VideoTrackReader r : List.copyOf(readers.values())) {
            closeReader(r);
        }
        gate.clear();
        current = null;
        pending = null;
        standby = null;
    }

    /** The pipeline whose frames are shown, or null (any thread). */
    VideoDecodePipeline active() {
        return gate.active();
    }

    /** The track kept on standby, or null. */
    String standbyTrack() {
        return standby == null ? null : standby.pipeline().track();
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

    /** Closes every reader on the calling thread (the owner's actor has stopped). */
    @Override
    public void close() {
        List<VideoTrackReader> all = List.copyOf(readers.values());
        readers.clear();
        gate.clear();
        current = null;
        pending = null;
        standby = null;
        all.forEach(VideoTrackReader::close);
    }
}
