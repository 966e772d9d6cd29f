package dev.parley.net.moq.session;

import dev.parley.net.identity.Identity;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.wire.GroupHeader;
import dev.parley.net.moq.wire.Messages;
import dev.parley.net.moq.wire.Subscribe;
import dev.parley.net.moq.wire.WireWriter;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.Connection;
import dev.parley.net.transport.SendStream;
import dev.parley.net.transport.StreamResetException;
import dev.parley.net.transport.TransportException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.parley.net.moq.session.SessionPairTest.frame;
import static dev.parley.net.moq.session.SessionWireTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Garbage on new streams of a live QUIC session: it closes only that stream (or, for a broken control
 * semantic, that session), while another session keeps receiving every frame.
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS) // seconds normally; the long run takes minutes
class LiveSessionFuzzTest {
    private static final boolean LONG_RUN = Boolean.getBoolean("parley.long");
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private Endpoint endpoint() {
        Endpoint e = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
        toClose.add(e);
        return e;
    }

    @Test
    void garbageStreamsCloseOnlyThemselves() throws Exception {
        Endpoint a = endpoint();
        Endpoint b = endpoint();
        Endpoint x = endpoint(); // the attacker speaks raw streams, no Moq
        Moq pub = Moq.attach(a, Moq.Options.DEFAULT.withAutoAccept(true));
        Moq sub = Moq.attach(b);
        toClose.add(pub);
        toClose.add(sub);
        BroadcastProducer cam = new BroadcastProducer();
        TrackProducer video = cam.createTrack(new TrackInfo("video", 60));
        pub.publish("cam", cam.consume());

        MoqSession good = sub.connect(a.addr()).get(20, TimeUnit.SECONDS);
        TrackConsumer track = good.subscribe("cam", Duration.ofSeconds(20)).subscribe(new TrackInfo("video", 60))
                .maxLatency(Duration.ofSeconds(60));
        awaitTrue(() -> pub.sessions().stream().mapToInt(MoqSession::servedSubscriptions).sum() == 1);

        AtomicBoolean fuzzing = new AtomicBoolean(true);
        AtomicInteger produced = new AtomicInteger();
        Thread producer = Thread.ofVirtual().start(() -> {
            while (fuzzing.get()) {
                int g = produced.getAndIncrement();
                GroupProducer gp = video.appendGroup();
                gp.writeFrame(frame(g, 0, 4_000));
                gp.close();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        AtomicInteger received = new AtomicInteger();
        AtomicBoolean intact = new AtomicBoolean(true);
        Thread reader = Thread.ofVirtual().start(() -> {
            long last = -1;
            while (true) {
                GroupConsumer gc = track.nextGroup();
                if (gc == null) {
                    return;
                }
                byte[] f = gc.readFrame();
                if (gc.sequence() <= last || f == null || !java.util.Arrays.equals(f, frame((int) gc.sequence(), 0, 4_000))) {
                    intact.set(false);
                }
                last = gc.sequence();
                received.incrementAndGet();
            }
        });

        Random rnd = new Random(0xf022);
        java.util.Queue<Long> resetCodes = new java.util.concurrent.ConcurrentLinkedQueue<>();
        int cases = LONG_RUN ? 3_000 : 200;
        Connection conn = null;
        int sessions = 0;
        int sessionsClosedByViolation = 0;
        for (int i = 0; i < cases; i++) {
            if (conn == null || conn.closed().isDone()) {
                // attackers alternate lite-03 and lite-05 sessions (lite-05 adds SETUP, TRACK and GOAWAY streams)
                var version = rnd.nextBoolean() ? dev.parley.net.moq.wire.Version.LITE_03 : dev.parley.net.moq.wire.Version.LITE_05;
                conn = x.connect(a.addr(), version.alpn()).get(20, TimeUnit.SECONDS);
                assertThat(conn.protocol()).isEqualTo(version.alpn());
                sessions++;
            }
            try {
                if (rnd.nextBoolean()) {
                    byte[] garbage = bidiGarbage(rnd);
                    BidiStream s = conn.openBidi();
                    writeAndFinish(s.send(), garbage);
                    Thread t = Thread.ofVirtual().start(() -> drain(s, resetCodes));
                    // announce/probe streams with bytes that happen to decode stay open: don't wait long
                    t.join(garbage[0] == 1 || garbage[0] == 4 || garbage[0] == 5 ? 100 : 2_000);
                } else {
                    byte[] garbage = uniGarbage(rnd);
                    writeAndFinish(conn.openUni(), garbage);
                    if (garbage.length > 1 && garbage[0] == 0 && garbage[1] == 2 && garbage.length == 4) {
                        // a GROUP for a subscription nobody opened: the server closes this session
                        var reason = conn.closed().get(10, TimeUnit.SECONDS);
                        // (on lite-05 an earlier random SETUP that decoded may have been the second one)
                        assertThat(reason).isIn(new dev.parley.net.transport.CloseReason.Remote(15,
                                "group for unknown subscription " + garbage[2]),
                                new dev.parley.net.transport.CloseReason.Remote(15, "second Setup stream"));
                        sessionsClosedByViolation++;
                    }
                }
            } catch (TransportException e) {
                // this session was closed under us: dial again
            }
        }
        int before = received.get();
        awaitTrue(() -> received.get() > before + 20);
        fuzzing.set(false);
        producer.join();

        assertThat(intact).as("the good subscriber's frames stayed intact and in order").isTrue();
        assertThat(good.closed()).isNotDone();
        assertThat(resetCodes).as("garbage streams were reset with moq codes")
                .contains(5L /* Decode */, 10L /* UnexpectedStream */);
        assertThat(sessionsClosedByViolation).isPositive();
        System.out.printf("live fuzz: %d cases over %d attacker sessions (%d closed for a protocol violation), %d streams reset"
                        + " (codes %s), good subscriber got %d of %d groups%n", cases, sessions, sessionsClosedByViolation,
                resetCodes.size(), new java.util.TreeSet<>(resetCodes), received.get(), produced.get());
        track.close();
        reader.join(10_000);
    }

    private static void writeAndFinish(SendStream s, byte[] bytes) {
        s.write(bytes);
        s.finish();
    }

    private static void drain(BidiStream s, java.util.Queue<Long> resetCodes) {
        byte[] buf = new byte[4096];
        try {
            while (s.recv().read(buf, 0, buf.length) >= 0) {
                // discard
            }
        } catch (StreamResetException e) {
            resetCodes.add(e.code());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TransportException e) {
            // connection closed under us
        }
    }

    /** Random bytes, a known type then random bytes, or a mutated valid SUBSCRIBE. */
    private static byte[] bidiGarbage(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> randomBytes(rnd, 1 + rnd.nextInt(40));
            case 1 -> prefixed(new byte[]{(byte) new int[]{1, 2, 4, 5, 6}[rnd.nextInt(5)]}, randomBytes(rnd, rnd.nextInt(40)));
            case 2 -> new byte[]{(byte) (3 + rnd.nextInt(60))};
            default -> {
                WireWriter w = new WireWriter().varint(2);
                Messages.encode(Subscribe.live(rnd.nextInt(4), "cam", "video", 1), w);
                byte[] b = w.toByteArray();
                b[1 + rnd.nextInt(b.length - 1)] ^= (byte) (1 << rnd.nextInt(8));
                yield b;
            }
        };
    }

    private static byte[] uniGarbage(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> randomBytes(rnd, 1 + rnd.nextInt(40));
            case 1 -> prefixed(new byte[]{0}, randomBytes(rnd, rnd.nextInt(40)));
            case 2 -> prefixed(new byte[]{0}, Messages.encode(new GroupHeader(rnd.nextInt(60), 0))); // unknown id: closes that session
            default -> prefixed(new byte[]{(byte) (1 + rnd.nextInt(60))}, randomBytes(rnd, 8));
        };
    }

    private static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] prefixed(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
