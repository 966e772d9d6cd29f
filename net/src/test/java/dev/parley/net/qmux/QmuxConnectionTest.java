package dev.parley.net.qmux;

import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.ConnectionClosedException;
import dev.parley.net.transport.RecvStream;
import dev.parley.net.transport.SendStream;
import dev.parley.net.transport.StreamResetException;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.parley.net.qmux.QmuxTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Java client against Java server over real loopback sockets. */
@Timeout(60)
class QmuxConnectionTest {

    private static void echoBidi(QmuxConnection server) {
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    BidiStream s = server.acceptBidi();
                    Thread.ofVirtual().start(() -> {
                        try {
                            byte[] buf = new byte[4096];
                            int n;
                            while ((n = s.recv().read(buf, 0, buf.length)) >= 0) {
                                s.send().write(java.util.Arrays.copyOf(buf, n));
                                s.send().flush();
                            }
                            s.send().finish();
                        } catch (InterruptedException | RuntimeException e) {
                            // the test's own assertions report the failure
                        }
                    });
                }
            } catch (InterruptedException | ConnectionClosedException e) {
                // connection over
            }
        });
    }

    @Test
    void bidiEchoWithFin() throws Exception {
        try (var t = new QmuxTestSupport(); QmuxConnection c = t.connect()) {
            QmuxConnection s = t.nextAccepted();
            assertThat(s.protocol()).isEqualTo("moq-lite-05");
            assertThat(c.protocol()).isEqualTo("moq-lite-05");
            assertThat(s.remoteId()).isEmpty();
            assertThat(c.isClient()).isTrue();
            assertThat(s.isClient()).isFalse();
            echoBidi(s);
            BidiStream b = c.openBidi();
            assertThat(b.id()).isEqualTo(0);
            b.send().write("hello qmux".getBytes(StandardCharsets.UTF_8));
            b.send().flush();
            b.send().finish();
            assertThat(new String(readAll(b.recv()), StandardCharsets.UTF_8)).isEqualTo("hello qmux");
            assertThat(c.openBidi().id()).isEqualTo(4);
        }
    }

    @Test
    void uniStreamsBothDirectionsAndQuicNumbering() throws Exception {
        try (var t = new QmuxTestSupport(); QmuxConnection c = t.connect()) {
            QmuxConnection s = t.nextAccepted();
            SendStream up = c.openUni();
            assertThat(up.id()).isEqualTo(2);
            up.write("up".getBytes());
            up.flush();
            up.finish();
            RecvStream atServer = s.acceptUni();
            assertThat(atServer.id()).isEqualTo(2);
            assertThat(readAll(atServer)).isEqualTo("up".getBytes());

            SendStream down = s.openUni();
            assertThat(down.id()).isEqualTo(3);
            SendStream down2 = s.openUni();
            assertThat(down2.id()).isEqualTo(7);
            down2.write("second".getBytes());
            down2.flush();
            down2.finish();
            down.write("first".getBytes());
            down.flush();
            down.finish();
            // Data for index 1 arrives first; index 0 is implicitly opened and accepted before it.
            RecvStream r0 = c.acceptUni();
            RecvStream r1 = c.acceptUni();
            assertThat(r0.id()).isEqualTo(3);
            assertThat(r1.id()).isEqualTo(7);
            assertThat(readAll(r0)).isEqualTo("first".getBytes());
            assertThat(readAll(r1)).isEqualTo("second".getBytes());
            BidiStream sb = s.openBidi();
            assertThat(sb.id()).isEqualTo(1);
        }
    }

    @Test
    void largePayloadIsBackPressuredBySlowReader() throws Exception {
        int window = 64 << 10;
        QmuxConfig small = QmuxConfig.defaults().withLocal(new TransportParameters(2 * window, window, window, window, 10, 10));
        try (var t = new QmuxTestSupport(small, small); QmuxConnection c = t.connect()) {
            QmuxConnection s = t.nextAccepted();
            byte[] payload = new byte[8 << 20];
            new Random(7).nextBytes(payload);
            SendStream up = c.openUni();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int off = 0; off < payload.length; off += 100_000) {
                    up.write(payload, off, Math.min(100_000, payload.length - off));
                    up.flush();
                }
                up.finish();
            }, r -> Thread.ofVirtual().start(r));
            RecvStream in = s.acceptUni();
            // Nobody reads yet: the sender must stall at the stream window, not push the whole payload.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long last = -1;
            while (System.nanoTime() < deadline) {
                long now = c.pathStats().bytesSent();
                if (now == last && now > window / 2) {
                    break;
                }
                last = now;
                Thread.sleep(100);
            }
            assertThat(c.pathStats().bytesSent()).isLessThan(window + 8192);
            assertThat(writer).isNotDone();

            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[32 << 10];
            long total = 0;
            int n;
            while ((n = in.read(buf, 0, buf.length)) >= 0) {
                md.update(buf, 0, n);
                total += n;
            }
            writer.get(30, TimeUnit.SECONDS);
            assertThat(total).isEqualTo(payload.length);
            assertThat(md.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(payload));
            // Every STREAM frame fits one message: at least payload/16360 messages went over the wire.
            assertThat(s.pathStats().packetsReceived()).isGreaterThanOrEqualTo(payload.length / QmuxFrame.MAX_STREAM_PAYLOAD);
        }
    }

    @Test
    void resetAndStopSendingCarryRawCodes() throws Exception {
        try (var t = new QmuxTestSupport(); QmuxConnection c = t.connect()) {
            QmuxConnection s = t.nextAccepted();
            SendStream up = c.openUni();
            up.write("partial".getBytes());
            up.flush();
            up.reset(42);
            RecvStream in = s.acceptUni();
            assertThatThrownBy(() -> readAll(in)).isInstanceOfSatisfying(StreamResetException.class,
                    e -> assertThat(e.code()).isEqualTo(42));

            SendStream up2 = c.openUni();
            up2.write("x".getBytes());
            up2.flush();
            RecvStream in2 = s.acceptUni();
            in2.stop(7);
            assertThatThrownBy(() -> in2.read(new byte[8], 0, 8)).isInstanceOfSatisfying(StreamResetException.class,
                    e -> assertThat(e.code()).isEqualTo(7));
            assertThatThrownBy(() -> {
                for (int i = 0; i < 10_000; i++) {
                    up2.write(new byte[1024]);
                    up2.flush();
                    Thread.sleep(1);
                }
            }).isInstanceOfSatisfying(StreamResetException.class, e -> assertThat(e.code()).isEqualTo(7));
            // The connection survives stream-level errors.
            echoBidi(s);
            BidiStream b = c.openBidi();
            b.send().write("still".getBytes());
            b.send().flush();
            b.send().finish();
            assertThat(readAll(b.recv())).isEqualTo("still".getBytes());
        }
    }

    @Test
    void manyConcurrentStreamsWithinLimits() throws Exception {
        try (var t = new QmuxTestSupport(); QmuxConnection c = t.connect()) {
            QmuxConnection s = t.nextAccepted();
            echoBidi(s);
            List<CompletableFuture<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 300; i++) { // 3x the bidi limit of 100: needs MAX_STREAMS replenishment
                int seed = i;
                results.add(CompletableFuture.supplyAsync(() -> {
                    byte[] data = new byte[1000 + seed * 97];
                    new Random(seed).nextBytes(data);
                    BidiStream b = c.openBidi();
                    b.send().write(data);
                    b.send().flush();
                    b.send().finish();
                    try {
                        return java.util.Arrays.equals(readAll(b.recv()), data);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, r -> Thread.ofVirtual().start(r)));
            }
            for (var r : results) {
                assertThat(r.get(30, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @Test
    void openBlocksAtPeerStreamLimitUntilAStreamFinishes() throws Exception {
        QmuxConfig two = QmuxConfig.defaults().withLocal(new TransportParameters(1 << 20, 1 << 16, 1 << 16, 1 << 16, 2, 2));
        try (var t = new QmuxTestSupport(two, QmuxConfig.defaults()); QmuxConnection c = t.connect()) {
            QmuxConnection s = t.nextAccepted();
            BidiStream a = c.openBidi();
            BidiStream b = c.openBidi();
            a.send().write(new byte[] {1});
            a.send().flush();
            b.send().write(new byte[] {2});
            b.send().flush();
            CountDownLatch opened = new CountDownLatch(1);
            Thread third = Thread.ofVirtual().start(() -> {
                c.openBidi();
                opened.countDown();
            });
            assertThat(opened.await(300, TimeUnit.MILLISECONDS)).as("third open must block at limit 2").isFalse();
            // Finish stream a in both directions; the server retires it and raises the limit.
            BidiStream sa = s.acceptBidi();
            sa.send().finish();
            a.send().finish();
            assertThat(readAll(sa.recv())).containsExactly(1);
            assertThat(readAll(a.recv())).isEmpty();
            assertThat(opened.await(10, TimeUnit.SECONDS)).isTrue();
            third.join();
        }
    }

    @Test
    void urlPathAndQueryAreExposedAsSessionRoot() throws Exception {
        try (var t = new QmuxTestSupport(); QmuxConnection c = t.client.connect(t.url("/room/a%20b?jwt=tok"))) {
            QmuxConnection s = t.nextAccepted();
            assertThat(s.path()).isEqualTo("/room/a b");
            assertThat(s.query()).isEqualTo("jwt=tok");
            assertThat(c.path()).isEqualTo("/room/a b");
        }
    }

    @RepeatedTest(20) // failed about once in 100-200 runs while the closing side reset TCP; cheap to repeat
    void closeCarriesCodeAndReasonToThePeer() throws Exception {
        try (var t = new QmuxTestSupport()) {
            QmuxConnection c = t.connect();
            QmuxConnection s = t.nextAccepted();
            Thread blocked = Thread.ofVirtual().start(() -> {
                try {
                    s.acceptBidi();
                } catch (ConnectionClosedException | InterruptedException e) {
                    return;
                }
                throw new AssertionError("accept returned a stream");
            });
            c.close(5, "bye");
            assertThat(s.closed().get(10, TimeUnit.SECONDS)).isEqualTo(new CloseReason.Remote(5, "bye"));
            assertThat(c.closed().get(10, TimeUnit.SECONDS)).isEqualTo(new CloseReason.Local(5, "bye"));
            blocked.join(Duration.ofSeconds(10));
            assertThat(blocked.isAlive()).isFalse();
            assertThatThrownBy(c::openBidi).isInstanceOf(ConnectionClosedException.class);
        }
    }

    @Test
    void pathStatsCountBytesAndMeasureRttWithPings() throws Exception {
        QmuxConfig fastPing = QmuxConfig.defaults().withTimers(Duration.ofMillis(50), Duration.ofSeconds(30));
        try (var t = new QmuxTestSupport(fastPing, fastPing); QmuxConnection c = t.connect()) {
            QmuxConnection s = t.nextAccepted();
            CountDownLatch sampled = new CountDownLatch(3);
            try (AutoCloseable sub = c.onPathStats(p -> sampled.countDown())) {
                assertThat(sampled.await(5, TimeUnit.SECONDS)).isTrue();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (c.pathStats().rtt().isZero() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(c.pathStats().rtt()).isPositive().isLessThan(Duration.ofSeconds(1));
            assertThat(c.pathStats().minRtt()).isPositive();
            assertThat(s.pathStats().bytesReceived()).isGreaterThan(0);
            assertThat(c.pathStats().packetsSent()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void manyConnectionsAreIndependent() throws Exception {
        try (var t = new QmuxTestSupport()) {
            List<QmuxConnection> clients = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                clients.add(t.connect());
                echoBidi(t.nextAccepted());
            }
            clients.get(3).close(9, "leaving");
            List<CompletableFuture<byte[]>> echoes = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                if (i == 3) {
                    continue;
                }
                QmuxConnection c = clients.get(i);
                byte[] data = ("client " + i).getBytes();
                echoes.add(CompletableFuture.supplyAsync(() -> {
                    BidiStream b = c.openBidi();
                    b.send().write(data);
                    b.send().flush();
                    b.send().finish();
                    try {
                        return readAll(b.recv());
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, r -> Thread.ofVirtual().start(r)));
            }
            int k = 0;
            for (int i = 0; i < clients.size(); i++) {
                if (i != 3) {
                    assertThat(new String(echoes.get(k++).get(20, TimeUnit.SECONDS))).isEqualTo("client " + i);
                }
            }
            clients.forEach(QmuxConnection::close);
        }
    }
}
