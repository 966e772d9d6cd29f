package dev.parley.net.moq.bench;

import dev.parley.net.identity.Identity;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.moq.session.Moq;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fan-out over loopback QUIC: one publisher endpoint, N subscriber endpoints (separate sessions), a
 * 30 fps video-like track (one group per second: a ~60 KB keyframe then ~10 KB frames). Prints frame
 * delivery latency (publisher write → subscriber read, same clock) p50/p99/max and throughput for each N.
 *
 * <p>Run: {@code java -cp <test classpath> dev.parley.net.moq.bench.FanoutBench [seconds] [N...]}
 * (defaults: 10 s, N = 1 10 100). Numbers depend on the machine; everything shares its cores.
 */
public final class FanoutBench {
    private static final int FPS = 30;
    private static final int KEY_BYTES = 60_000;
    private static final int DELTA_BYTES = 10_000;

    private FanoutBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int[] fanouts = args.length > 1 ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[]{1, 10, 100};
        System.out.printf("fan-out over loopback QUIC, %d fps, %d KB keyframe/s + %d KB frames, %d s per run, %d cores%n",
                FPS, KEY_BYTES / 1000, DELTA_BYTES / 1000, seconds, Runtime.getRuntime().availableProcessors());
        System.out.println("| subscribers | frames received | lost | p50 ms | p99 ms | max ms | keyframe p50 ms | keyframe p99 ms | throughput Mbit/s |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (int n : fanouts) {
            run(n, seconds);
        }
    }

    private static void run(int subscribers, int seconds) throws Exception {
        List<AutoCloseable> closers = new ArrayList<>();
        try {
            Endpoint pubEndpoint = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
            closers.add(pubEndpoint);
            Moq pub = Moq.attach(pubEndpoint, Moq.Options.DEFAULT.withAutoAccept(true));
            closers.add(pub);
            BroadcastProducer cam = new BroadcastProducer();
            TrackProducer video = cam.createTrack(new TrackInfo("video/hd", TrackInfo.PRIORITY_VIDEO));
            pub.publish("cam", cam.consume());

            List<TrackConsumer> tracks = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                Endpoint e = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
                closers.add(e);
                Moq sub = Moq.attach(e);
                closers.add(sub);
                MoqSession s = sub.connect(pubEndpoint.addr()).get(30, TimeUnit.SECONDS);
                tracks.add(s.subscribe("cam", Duration.ofSeconds(30)).subscribe(new TrackInfo("video/hd", 60)));
            }
            long deadlineSubs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pub.sessions().stream().mapToInt(MoqSession::servedSubscriptions).sum() < subscribers) {
                if (System.nanoTime() > deadlineSubs) {
                    throw new IllegalStateException("subscriptions did not all arrive");
                }
                Thread.sleep(10);
            }

            int warmupFrames = 2 * FPS;
            int totalFrames = warmupFrames + seconds * FPS;
            long[][] latencies = new long[subscribers][totalFrames];
            int[] counts = new int[subscribers];
            AtomicLong bytes = new AtomicLong();
            java.util.Queue<Long> keyLatencies = new java.util.concurrent.ConcurrentLinkedQueue<>();
            AtomicBoolean measuring = new AtomicBoolean();
            List<Thread> readers = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                int idx = i;
                TrackConsumer t = tracks.get(i);
                readers.add(Thread.ofVirtual().start(() -> {
                    for (GroupConsumer g = t.nextGroup(); g != null; g = t.nextGroup()) {
                        for (byte[] f = g.readFrame(); f != null; f = g.readFrame()) {
                            long now = System.nanoTime();
                            ByteBuffer b = ByteBuffer.wrap(f);
                            int frameNo = b.getInt();
                            long sentAt = b.getLong();
                            if (frameNo >= warmupFrames && counts[idx] < totalFrames) {
                                if (frameNo % FPS == 0) {
                                    keyLatencies.add(now - sentAt);
                                }
                                latencies[idx][counts[idx]++] = now - sentAt;
                                bytes.addAndGet(f.length);
                            }
                        }
                    }
                }));
            }

            long period = TimeUnit.SECONDS.toNanos(1) / FPS;
            long start = System.nanoTime();
            GroupProducer group = null;
            long measureStart = 0;
            for (int frame = 0; frame < totalFrames; frame++) {
                long due = start + frame * period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                if (frame == warmupFrames) {
                    measureStart = System.nanoTime();
                    measuring.set(true);
                }
                boolean key = frame % FPS == 0;
                if (key) {
                    if (group != null) {
                        group.close();
                    }
                    group = video.appendGroup();
                }
                byte[] payload = new byte[key ? KEY_BYTES : DELTA_BYTES];
                ByteBuffer.wrap(payload).putInt(frame).putLong(System.nanoTime());
                group.writeFrame(payload);
            }
            group.close();
            long measureEnd = System.nanoTime();
            Thread.sleep(500); // let the last frames land
            video.close();
            for (Thread r : readers) {
                r.join(10_000);
            }

            int measuredFrames = totalFrames - warmupFrames;
            long n = Arrays.stream(counts).sum();
            long[] all = new long[(int) n];
            int k = 0;
            for (int i = 0; i < subscribers; i++) {
                System.arraycopy(latencies[i], 0, all, k, counts[i]);
                k += counts[i];
            }
            Arrays.sort(all);
            double secondsMeasured = (measureEnd - measureStart) / 1e9;
            long[] keys = keyLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("| %d | %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f |%n", subscribers, n,
                    (long) measuredFrames * subscribers - n, pct(all, 0.50), pct(all, 0.99),
                    all.length == 0 ? Double.NaN : all[all.length - 1] / 1e6, pct(keys, 0.50), pct(keys, 0.99),
                    bytes.get() * 8 / secondsMeasured / 1e6);
        } finally {
            for (AutoCloseable c : closers.reversed()) {
                c.close();
            }
        }
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1e6;
    }
}
