package dev.parley.net.quic;

import dev.parley.net.identity.Identity;
import dev.parley.net.transport.Connection;
import dev.parley.net.transport.RecvStream;
import dev.parley.net.transport.SendStream;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The publisher → relay hop of the relay benchmark on its own: two endpoints on loopback, a 30 fps
 * video-like pattern (one unidirectional stream per one-second group, opened by a fresh virtual thread
 * as the moq publisher does; a 20 KB keyframe then 3.5 KB frames, each flushed). Prints the latency from
 * the write call to the last byte of the frame read on the other side, for keyframes and the other
 * frames apart, with the sender's congestion window. {@code -Dbench.openAhead=true} opens each group's stream
 * a group early, as the moq publisher does.
 *
 * <p>Run: {@code scripts/bench net dev.parley.net.quic.QuicHopBench [seconds]} (default 10 s after 5 s warm-up).
 */
public final class QuicHopBench {
    static final int FPS = 30;
    static final int KEY_BYTES = 20_000;
    static final int DELTA_BYTES = 3_500;

    private QuicHopBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int warmup = Integer.getInteger("bench.warmup", 5);
        try (Endpoint server = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
             Endpoint client = Endpoint.bind(EndpointConfig.loopback(Identity.generate()))) {
            var accepted = new LinkedBlockingQueue<Connection>();
            server.register(EndpointTest.ALPN, accepted::add);
            Connection c = client.connect(server.addr(), EndpointTest.ALPN).get(10, TimeUnit.SECONDS);
            Connection s = accepted.take();
            long[] keys = new long[seconds + 2];
            long[] deltas = new long[FPS * (seconds + 2)];
            int[] counts = new int[2];
            long[] measureFrom = {Long.MAX_VALUE, Long.MAX_VALUE};
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        RecvStream in = s.acceptUni();
                        Thread.ofVirtual().start(() -> readGroup(in, keys, deltas, counts, measureFrom));
                    }
                } catch (InterruptedException | RuntimeException e) {
                    // closed
                }
            });
            long period = 1_000_000_000L / FPS;
            long start = System.nanoTime();
            long next = start;
            long end = start + (warmup + seconds) * 1_000_000_000L;
            measureFrom[0] = start + warmup * 1_000_000_000L;
            measureFrom[1] = end;
            long cwndMin = Long.MAX_VALUE;
            long cwndMax = 0;
            boolean ahead = Boolean.getBoolean("bench.openAhead");
            var group = new LinkedBlockingQueue<byte[]>();
            LinkedBlockingQueue<byte[]> opened = ahead ? startGroup(c) : null;
            for (long frame = 0; System.nanoTime() < end; frame++) {
                if (frame % FPS == 0) {
                    group.add(new byte[0]); // ends the previous group
                    if (ahead) { // its stream was opened a group ago
                        group = opened;
                        opened = startGroup(c);
                    } else {
                        group = startGroup(c);
                    }
                }
                byte[] payload = new byte[frame % FPS == 0 ? KEY_BYTES : DELTA_BYTES];
                ByteBuffer.wrap(payload).putInt(payload.length).putLong(System.nanoTime());
                group.add(payload);
                long cw = c.pathStats().cwnd();
                cwndMin = Math.min(cwndMin, cw);
                cwndMax = Math.max(cwndMax, cw);
                next += period;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            group.add(new byte[0]);
            if (opened != null) {
                opened.add(new byte[0]);
            }
            Thread.sleep(200);
            synchronized (counts) {
                long[] k = Arrays.copyOf(keys, counts[0]);
                long[] d = Arrays.copyOf(deltas, counts[1]);
                Arrays.sort(k);
                Arrays.sort(d);
                long[] all = new long[k.length + d.length];
                System.arraycopy(k, 0, all, 0, k.length);
                System.arraycopy(d, 0, all, k.length, d.length);
                Arrays.sort(all);
                System.out.printf("QUIC hop, %d s: all p50 %.2f p99 %.2f max %.2f ms | keyframes (%d) p50 %.2f max %.2f ms | others p50 %.2f p99 %.2f ms"
                                + " | cwnd %d..%d B, rtt %s, lost %d%n",
                        seconds, pct(all, 0.5), pct(all, 0.99), pct(all, 1), k.length, pct(k, 0.5), pct(k, 1),
                        pct(d, 0.5), pct(d, 0.99), cwndMin, cwndMax, c.pathStats().rtt(), c.pathStats().packetsLost());
            }
            acceptor.interrupt();
        }
        System.exit(0);
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }

    /** A group's writer task: opens its stream now, then writes what the queue gives it until an empty frame. */
    private static LinkedBlockingQueue<byte[]> startGroup(Connection c) {
        var q = new LinkedBlockingQueue<byte[]>();
        Thread.ofVirtual().start(() -> writeGroup(c, q));
        return q;
    }

    private static void writeGroup(Connection c, LinkedBlockingQueue<byte[]> frames) {
        try {
            SendStream out = c.openUni();
            for (byte[] f = frames.take(); f.length > 0; f = frames.take()) {
                out.write(f);
                out.flush();
            }
            out.finish();
        } catch (InterruptedException | RuntimeException e) {
            // closed
        }
    }

    private static void readGroup(RecvStream in, long[] keys, long[] deltas, int[] counts, long[] measureFrom) {
        byte[] head = new byte[12];
        try {
            while (readFully(in, head, 12)) {
                ByteBuffer b = ByteBuffer.wrap(head);
                int len = b.getInt();
                long sent = b.getLong();
                byte[] rest = new byte[len - 12];
                if (!readFully(in, rest, rest.length)) {
                    return;
                }
                long lat = System.nanoTime() - sent;
                if (sent >= measureFrom[0] && sent < measureFrom[1]) {
                    synchronized (counts) {
                        if (len == KEY_BYTES && counts[0] < keys.length) {
                            keys[counts[0]++] = lat;
                        } else if (len != KEY_BYTES && counts[1] < deltas.length) {
                            deltas[counts[1]++] = lat;
                        }
                    }
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            // closed
        }
    }

    private static boolean readFully(RecvStream in, byte[] dst, int len) throws InterruptedException {
        for (int at = 0; at < len; ) {
            int n = in.read(dst, at, len - at);
            if (n < 0) {
                return false;
            }
            at += n;
        }
        return true;
    }
}
