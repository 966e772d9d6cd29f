package dev.parley.net.qmux;

import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.moq.session.SessionConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over WebSocket a group can be written to its end and still wait, unsent, in its QMux stream's queue
 * while the socket takes nothing (a bottleneck). Once a newer group started and the stale grace passed,
 * the publisher resets it, and what was still queued never crosses: the link carries the newest group,
 * not seconds of old video. A pausable TCP forwarder between the sessions stands in for the bottleneck.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StaleGroupOverQmuxTest {
    private static final int OLD_GROUPS = 6;
    private static final int GROUP_BYTES = 6 << 20;

    @Test
    void aWrittenGroupStillQueuedWhenItGoesStaleNeverCrossesTheLink() throws Exception {
        QmuxConfig d = QmuxConfig.defaults();
        // a stream queue that holds a whole group, so the group's writer finishes it while the socket is full
        QmuxConfig big = new QmuxConfig(d.local(), 64 << 20, d.pingInterval(), d.idleTimeout(), d.protocols());
        LinkedBlockingQueue<MoqSession> sessions = new LinkedBlockingQueue<>();
        try (QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), Optional.empty(), big,
                conn -> sessions.add(MoqSession.start(conn)));
             PausableTcpProxy link = new PausableTcpProxy(server.port());
             QmuxClient dialer = new QmuxClient()) {
            MoqSession watcher = MoqSession.start(dialer.connect("ws://127.0.0.1:" + link.port() + "/"));
            MoqSession publisher = sessions.poll(10, TimeUnit.SECONDS);
            assertThat(publisher).isNotNull();
            BroadcastProducer demo = new BroadcastProducer();
            TrackProducer video = demo.createTrack(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
            publisher.publish("demo", demo.consume());
            TrackConsumer track = watcher.subscribe("demo", Duration.ofSeconds(10))
                    .subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
            video.appendGroupWithFrame(new byte[] {0}).close();
            assertThat(track.nextGroup(Duration.ofSeconds(10)).readFrame(Duration.ofSeconds(10))).containsExactly(0);

            link.pause();
            long before = link.toClient();
            for (int g = 1; g <= OLD_GROUPS; g++) {
                GroupProducer group = video.appendGroup();
                group.writeFrame(new byte[GROUP_BYTES]);
                group.close();
            }
            GroupProducer newest = video.appendGroup();
            newest.writeFrame(new byte[] {7});
            newest.close();
            Thread.sleep(SessionConfig.DEFAULT.staleGroupGrace().toMillis() * 2); // every older group is stale now
            long handedOnAtResume = publisher.connection().pathStats().bytesSent();
            link.resume();

            GroupConsumer last = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (last == null && System.nanoTime() < deadline) {
                GroupConsumer g = track.nextGroup(Duration.ofSeconds(20));
                if (g != null && g.sequence() == OLD_GROUPS + 1) {
                    last = g;
                }
            }
            assertThat(last).as("the newest group arrives").isNotNull();
            assertThat(last.readFrame(Duration.ofSeconds(10))).containsExactly(7);
            long crossed = awaitQuiet(link) - before;
            long handedOn = publisher.connection().pathStats().bytesSent() - handedOnAtResume;
            long written = (long) OLD_GROUPS * GROUP_BYTES;
            System.out.printf("[stale-qmux] %d MB written while the link carried nothing; after it came back QMux handed on"
                    + " %.2f MB, %.1f MB crossed (the rest of what the sockets had taken)%n",
                    written >> 20, handedOn / 1048576.0, crossed / 1048576.0);
            // The socket and Netty took what they could before the pause bit (MBs on loopback); that crosses whatever
            // happens. What QMux still held when the stale grace ran out was reset: nothing of it is sent later.
            assertThat(handedOn).as("bytes QMux sent after the link came back").isLessThan(GROUP_BYTES / 8);
            assertThat(crossed).isLessThan(written);
            watcher.close();
            publisher.close();
        }
    }

    /** The forwarded count once it stopped moving for half a second. */
    private static long awaitQuiet(PausableTcpProxy link) throws InterruptedException {
        long last = -1;
        long now = link.toClient();
        while (now != last) {
            last = now;
            Thread.sleep(500);
            now = link.toClient();
        }
        return now;
    }
}
