package dev.parley.net.moq.relay;

import com.sun.management.OperatingSystemMXBean;
import dev.parley.net.identity.Identity;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.qmux.QmuxClient;
import dev.parley.net.qmux.QmuxConfig;
import dev.parley.net.qmux.TransportParameters;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.Connection;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay's fan-out cost: one Parley publisher (raw QUIC, this JVM) → the relay (this JVM) → N watchers
 * over WebSocket in a <em>child JVM</em>, a 30 fps video-like track (one group per second: a 20 KB keyframe
 * then 3.5 KB frames, ~1 Mbit/s). Prints, per N: frame delivery latency p50/p99/max (publisher write →
 * watcher read; both JVMs read the same monotonic clock), this JVM's CPU (relay + the one publisher) per
 * subscriber and per Mbit/s sent to watchers, and heap after GC; then 100 watchers of which 10 stall.
 *
 * <p>Run: {@code scripts/bench net dev.parley.net.moq.relay.RelayBench [seconds] [N...]} (defaults 10 s,
 * N = 1 10 100).
 */
public final class RelayBench {
    static final int FPS = 30;
    static final int KEY_BYTES = 20_000;
    static final int DELTA_BYTES = 3_500;

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        List<Integer> counts = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            counts.add(Integer.parseInt(args[i]));
        }
        if (counts.isEmpty()) {
            counts = List.of(1, 10, 100);
        }
        System.out.printf("relay fan-out, %d s per run, %d cores, track ~%.2f Mbit/s%n", seconds,
                Runtime.getRuntime().availableProcessors(), bitsPerSecond() / 1e6);
        for (int n : counts) {
            run(n, 0, seconds);
        }
        run(100, 10, seconds);
        System.exit(0);
    }

    static double bitsPerSecond() {
        return (KEY_BYTES + (FPS - 1) * (double) DELTA_BYTES) * 8;
    }

    private static void run(int n, int stalled, int seconds) throws Exception {
        try (Endpoint relayEndpoint = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
             Endpoint pubEndpoint = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
             MoqRelay relay = new MoqRelay(ScopeResolver.open()).attach(relayEndpoint)) {
            InetSocketAddress ws = relay.listenWebSocket(new InetSocketAddress("127.0.0.1", 0), Optional.empty());
            Connection c = pubEndpoint.connect(relayEndpoint.addr(), relay.config().alpns()).get(10, TimeUnit.SECONDS);
            MoqSession publisher = MoqSession.start(c);
            BroadcastProducer cam = new BroadcastProducer();
            TrackProducer video = cam.createTrack(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
            publisher.publish("cam", cam.consume());
            AtomicBoolean running = new AtomicBoolean(true);
            Thread feed = Thread.ofPlatform().name("bench-feed").start(() -> feed(video, running));

            String java = ProcessHandle.current().info().command().orElse("java");
            Process child = new ProcessBuilder(java, "-XX:+UseZGC", "-cp", System.getProperty("java.class.path"),
                    Watchers.class.getName(), "ws://127.0.0.1:" + ws.getPort() + "/", String.valueOf(n),
                    String.valueOf(stalled), String.valueOf(seconds))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.equals("READY")) {
                System.out.println("  child: " + line);
            }
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            String result = out.readLine();
            long cpu = os.getProcessCpuTime() - cpu0;
            double wall = (System.nanoTime() - t0) / 1e9;
            long heap = heapAfterGc();
            child.waitFor(30, TimeUnit.SECONDS);
            running.set(false);
            feed.join(2000);
            cam.close();
            int healthy = n - stalled;
            double egressMbit = healthy * bitsPerSecond() / 1e6;
            double cpuPct = 100.0 * cpu / 1e9 / wall;
            System.out.printf("N=%-3d stalled=%-2d %s | relay JVM CPU %.1f%% of one core (%.2f%%/subscriber, %.2f%%/Mbit/s out), heap after GC %d MB%n",
                    n, stalled, result, cpuPct, cpuPct / n, cpuPct / egressMbit, heap >> 20);
            publisher.close();
        }
    }

    private static void feed(TrackProducer video, AtomicBoolean running) {
        long period = 1_000_000_000L / FPS;
        long next = System.nanoTime();
        GroupProducer g = null;
        for (long frame = 0; running.get(); frame++) {
            if (frame % FPS == 0) {
                if (g != null) {
                    g.close();
                }
                g = video.appendGroup();
            }
            byte[] payload = new byte[frame % FPS == 0 ? KEY_BYTES : DELTA_BYTES];
            ByteBuffer.wrap(payload).putLong(System.nanoTime());
            g.writeFrame(payload);
            next += period;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
        }
        if (g != null) {
            g.close();
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** The child JVM: N WebSocket watchers (the first {@code stalled} never read), then one result line. */
    public static final class Watchers {
        public static void main(String[] args) throws Exception {
            String url = args[0];
            int n = Integer.parseInt(args[1]);
            int stalled = Integer.parseInt(args[2]);
            int seconds = Integer.parseInt(args[3]);
            QmuxClient client = new QmuxClient(QmuxConfig.defaults(), Duration.ofSeconds(20));
            QmuxClient stalledClient = new QmuxClient(QmuxConfig.defaults().withProtocols(List.of("moq-lite-03"))
                    .withLocal(new TransportParameters(256 << 10, 64 << 10, 64 << 10, 64 << 10, 16, 20)), Duration.ofSeconds(20));
            for (int i = 0; i < stalled; i++) {
                stall(stalledClient.connect(URI.create(url), Optional.empty()));
            }
            AtomicBoolean measuring = new AtomicBoolean(false);
            AtomicBoolean running = new AtomicBoolean(true);
            long[][] samples = new long[n - stalled][];
            int[] counts = new int[n - stalled];
            AtomicLong frames = new AtomicLong();
            AtomicLong dropped = new AtomicLong();
            List<Thread> readers = new ArrayList<>();
            List<TrackConsumer> tracks = new ArrayList<>();
            for (int i = 0; i < n - stalled; i++) {
                MoqSession s = MoqSession.start(client.connect(URI.create(url), Optional.empty()));
                tracks.add(s.subscribe("cam", Duration.ofSeconds(20)).subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO)));
            }
            for (int i = 0; i < tracks.size(); i++) {
                int k = i;
                samples[k] = new long[FPS * (seconds + 5)];
                TrackConsumer t = tracks.get(k);
                readers.add(Thread.ofVirtual().start(() -> {
                    try {
                        while (running.get()) {
                            GroupConsumer g = t.nextGroup(Duration.ofSeconds(5));
                            try {
                                for (byte[] f = g.readFrame(Duration.ofSeconds(5)); f != null && running.get(); f = g.readFrame(Duration.ofSeconds(5))) {
                                    long lat = System.nanoTime() - ByteBuffer.wrap(f).getLong();
                                    if (measuring.get() && counts[k] < samples[k].length) {
                                        samples[k][counts[k]++] = lat;
                                        frames.incrementAndGet();
                                    }
                                }
                            } catch (MoqException e) {
                                dropped.incrementAndGet(); // a group reset as stale on the way: live readers move on
                            }
                        }
                    } catch (MoqException e) {
                        if (running.get()) {
                            System.out.println("reader " + k + ": " + e.getMessage());
                        }
                    }
                }));
            }
            Thread.sleep(2000); // warm-up
            System.out.println("READY");
            System.out.flush();
            measuring.set(true);
            long m0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            measuring.set(false);
            double measured = (System.nanoTime() - m0) / 1e9;
            running.set(false);
            long total = 0;
            for (int c : counts) {
                total += c;
            }
            long[] all = new long[(int) total];
            int at = 0;
            for (int i = 0; i < counts.length; i++) {
                System.arraycopy(samples[i], 0, all, at, counts[i]);
                at += counts[i];
            }
            Arrays.sort(all);
            double expected = FPS * measured * counts.length;
            System.out.printf("frames %.1f%% of %d (%d groups cut as stale), latency p50 %.2f ms p99 %.2f ms max %.2f ms%n",
                    100.0 * all.length / expected, (long) expected, dropped.get(),
                    pct(all, 0.50) / 1e6, pct(all, 0.99) / 1e6, all.length == 0 ? 0 : all[all.length - 1] / 1e6);
            System.out.flush();
            System.exit(0);
        }

        private static double pct(long[] sorted, double p) {
            return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
        }

        /** Subscribes raw (lite-03) and never accepts a group stream. */
        private static void stall(Connection c) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (int id = 0; System.nanoTime() < deadline; id++) {
                BidiStream s = c.openBidi();
                s.send().write(HexFormat.of().parseHex("0210" + String.format("%02x", id) + "0363616d05766964656f3c00000000"));
                s.send().flush();
                byte[] ok = new byte[1];
                try {
                    if (s.recv().read(ok, 0, 1) == 1 && ok[0] == 0x00) {
                        return;
                    }
                } catch (dev.parley.net.transport.StreamResetException e) {
                    // not mirrored yet
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("stalled subscriber got no SUBSCRIBE_OK");
        }
    }
}
