package dev.parley.media.watch;

import dev.parley.media.codec.EncodedVideo;
import dev.parley.media.hang.LegacyFrame;
import dev.parley.media.MediaException;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads one video track on thread {@code vread-<track>}: each group is a GOP whose first frame is
 * the keyframe; frames are unwrapped from the legacy container and queued on the decode pipeline.
 * When a frame shows the reader fell more than the max latency (plus the rendition's declared jitter)
 * behind live, the rest of that group
 * is skipped (the next group starts with a keyframe). Ends when the track ends or on close.
 */
final class VideoTrackReader implements AutoCloseable {
    private final TrackConsumer consumer;
    private final VideoDecodePipeline pipeline;
    private final LiveEdge edge;
    private final Thread thread;
    private final AtomicLong skippedGroups;
    private volatile boolean running = true;
    private volatile boolean ended;

    VideoTrackReader(TrackConsumer consumer, VideoDecodePipeline pipeline, LiveEdge edge, AtomicLong skippedGroups) {
        this.consumer = consumer;
        this.pipeline = pipeline;
        this.edge = edge;
        this.skippedGroups = skippedGroups;
        this.thread = Thread.ofPlatform().name("vread-" + pipeline.track()).daemon().start(this::run);
    }

    VideoDecodePipeline pipeline() {
        return pipeline;
    }

    boolean ended() {
        return ended;
    }

    private void run() {
        try {
            while (running) {
                GroupConsumer g = consumer.nextGroup();
                if (g == null) {
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
        byte[] frame;
        while (running && (frame = g.readFrame()) != null) {
            LegacyFrame f = LegacyFrame.decode(frame);
            long late = edge.observe(f.timestampMicros());
            if (!first && edge.tooLate(late - pipeline.jitterMicros())) {
                skippedGroups.incrementAndGet();
                return;
            }
            pipeline.offer(new EncodedVideo(f.payload(), f.timestampMicros(), first));
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
