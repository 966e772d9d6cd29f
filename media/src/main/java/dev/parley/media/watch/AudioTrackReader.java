package dev.parley.media.watch;

import dev.parley.media.MediaException;
import dev.parley.media.codec.EncodedAudio;
import dev.parley.media.hang.LegacyFrame;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;

/** Reads the Opus track on thread {@code aread} into the playout's jitter buffer. */
final class AudioTrackReader implements AutoCloseable {
    private final TrackConsumer consumer;
    private final AudioPlayout playout;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean ended;

    AudioTrackReader(TrackConsumer consumer, AudioPlayout playout) {
        this.consumer = consumer;
        this.playout = playout;
        this.thread = Thread.ofPlatform().name("aread").daemon().start(this::run);
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
                    byte[] frame;
                    while (running && (frame = g.readFrame()) != null) {
                        LegacyFrame f = LegacyFrame.decode(frame);
                        playout.push(new EncodedAudio(f.payload(), f.timestampMicros()));
                    }
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
