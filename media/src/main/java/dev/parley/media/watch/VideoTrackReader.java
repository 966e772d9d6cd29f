package dev.parley.media.watch;

import dev.parley.net.moq.model.LiveRead;
import dev.parley.media.codec.EncodedVideo;
import dev.parley.media.hang.LegacyFrame;
import dev.parley.media.hang.MediaTimeline;
import dev.parley.media.MediaException;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Reads one video track on thread {@code vread-<track>}: each group is a GOP whose first frame is
 * the keyframe; frames are unwrapped from the legacy container and queued on the decode pipeline.
 * When a frame shows the reader fell more than the max latency (plus the rendition's declared jitter)
 * behind live and a newer group has started, the rest of that group is skipped (the next group starts
 * with a keyframe); with nothing newer the late frames still play, since dropping them would only
 * freeze the picture. A group that stalls (its stream lost or slow)
 * while a newer group has started is given up at once and counted as stalled, so a lost stream never
 * freezes the picture. Every wait has a deadline ({@link LiveRead#WAIT}), so close is always noticed.
 * Ends when the track ends or on close.
 */
final class VideoTrackReader implements AutoCloseable {
    private final TrackConsumer consumer;
    private final VideoDecodePipeline pipeline;
    private final LiveEdge edge;
    private final Thread thread;
    private final AtomicLong skippedGroups;
    private final AtomicLong stalledGroups;
    private final Supplier<MediaTimeline> timeline;
    private volatile boolean running = true;
    private volatile boolean ended;
    /** On standby: its frames' lateness stays out of the adaptive controller's queue signal. */
    private volatile boolean standby;
    /** The previous group's first timestamp (capture µs; MIN_VALUE: none yet): this track's keyframe cadence. */
    private long lastGroupTs = Long.MIN_VALUE;

    private final RecordingTap tap;

    VideoTrackReader(TrackConsumer consumer, VideoDecodePipeline pipeline, LiveEdge edge, AtomicLong skippedGroups,
                     AtomicLong stalledGroups, RecordingTap tap) {
        this(consumer, pipeline, edge, skippedGroups, stalledGroups, tap, () -> MediaTimeline.UNKNOWN);
    }

    /** @param timeline the publisher's media timeline (from its latest catalog): turns wire timestamps into capture times */
    VideoTrackReader(TrackConsumer consumer, VideoDecodePipeline pipeline, LiveEdge edge, AtomicLong skippedGroups,
                     AtomicLong stalledGroups, RecordingTap tap, Supplier<MediaTimeline> timeline) {
        this.tap = tap;
        this.timeline = timeline;
        this.consumer = consumer;
        this.pipeline = pipeline;
        this.edge = edge;
        this.skippedGroups = skippedGroups;
        this.stalledGroups = stalledGroups;
        this.thread = Thread.ofPlatform().name("vread-" + pipeline.track()).daemon().start(this::run);
    }

    VideoDecodePipeline pipeline() {
        return pipeline;
    }

    boolean ended() {
        return ended;
    }

    /** Whether this reader is the standby (its arrivals are not counted as the shown rendition's). */
    void standby(boolean on) {
        standby = on;
    }

    private void run() {
        try {
            while (running) {
                LiveRead.Next next = LiveRead.nextGroup(consumer);
                if (next instanceof LiveRead.Next.Waiting) {
                    continue;
                }
                if (!(next instanceof LiveRead.Next.Group(GroupConsumer g))) {
                    break;
                }
                try (g) {
                    readGroup(g);
                } catch (MoqException | MediaException e) {
                    // an aborted or malformed group costs that GOP only
                }
            }
        } catch (MoqException e) {
            // track aborted or reader cancelled
        } finally {
            ended = true;
        }
    }

    private void readGroup(GroupConsumer g) {
        boolean first = true;
        while (running) {
            LiveRead.Frame next = LiveRead.frame(g, Duration.ZERO);
            if (next instanceof LiveRead.Frame.Waiting) {
                continue;
            }
            if (next instanceof LiveRead.Frame.Stalled) {
                stalledGroups.incrementAndGet();
                return;
            }
            if (!(next instanceof LiveRead.Frame.Data(byte[] frame))) {
                return;
            }
            LegacyFrame f = LegacyFrame.decode(frame);
            long ts = timeline.get().toCapture(f.timestampMicros());
            boolean counted = !standby;
            long late = edge.observe(ts, counted);
            if (first) {
                edge.groupStarted(ts, lastGroupTs == Long.MIN_VALUE || ts <= lastGroupTs ? 0 : ts - lastGroupTs, counted);
                lastGroupTs = ts;
            }
            // Dropping late frames only pays when a newer GOP can take their place; without one it would
            // just freeze the picture until the next keyframe (under loss: keyframes only, 1 fps).
            if (!first && edge.tooLate(late - pipeline.jitterMicros()) && g.isSuperseded()) {
                skippedGroups.incrementAndGet();
                return;
            }
            EncodedVideo unit = new EncodedVideo(f.payload(), ts, first);
            pipeline.offer(unit);
            tap.video(pipeline.track(), unit);
            first = false;
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.close();
        pipeline.close();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
