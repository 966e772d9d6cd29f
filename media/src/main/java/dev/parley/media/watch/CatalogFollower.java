package dev.parley.media.watch;

import dev.parley.net.moq.model.LiveRead;
import dev.parley.media.MediaException;
import dev.parley.media.hang.Catalog;
import dev.parley.net.actor.ActorStoppedException;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Follows a broadcast's {@code catalog.json} track on virtual thread {@code watch-catalog}: every valid
 * catalog goes to the listener (on that thread; {@code RemoteMedia} hands it to its actor); a bad one is
 * kept as {@link #error()} and skipped. Every wait has a deadline ({@link LiveRead#WAIT}), so close is
 * noticed without depending on the network; a listener that throws {@link ActorStoppedException} (its actor
 * stopped) ends the follower.
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
        this.thread = Thread.ofVirtual().name("watch-catalog").start(this::run);
    }

    private void run() {
        try {
            while (!closed) {
                LiveRead.Next next = LiveRead.nextGroup(consumer);
                if (next instanceof LiveRead.Next.Waiting) {
                    continue;
                }
                if (!(next instanceof LiveRead.Next.Group(GroupConsumer g))) {
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
        } catch (ActorStoppedException stopped) {
            LOG.debug("catalog follower stopped: {}", stopped.getMessage());
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
