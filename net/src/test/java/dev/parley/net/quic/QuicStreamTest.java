package dev.parley.net.quic;

import dev.parley.net.identity.Identity;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.Connection;
import dev.parley.net.transport.PathStats;
import dev.parley.net.transport.RecvStream;
import dev.parley.net.transport.SendStream;
import dev.parley.net.transport.StreamResetException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.parley.net.quic.EndpointTest.ALPN;
import static dev.parley.net.quic.EndpointTest.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stream behaviour over real QUIC on loopback: data, end of stream, resets, limits, back-pressure, stats. */
@Timeout(60)
class QuicStreamTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final LinkedBlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
    private Endpoint server;
    private Endpoint client;

    @BeforeEach
    void start() {
        server = Endpoint.bind(EndpointConfig.loopback(Identity.generate()).withStreamLimits(2, 3));
        client = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
        toClose.add(server);
        toClose.add(client);
        server.register(ALPN, accepted::add);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private Connection[] connect() throws Exception {
        Connection c = client.connect(server.addr(), ALPN).get(10, TimeUnit.SECONDS);
        Connection s = accepted.poll(10, TimeUnit.SECONDS);
        assertThat(s).isNotNull();
        return new Connection[] {c, s};
    }

    @Test
    void unidirectionalStreamsBothWays() throws Exception {
        Connection[] pair = connect();
        SendStream up = pair[0].openUni();
        up.write("to server".getBytes(StandardCharsets.UTF_8));
        up.finish();
        RecvStream atServer = pair[1].acceptUni();
        assertThat(new String(readAll(atServer), StandardCharsets.UTF_8)).isEqualTo("to server");
        assertThat(up.id() % 4).isEqualTo(2); // client-initiated uni

        SendStream down = pair[1].openUni();
        down.write("to client".getBytes(StandardCharsets.UTF_8));
        down.finish();
        RecvStream atClient = pair[0].acceptUni();
        assertThat(new String(readAll(atClient), StandardCharsets.UTF_8)).isEqualTo("to client");
        assertThat(down.id() % 4).isEqualTo(3); // server-initiated uni
    }

    @Test
    void bidiStreamOpenedByServer() throws Exception {
        Connection[] pair = connect();
        BidiStream s = pair[1].openBidi();
        s.send().write(new byte[] {1, 2, 3});
        s.send().flush();
        BidiStream c = pair[0].acceptBidi();
        byte[] buf = new byte[3];
        int got = 0;
        while (got < 3) {
            got += c.recv().read(buf, got, 3 - got);
        }
        assertThat(buf).containsExactly(1, 2, 3);
        c.send().write(new byte[] {4});
        c.send().finish();
        assertThat(readAll(s.recv())).containsExactly(4);
        assertThat(s.id() % 4).isEqualTo(1);
    }

    @Test
    void largePayloadBackPressuresAnIdleReader() throws Exception {
        Connection[] pair = connect();
        byte[] payload = new byte[8 * 1024 * 1024];
        new Random(7).nextBytes(payload);
        SendStream out = pair[0].openUni();
        AtomicLong written = new AtomicLong();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int off = 0; off < payload.length; off += 64 * 1024) {
                out.write(payload, off, 64 * 1024);
                written.addAndGet(64 * 1024);
            }
            out.finish();
        }, r -> Thread.ofVirtual().start(r));

        RecvStream in = pair[1].acceptUni();
        // Nobody reads: the writer must stall once the windows and buffers are full.
        long last = -1;
        while (written.get() != last) {
            last = written.get();
            Thread.sleep(300);
        }
        // Memory stays bounded on both sides: the receiver holds about one read-ahead window,
        // the rest waits in QUIC flow control.
        assertThat(QuicStream.bufferedOf(in)).isLessThanOrEqualTo(2 * QuicStream.READ_HIGH_WATER);
        assertThat(writer).isNotDone();
        assertThat(written.get()).isLessThan(4L * 1024 * 1024);

        byte[] received = readAll(in);
        writer.get(30, TimeUnit.SECONDS);
        assertThat(received.length).isEqualTo(payload.length);
        assertThat(MessageDigest.getInstance("SHA-256").digest(received))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(payload));
    }

    @Test
    void resetCodeReachesTheReaderMappedThroughWebTransportSpace() throws Exception {
        Connection[] pair = connect();
        SendStream out = pair[0].openUni();
        out.write("partial".getBytes(StandardCharsets.UTF_8));
        out.flush();
        RecvStream in = pair[1].acceptUni();
        byte[] buf = new byte[64];
        assertThat(in.read(buf, 0, buf.length)).isPositive();
        out.reset(7);
        assertThatThrownBy(() -> {
            while (in.read(buf, 0, buf.length) >= 0) {
                // drain until the reset arrives
            }
        }).isInstanceOfSatisfying(StreamResetException.class, e -> assertThat(e.code()).isEqualTo(7));
        assertThat(QuicStream.rawPeerResetCode(in)).isEqualTo(WebTransportCodes.toWire(7)).isEqualTo(0x52e4a40fa8e2L);
    }

    @Test
    void readerBlockedDuringLocalStopSeesAResetWithTheStopCode() throws Exception {
        Connection[] pair = connect();
        SendStream out = pair[0].openUni();
        out.write("hello".getBytes(StandardCharsets.UTF_8));
        out.flush();
        RecvStream in = pair[1].acceptUni();
        byte[] buf = new byte[64];
        assertThat(in.read(buf, 0, buf.length)).isPositive();
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                in.read(buf, 0, buf.length);
                return null;
            } catch (RuntimeException | InterruptedException e) {
                return e;
            }
        });
        Thread.sleep(50); // let the reader block; the assertion holds either way
        in.stop(13);
        assertThat(reader.get(5, java.util.concurrent.TimeUnit.SECONDS))
                .isInstanceOf(dev.parley.net.transport.StreamResetException.class)
                .satisfies(e -> assertThat(((dev.parley.net.transport.StreamResetException) e).code()).isEqualTo(13));
    }

    @Test
    void rawResetCodeOutsideWebTransportRangeReadsAsZero() throws Exception {
        Connection[] pair = connect();
        SendStream out = pair[0].openUni();
        out.write(new byte[] {1});
        out.flush();
        RecvStream in = pair[1].acceptUni();
        assertThat(in.read(new byte[1], 0, 1)).isEqualTo(1);
        // What a peer without the mapping would send: a bare 5 on the wire.
        var ch = QuicStream.channelOf(out);
        ch.eventLoop().execute(() -> ch.shutdownOutput(5));
        assertThatThrownBy(() -> in.read(new byte[1], 0, 1))
                .isInstanceOfSatisfying(StreamResetException.class, e -> assertThat(e.code()).isZero());
        assertThat(QuicStream.rawPeerResetCode(in)).isEqualTo(5);
    }

    /** Netty 4.2.18 drops the STOP_SENDING code, so the writer learns that it stopped, with code 0. */
    @Test
    void stopSendingFailsTheWriter() throws Exception {
        Connection[] pair = connect();
        BidiStream s = pair[0].openBidi();
        s.send().write(new byte[] {1});
        s.send().flush();
        BidiStream atServer = pair[1].acceptBidi();
        assertThat(atServer.recv().read(new byte[1], 0, 1)).isEqualTo(1);
        atServer.recv().stop(9);
        byte[] chunk = new byte[16 * 1024];
        assertThatThrownBy(() -> {
            for (int i = 0; i < 10_000; i++) {
                s.send().write(chunk);
                s.send().flush();
                Thread.sleep(1);
            }
        }).isInstanceOfSatisfying(StreamResetException.class,
                e -> assertThat(e.code()).isEqualTo(QuicStream.STOP_CODE_UNKNOWN));
    }

    @Test
    void openingBeyondThePeersStreamLimitWaitsForCredit() throws Exception {
        Connection[] pair = connect(); // server allows 2 concurrent bidi streams
        BidiStream a = pair[0].openBidi();
        BidiStream b = pair[0].openBidi();
        CompletableFuture<BidiStream> third = CompletableFuture.supplyAsync(pair[0]::openBidi,
                r -> Thread.ofVirtual().start(r));
        Thread.sleep(500);
        assertThat(third).isNotDone();

        // Complete stream a in both directions; the server's credit comes back and the third opens.
        a.send().write(new byte[] {1});
        a.send().finish();
        BidiStream atServer = pair[1].acceptBidi();
        assertThat(readAll(atServer.recv())).containsExactly(1);
        atServer.send().finish();
        assertThat(readAll(a.recv())).isEmpty();
        BidiStream c = third.get(10, TimeUnit.SECONDS);
        assertThat(c.id()).isNotIn(a.id(), b.id());
    }

    @Test
    void pathStatsChangeAfterTraffic() throws Exception {
        Connection[] pair = connect();
        var samples = new CopyOnWriteArrayList<PathStats>();
        AutoCloseable subscription = pair[0].onPathStats(samples::add);
        PathStats before = pair[0].pathStats();

        SendStream out = pair[0].openUni();
        out.write(new byte[512 * 1024]);
        out.finish();
        assertThat(readAll(pair[1].acceptUni())).hasSize(512 * 1024);

        // pathStats() is the latest periodic sample (about every 200 ms) on each side, so both the sender's
        // and the receiver's samples may lag the stream itself; wait for both rather than reading once.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while ((pair[0].pathStats().bytesSent() < 512 * 1024 || pair[1].pathStats().bytesReceived() < 512 * 1024)
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        PathStats after = pair[0].pathStats();
        assertThat(after.bytesSent()).isGreaterThan(before.bytesSent()).isGreaterThanOrEqualTo(512 * 1024);
        assertThat(after.packetsSent()).isGreaterThan(before.packetsSent());
        assertThat(after.rtt()).isPositive();
        assertThat(after.minRtt()).isPositive().isLessThanOrEqualTo(after.rtt());
        assertThat(after.cwnd()).isPositive();
        assertThat(after.remote()).isEqualTo(server.localAddress());
        assertThat(pair[1].pathStats().bytesReceived()).isGreaterThanOrEqualTo(512 * 1024);
        assertThat(samples).isNotEmpty();
        subscription.close();
    }

    @Test
    void setPriorityUpdatesQuicheUrgency() throws Exception {
        Connection[] pair = connect();
        SendStream out = pair[0].openUni();
        out.setPriority(250);
        var ch = QuicStream.channelOf(out);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((ch.priority() == null || ch.priority().urgency() != 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ch.priority().urgency()).isZero();
        out.setPriority(10);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ch.priority().urgency() != 7 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ch.priority().urgency()).isEqualTo(7);
    }

    @Test
    void streamsFailWithConnectionClosedAfterClose() throws Exception {
        Connection[] pair = connect();
        RecvStream pending = pair[0].openBidi().recv();
        CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return pending.read(new byte[8], 0, 8);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        Thread.sleep(200);
        pair[1].close(0, "bye");
        assertThatThrownBy(() -> blocked.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(dev.parley.net.transport.ConnectionClosedException.class);
        assertThatThrownBy(pair[0]::openUni).isInstanceOf(dev.parley.net.transport.ConnectionClosedException.class);
    }
}
