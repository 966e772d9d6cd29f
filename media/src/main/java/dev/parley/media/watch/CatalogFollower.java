package dev.parley.media.watch;

import dev.parley.media.MediaException;
import dev.parley.media.hang.Catalog;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Follows a broadcast's {@code catalog.json} track on thread {@code watch-catalog}: every valid catalog
 * goes to the listener (on that thread); a bad one is kept as {@link #error()} and skipped.
 */
final class CatalogFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogFollower.class);

    private final TrackConsumer consumer;
    private final Consumer<Catalog> listener;
    private final Thread thread;
    private volatile MediaException error;
    private volatile boolean closed;

    CatalogFollower(BroadcastConsumer broadcast, Consumer<Catalog> listener) {
        this.consumer = broadcast.subscribe(new TrackInfo(Catalog.TRACK, TrackInfo.PRIORITY_CATALOG));
        this.listener = listener;
        this.thread = Thread.ofPlatform().name("watch-catalog").daemon().start(this::run);
    }

    private void run() {
        try {
            while (!closed) {
                GroupConsumer g = consumer.nextGroup();
                if (g == null) {
                    break;
                }
                try (g) {
                    // a catalog stalled behind a newer one is skipped; a dropped one costs only itself
                    LiveRead.Frame f = LiveRead.frame(g, java.time.Duration.ZERO);
                    while (f instanceof LiveRead.Frame.Waiting && !closed) {
                        f = LiveRead.frame(g, java.time.Duration.ZERO);
                    }
                    if (f instanceof LiveRead.Frame.Data(byte[] json)) {
                        listener.accept(Catalog.parse(json));
                    }
                } catch (MediaException e) {
                    error = e;
                    LOG.warn("ignoring bad catalog: {}", e.getMessage());
                } catch (MoqException e) {
                    LOG.debug("catalog group {} dropped: {}", g.sequence(), e.getMessage());
                }
            }
        } catch (MoqException e) {
            LOG.debug("catalog track ended: {}", e.getMessage());
        }
    }

    MediaException error() {
        return error;
    }

    @Override
    public void close() {
        closed = true;
        consumer.close();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
