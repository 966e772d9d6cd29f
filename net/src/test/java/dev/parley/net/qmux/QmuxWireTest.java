package dev.parley.net.qmux;

import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.CloseReason;
import dev.parley.net.transport.SendStream;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.parley.net.qmux.QmuxTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the server puts on the wire and how it reacts to a broken peer, observed with a bare WebSocket
 * client that has no QMux logic of its own.
 */
@Timeout(60)
class QmuxWireTest {
    private static final TransportParameters GENEROUS =
            new TransportParameters(64 << 20, 16 << 20, 16 << 20, 16 << 20, 100, 100);

    @Test
    void serverSendsParametersFirstAndChunksStreamDataIntoSmallMessages() throws Exception {
        try (var t = new QmuxTestSupport();
             RawWsPeer peer = new RawWsPeer(URI.create(t.url("/")), QmuxConnection.subprotocol("moq-lite-03"))) {
            assertThat(peer.subprotocol()).isEqualTo(QmuxConnection.subprotocol("moq-lite-03"));
            assertThat(peer.next(10)).isEqualTo(new QmuxFrame.Parameters(QmuxConfig.defaults().local()));
            peer.send(new QmuxFrame.Parameters(GENEROUS));
            QmuxConnection s = t.nextAccepted();
            byte[] payload = new byte[200_000];
            new Random(3).nextBytes(payload);
            SendStream out = s.openUni();
            out.write(payload);
            out.finish();
            byte[] got = new byte[payload.length];
            int received = 0;
            boolean fin = false;
            int messages = 0;
            while (!fin) {
                byte[] raw = peer.messages.poll(10, TimeUnit.SECONDS);
                assertThat(raw).as("message %d", messages).isNotNull();
                assertThat(raw.length).isLessThanOrEqualTo(QmuxFrame.MAX_FRAME_SIZE);
                QmuxFrame f = QmuxFrameCodec.decode(io.netty.buffer.Unpooled.wrappedBuffer(raw));
                if (f instanceof QmuxFrame.Stream st) {
                    assertThat(st.streamId()).isEqualTo(3);
                    assertThat(st.data().length).isLessThanOrEqualTo(QmuxFrame.MAX_STREAM_PAYLOAD);
                    assertThat(st.offset()).isEqualTo(received);
                    System.arraycopy(st.data(), 0, got, received, st.data().length);
                    received += st.data().length;
                    fin = st.fin();
                    messages++;
                }
            }
            assertThat(got).isEqualTo(payload);
            assertThat(messages).isGreaterThanOrEqualTo(payload.length / QmuxFrame.MAX_STREAM_PAYLOAD);
        }
    }

    @Test
    void serverRespectsThePeerWindowAndResumesOnMaxStreamData() throws Exception {
        try (var t = new QmuxTestSupport();
             RawWsPeer peer = new RawWsPeer(URI.create(t.url("/")), QmuxConnection.subprotocol("moq-lite-03"))) {
            peer.next(10);
            peer.send(new QmuxFrame.Parameters(new TransportParameters(1 << 20, 1000, 1000, 1000, 10, 10)));
            QmuxConnection s = t.nextAccepted();
            SendStream out = s.openUni();
            out.write(new byte[5000]);
            out.finish();
            int received = 0;
            List<QmuxFrame> others = new ArrayList<>();
            QmuxFrame f;
            while ((f = peer.next(1)) != null) {
                if (f instanceof QmuxFrame.Stream st) {
                    received += st.data().length;
                } else {
                    others.add(f);
                }
            }
            assertThat(received).isEqualTo(1000);
            assertThat(others).contains(new QmuxFrame.StreamDataBlocked(3, 1000));
            peer.send(new QmuxFrame.MaxStreamData(3, 6000));
            boolean fin = false;
            while (!fin) {
                f = peer.next(10);
                assertThat(f).isNotNull();
                if (f instanceof QmuxFrame.Stream st) {
                    received += st.data().length;
                    fin = st.fin();
                }
            }
            assertThat(received).isEqualTo(5000);
        }
    }

