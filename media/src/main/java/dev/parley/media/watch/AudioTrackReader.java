package dev.parley.media.watch;

import dev.parley.net.moq.model.LiveRead;
import dev.parley.media.MediaException;
import dev.parley.media.adapt.ArrivalWindow;
import dev.parley.media.codec.EncodedAudio;
import dev.parley.media.hang.LegacyFrame;
import dev.parley.media.hang.MediaTimeline;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Reads the Opus track on thread {@code aread} into the playout's jitter buffer. A group (100 ms of
 * audio) that stalls for {@link #STALL_BUDGET} while a newer group has started is given up and counted
 * as stalled: the jitter buffer rebuilds or conceals the gap (FEC, PLC) instead of the reader waiting on
 * a lost stream. Every wait has a deadline, so close is always noticed.
 */
final class AudioTrackReader implements AutoCloseable {
    /** How long a frame may be late behind a newer group: about the jitter buffer's smallest target. */
    static final Duration STALL_BUDGET = Duration.ofMillis(40);
    private final TrackConsumer consumer;
    private final AudioPlayout playout;
    private final AtomicLong stalledGroups;
    private final Supplier<MediaTimeline> timeline;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean ended;

    private final RecordingTap tap;
    private final ArrivalWindow arrivals;

    AudioTrackReader(TrackConsumer consumer, AudioPlayout playout, AtomicLong stalledGroups, RecordingTap tap) {
        this(consumer, playout, stalledGroups, tap, () -> MediaTimeline.UNKNOWN, null);
    }

    /**
     * @param timeline the publisher's media timeline (from its latest catalog): turns wire timestamps into capture times
     * @param arrivals where each frame's arrival is counted (the adaptive controller's silence signal), or null
     */
    AudioTrackReader(TrackConsumer consumer, AudioPlayout playout, AtomicLong stalledGroups, RecordingTap tap,
                     Supplier<MediaTimeline> timeline, ArrivalWindow arrivals) {
        this.arrivals = arrivals;
        this.tap = tap;
        this.timeline = timeline;
        this.consumer = consumer;
        this.playout = playout;
        this.stalledGroups = stalledGroups;
        this.thread = Thread.ofPlatform().name("aread").daemon().start(this::run);
    }

    boolean ended() {
        return ended;
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
                    // lost group: the jitter buffer conceals the gap
                }
            }
        } catch (MoqException e) {
            // track ended with an error or reader cancelled
        } finally {
            ended = true;
        }
    }

    private void readGroup(GroupConsumer g) {
        while (running) {
            LiveRead.Frame next = LiveRead.frame(g, STALL_BUDGET);
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
            if (arrivals != null) {
                arrivals.recordAudio();
            }
            LegacyFrame f = LegacyFrame.decode(frame);
            EncodedAudio packet = new EncodedAudio(f.payload(), timeline.get().toCapture(f.timestampMicros()));
            playout.push(packet);
            tap.audio(packet);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
