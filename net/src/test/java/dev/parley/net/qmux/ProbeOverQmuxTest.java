package dev.parley.net.qmux;

import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.session.MoqSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROBE over the QMux/WebSocket binding: a subscriber of a Parley publisher receives a non-zero
 * delivery estimate measured from the bytes the socket took, and the ping RTT (lite-05).
 */
@Timeout(60)
class ProbeOverQmuxTest {

    @Test
    void aWebSocketSubscriberReceivesANonZeroProbeWithRtt() throws Exception {
        BroadcastProducer demo = new BroadcastProducer();
        TrackProducer video = demo.createTrack(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
        AtomicBoolean running = new AtomicBoolean(true);
        try (QmuxServer server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0),
                conn -> MoqSession.start(conn).publish("demo", demo.consume()));
             QmuxClient dialer = new QmuxClient()) {
            MoqSession client = MoqSession.start(dialer.connect("ws://127.0.0.1:" + server.port() + "/"));
            assertThat(client.version().toString()).contains("05");
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] frame = new byte[10_000]; // 25 frames/s: 2 Mbit/s
                try {
                    while (running.get()) {
                        GroupProducer g = video.appendGroup();
                        g.writeFrame(frame, System.nanoTime() / 1000);
                        g.close();
                        Thread.sleep(40);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            BroadcastConsumer remote = client.subscribe("demo", Duration.ofSeconds(10));
            TrackConsumer track = remote.subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
            AtomicLong received = new AtomicLong();
            Thread reader = Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    try {
                        GroupConsumer g = track.nextGroup(Duration.ofMillis(500));
                        if (g == null) {
                            return;
                        }
                        for (byte[] f = g.readFrame(Duration.ofMillis(500)); f != null; f = g.readFrame(Duration.ofMillis(500))) {
                            received.addAndGet(f.length);
                        }
                    } catch (dev.parley.net.moq.model.MoqException e) {
                        // a timeout: keep reading while the test runs
                    }
                }
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            // the first reports follow the catalog and the first frames; the estimate rises as media flows
            java.util.List<Long> seen = new java.util.ArrayList<>();
            while ((client.probeEstimate().orElse(0) <= 2_000_000L || client.probeRttMillis().isEmpty()
                    || received.get() < 100_000)
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
                seen.add(client.probeEstimate().orElse(-1));
            }
            System.out.println("[probe-qmux] estimates every 50 ms: " + seen);
            running.set(false);
            writer.join(2000);
            reader.join(2000);
            System.out.printf("[probe-qmux] estimate %s bit/s, rtt %s ms after %d bytes%n",
                    client.probeEstimate(), client.probeRttMillis(), received.get());
            assertThat(received.get()).isGreaterThanOrEqualTo(100_000);
            // an unqueued loopback path: bounded by the socket's send buffer per ping RTT, far above the 2 Mbit/s that flow
            assertThat(client.probeEstimate().orElse(0)).isGreaterThan(2_000_000L);
            assertThat(client.probeRttMillis().orElse(0)).as("the ping RTT, at least 1 ms").isGreaterThanOrEqualTo(1);
            client.close();
        } finally {
            running.set(false);
        }
    }
}