    @Test
    void garbageClosesOnlyThatConnection() throws Exception {
        try (var t = new QmuxTestSupport(); QmuxConnection good = t.connect()) {
            QmuxConnection goodServer = t.nextAccepted();
            String[] garbage = {"30", "ff", "0a0005", "ff5153300d0a0d0a05", "0b00ff"};
            for (String hex : garbage) {
                try (RawWsPeer bad = new RawWsPeer(URI.create(t.url("/")), QmuxConnection.subprotocol("moq-lite-03"))) {
                    bad.next(10);
                    if (!hex.startsWith("ff51")) {
                        bad.send(new QmuxFrame.Parameters(GENEROUS));
                    }
                    QmuxConnection badServer = t.nextAccepted();
                    bad.send(java.util.HexFormat.of().parseHex(hex));
                    QmuxFrame close = bad.next(10);
                    assertThat(close).as(hex).isInstanceOf(QmuxFrame.ConnectionClose.class);
                    assertThat(((QmuxFrame.ConnectionClose) close).reason()).as(hex).isNotBlank();
                    assertThat(badServer.closed().get(10, TimeUnit.SECONDS)).isInstanceOf(CloseReason.TransportError.class);
                    assertThat(bad.closed.get(10, TimeUnit.SECONDS)).isNotNull();
                }
            }
            try (RawWsPeer text = new RawWsPeer(URI.create(t.url("/")), QmuxConnection.subprotocol("moq-lite-03"))) {
                text.next(10);
                QmuxConnection textServer = t.nextAccepted();
                text.sendText("hello");
                assertThat(textServer.closed().get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(
                        CloseReason.TransportError.class, r -> assertThat(r.message()).contains("binary"));
            }
            try (RawWsPeer first = new RawWsPeer(URI.create(t.url("/")), QmuxConnection.subprotocol("moq-lite-03"))) {
                first.next(10);
                QmuxConnection firstServer = t.nextAccepted();
                first.send(new QmuxFrame.MaxData(5));
                assertThat(firstServer.closed().get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(
                        CloseReason.TransportError.class, r -> assertThat(r.message()).contains("QX_TRANSPORT_PARAMETERS"));
            }
            // The well-behaved connection is unaffected.
            Thread.ofVirtual().start(() -> {
                try {
                    BidiStream b = goodServer.acceptBidi();
                    b.send().write(readAll(b.recv()));
                    b.send().flush();
                    b.send().finish();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            BidiStream b = good.openBidi();
            b.send().write("alive".getBytes());
            b.send().flush();
            b.send().finish();
            assertThat(readAll(b.recv())).isEqualTo("alive".getBytes());
            assertThat(goodServer.closed()).isNotDone();
        }
    }

    @Test
    void flowControlAndStreamLimitViolationsCloseWithQuicCodes() throws Exception {
        QmuxConfig tight = QmuxConfig.defaults().withLocal(new TransportParameters(1 << 20, 100, 100, 100, 2, 2));
        try (var t = new QmuxTestSupport(tight, tight)) {
            try (RawWsPeer peer = new RawWsPeer(URI.create(t.url("/")), QmuxConnection.subprotocol("moq-lite-03"))) {
                peer.next(10);
                peer.send(new QmuxFrame.Parameters(GENEROUS));
                t.nextAccepted();
                peer.send(new QmuxFrame.Stream(2, 0, new byte[101], false));
                QmuxFrame close = peer.next(10);
                assertThat(close).isInstanceOfSatisfying(QmuxFrame.ConnectionClose.class,
                        c -> assertThat(c.code()).isEqualTo(QmuxProtocolException.FLOW_CONTROL_ERROR));
            }
            try (RawWsPeer peer = new RawWsPeer(URI.create(t.url("/")), QmuxConnection.subprotocol("moq-lite-03"))) {
                peer.next(10);
                peer.send(new QmuxFrame.Parameters(GENEROUS));
                t.nextAccepted();
                peer.send(new QmuxFrame.Stream(4 * 2 + 2, 0, new byte[1], false)); // uni index 2, limit 2
                QmuxFrame close = peer.next(10);
                assertThat(close).isInstanceOfSatisfying(QmuxFrame.ConnectionClose.class,
                        c -> assertThat(c.code()).isEqualTo(QmuxProtocolException.STREAM_LIMIT_ERROR));
            }
            try (RawWsPeer peer = new RawWsPeer(URI.create(t.url("/")), QmuxConnection.subprotocol("moq-lite-03"))) {
                peer.next(10);
                peer.send(new QmuxFrame.Parameters(GENEROUS));
                t.nextAccepted();
                peer.send(new QmuxFrame.Stream(3, 0, new byte[1], false)); // the server's own uni stream
                QmuxFrame close = peer.next(10);
                assertThat(close).isInstanceOfSatisfying(QmuxFrame.ConnectionClose.class,
                        c -> assertThat(c.code()).isEqualTo(QmuxProtocolException.STREAM_STATE_ERROR));
            }
        }
    }

    @Test
    void schedulerSendsHigherPriorityStreamsFirst() throws Exception {
        try (var t = new QmuxTestSupport();
             RawWsPeer peer = new RawWsPeer(URI.create(t.url("/")), QmuxConnection.subprotocol("moq-lite-03"))) {
            peer.next(10);
            // No connection credit yet: everything the server writes stays queued.
            peer.send(new QmuxFrame.Parameters(new TransportParameters(0, 1 << 20, 1 << 20, 1 << 20, 10, 10)));
            QmuxConnection s = t.nextAccepted();
            SendStream low = s.openUni();
            low.setPriority(1);
            low.write(new byte[40_000]);
            low.finish();
            SendStream mid = s.openUni();
            mid.setPriority(5);
            mid.write(new byte[40_000]);
            mid.finish();
            SendStream high = s.openUni();
            high.setPriority(10);
            high.write(new byte[40_000]);
            high.finish();
            QmuxFrame blocked = peer.next(10);
            assertThat(blocked).isEqualTo(new QmuxFrame.DataBlocked(0));
            peer.send(new QmuxFrame.MaxData(1 << 20));
            List<Long> order = new ArrayList<>();
            int fins = 0;
            while (fins < 3) {
                QmuxFrame f = peer.next(10);
                assertThat(f).isNotNull();
                if (f instanceof QmuxFrame.Stream st) {
                    order.add(st.streamId());
                    fins += st.fin() ? 1 : 0;
                }
            }
            // ids: low 3, mid 7, high 11; each needs three frames.
            assertThat(order).containsExactly(11L, 11L, 11L, 7L, 7L, 7L, 3L, 3L, 3L);
        }
    }

    @Test
    void vanishedPeerIsClosedByTheIdleTimeout() throws Exception {
        QmuxConfig quick = QmuxConfig.defaults().withTimers(java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(600));
        try (var t = new QmuxTestSupport(quick, quick); java.net.Socket raw = new java.net.Socket("127.0.0.1", t.server.port())) {
            // A hand-made upgrade, after which this peer never answers pings or sends anything.
            raw.getOutputStream().write(("GET /gone HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: " + QmuxConnection.subprotocol("moq-lite-03") + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            raw.getOutputStream().flush();
            QmuxConnection s = t.nextAccepted();
            assertThat(s.path()).isEqualTo("/gone");
            assertThat(s.closed().get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(CloseReason.TransportError.class,
                    r -> assertThat(r.message()).contains("idle timeout"));
        }
    }

    /**
     * A peer that sends CONNECTION_CLOSE and then resets TCP (an abortive close, as any process that
     * exits or closes with unread data does) while the server has not read it yet. The server's next
     * write (here its pong) fails first; it must still read and report the close reason instead of
     * dropping the connection with the reason unread in its socket buffer.
     */
    @Test
    void connectionCloseIsReadEvenWhenThePeerResetsBeforeTheServerReadsIt() throws Exception {
        Path procTcp = Path.of("/proc/net/tcp");
        Assumptions.assumeTrue(Files.isReadable(procTcp),
                "skipped: needs Linux /proc/net/tcp to see when the reset has reached the server's socket");
        try (var t = new QmuxTestSupport(); Socket raw = new Socket("127.0.0.1", t.server.port())) {
            OutputStream out = raw.getOutputStream();
            out.write(upgradeRequest());
            out.flush();
            raw.setSoTimeout(10_000);
            assertThat(readHttpHead(raw.getInputStream())).startsWith("HTTP/1.1 101");
            out.write(maskedMessage(0x2, encode(new QmuxFrame.Parameters(GENEROUS))));
            out.flush();
            QmuxConnection s = t.nextAccepted();
            // Hold the server's event loop (path-stats listeners run on it) while the peer sends and resets.
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AutoCloseable hold = s.onPathStats(p -> {
                held.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
                // A ping makes the server write (a pong) before it reaches the close: 16 KB of stream
                // data after the ping take more than one socket read (the first is at most 2 KB).
                out.write(maskedMessage(0x9, new byte[8]));
                for (int i = 0; i < 2; i++) {
                    out.write(maskedMessage(0x2, encode(new QmuxFrame.Stream(2, i * 8_000L, new byte[8_000], false))));
                }
                out.write(maskedMessage(0x2, encode(new QmuxFrame.ConnectionClose(7, 0, "gone", false))));
                out.flush();
                int peerPort = raw.getLocalPort();
                // A reset discards whatever the peer has not sent yet: wait until the server's kernel
                // has acknowledged every byte (nothing left in the peer's send queue).
                awaitTcp(procTcp, peerPort, t.server.port(), q -> q != null && q[0] == 0, "the peer's bytes delivered");
                raw.setSoLinger(true, 0);
                raw.close(); // RST
                awaitTcp(procTcp, t.server.port(), peerPort, q -> q == null, "the reset reached the server's socket");
            } finally {
                release.countDown();
                hold.close();
            }
            assertThat(s.closed().get(10, TimeUnit.SECONDS)).isEqualTo(new CloseReason.Remote(7, "gone"));
        }
    }

    /**
     * The closing side sends CONNECTION_CLOSE and a WebSocket Close, then keeps TCP open until the peer
     * answers the Close (RFC 6455 closing handshake) and ends it with a FIN. Dropping TCP at once would
     * reset the connection whenever something the peer sent was still unread, and a reset can cost the
     * peer the CONNECTION_CLOSE it has not read yet.
     */
    @Test
    void closingSideWaitsForThePeersWebSocketCloseAndEndsWithoutAReset() throws Exception {
        try (var t = new QmuxTestSupport(); Socket raw = new Socket("127.0.0.1", t.server.port())) {
            OutputStream out = raw.getOutputStream();
            java.io.InputStream in = new java.io.BufferedInputStream(raw.getInputStream());
            out.write(upgradeRequest());
            out.flush();
            raw.setSoTimeout(10_000);
            assertThat(readHttpHead(in)).startsWith("HTTP/1.1 101");
            out.write(maskedMessage(0x2, encode(new QmuxFrame.Parameters(GENEROUS))));
            out.flush();
            QmuxConnection s = t.nextAccepted();
            s.close(5, "bye");
            QmuxFrame close = null;
            int[] opcode = new int[1];
            while (close == null) {
                byte[] payload = readServerFrame(in, opcode);
                if (opcode[0] == 0x2 && QmuxFrameCodec.decode(io.netty.buffer.Unpooled.wrappedBuffer(payload))
                        instanceof QmuxFrame.ConnectionClose c) {
                    close = c;
                }
            }
            assertThat(close).isEqualTo(new QmuxFrame.ConnectionClose(5, 0, "bye", false));
            byte[] wsClose = readServerFrame(in, opcode);
            assertThat(opcode[0]).as("a WebSocket Close follows CONNECTION_CLOSE").isEqualTo(0x8);
            // The server waits for our answer: no FIN, no reset yet.
            raw.setSoTimeout(300);
            assertThatThrownBy(in::read).isInstanceOf(java.net.SocketTimeoutException.class);
            out.write(maskedMessage(0x8, wsClose));
            out.flush();
            raw.setSoTimeout(10_000);
            assertThat(in.read()).as("a clean end of stream after our Close").isEqualTo(-1);
            assertThat(s.closed().get(10, TimeUnit.SECONDS)).isEqualTo(new CloseReason.Local(5, "bye"));
        }
    }

    private static byte[] upgradeRequest() {
        return ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: " + QmuxConnection.subprotocol("moq-lite-03") + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static String readHttpHead(java.io.InputStream in) throws java.io.IOException {
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("connection ended inside the HTTP response: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** One unmasked, unfragmented WebSocket frame as the server sends it; its opcode goes to {@code opcode[0]}. */
    private static byte[] readServerFrame(java.io.InputStream in, int[] opcode) throws java.io.IOException {
        java.io.DataInputStream d = new java.io.DataInputStream(in);
        int b0 = d.readUnsignedByte();
        int b1 = d.readUnsignedByte();
        assertThat(b0 & 0x80).as("final fragment").isNotZero();
        assertThat(b1 & 0x80).as("server frames are unmasked").isZero();
        opcode[0] = b0 & 0x0f;
        long len = b1 & 0x7f;
        if (len == 126) {
            len = d.readUnsignedShort();
        } else if (len == 127) {
            len = d.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(len)];
        d.readFully(payload);
        return payload;
    }

    private static byte[] encode(QmuxFrame frame) {
        ByteBuf b = QmuxFrameCodec.encode(io.netty.buffer.ByteBufAllocator.DEFAULT, frame);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }

    /** One final WebSocket frame as a client sends it: masked (with a zero key, so the payload is unchanged). */
    private static byte[] maskedMessage(int opcode, byte[] payload) {
        java.io.ByteArrayOutputStream f = new java.io.ByteArrayOutputStream();
        f.write(0x80 | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xff);
        }
        f.writeBytes(new byte[4]);
        f.writeBytes(payload);
        return f.toByteArray();
    }

    /**
     * Waits up to 10 s until {@code done} holds for the queues ({tx, rx} bytes, null once the kernel no
     * longer lists it; a reset removes it) of the loopback TCP socket from port {@code local} to port
     * {@code remote}.
     */
    private static void awaitTcp(Path procTcp, int local, int remote, java.util.function.Predicate<long[]> done,
                                 String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.test(tcpQueues(procTcp, local, remote))) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static long[] tcpQueues(Path procTcp, int local, int remote) throws java.io.IOException {
        String l = String.format(":%04X", local);
        String r = String.format(":%04X", remote);
        // Java's sockets are usually IPv6 ones carrying IPv4: those are listed in tcp6.
        List<String> lines = new ArrayList<>(Files.readAllLines(procTcp));
        Path procTcp6 = procTcp.resolveSibling("tcp6");
        if (Files.isReadable(procTcp6)) {
            lines.addAll(Files.readAllLines(procTcp6));
        }
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 4 && f[1].endsWith(l) && f[2].endsWith(r)) {
                String[] q = f[4].split(":");
                return new long[] {Long.parseLong(q[0], 16), Long.parseLong(q[1], 16)};
            }
        }
        return null;
    }

    @Test
    void fragmentedMessagesCountAsOneFrameAndOversizedOnesClose() throws Exception {
        try (var t = new QmuxTestSupport()) {
            try (RawWsPeer peer = new RawWsPeer(URI.create(t.url("/")), QmuxConnection.subprotocol("moq-lite-03"))) {
                peer.next(10);
                ByteBuf tp = QmuxFrameCodec.encode(io.netty.buffer.ByteBufAllocator.DEFAULT, new QmuxFrame.Parameters(GENEROUS));
                byte[] bytes = new byte[tp.readableBytes()];
                tp.readBytes(bytes);
                tp.release();
                peer.sendFragmented(bytes, 3);
                QmuxConnection s = t.nextAccepted();
                byte[] data = new byte[10_000];
                new Random(9).nextBytes(data);
                ByteBuf st = QmuxFrameCodec.encode(io.netty.buffer.ByteBufAllocator.DEFAULT, new QmuxFrame.Stream(2, 0, data, true));
                byte[] stream = new byte[st.readableBytes()];
                st.readBytes(stream);
                st.release();
                peer.sendFragmented(stream, 4);
                assertThat(readAll(s.acceptUni())).isEqualTo(data);
            }
            try (RawWsPeer peer = new RawWsPeer(URI.create(t.url("/")), QmuxConnection.subprotocol("moq-lite-03"))) {
                peer.next(10);
                peer.send(new QmuxFrame.Parameters(GENEROUS));
                QmuxConnection s = t.nextAccepted();
                byte[] big = new byte[QmuxFrame.MAX_FRAME_SIZE + 100];
                big[0] = 0x08;
                big[1] = 0x02;
                peer.sendFragmented(big, 5);
                assertThat(s.closed().get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(CloseReason.TransportError.class,
                        r -> assertThat(r.message()).contains("exceeds 16384"));
            }
        }
    }

    @Test
    void upgradeWithoutTheSubprotocolIsRefused() throws Exception {
        try (var t = new QmuxTestSupport(); HttpClient http = HttpClient.newHttpClient()) {
            // the legacy webtransport wire format is not spoken (a bare qmux-0x is: its version is settled in-band)
            assertThatThrownBy(() -> http.newWebSocketBuilder().subprotocols("webtransport", "webtransport.moq-lite-03", "qmux-03")
                    .buildAsync(URI.create(t.url("/")), new java.net.http.WebSocket.Listener() { }).join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                            e -> assertThat(e.getResponse().statusCode()).isEqualTo(400));
            HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.server.port() + "/x"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(plain.statusCode()).isEqualTo(426);
            assertThat(plain.body()).contains(QmuxConnection.subprotocol("moq-lite-03"));
            assertThat(t.accepted).isEmpty();
        }
    }
}
