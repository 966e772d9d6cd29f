package dev.parley.media.watch;

import dev.parley.media.playout.NullAudioSink;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.BroadcastProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A broadcast handle closed before it is watched (its peer left between the room's event and the tile)
 * fails the watch at once and leaves no thread of the watch behind.
 */
@Timeout(30)
class ClosedBroadcastWatchTest {
    @Test
    void watchingAClosedHandleFailsCleanly() throws Exception {
        BroadcastConsumer consumer = new BroadcastProducer().consume();
        consumer.close();
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> new RemoteMedia(consumer, WatchOptions.defaults().withAudioSink(new NullAudioSink())))
                    .isInstanceOf(IllegalStateException.class);
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (controlThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(controlThreads()).as("watch-control threads left behind").isZero();
    }

    private static long controlThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("watch-control")).count();
    }
}
