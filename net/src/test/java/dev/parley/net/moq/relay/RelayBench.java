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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay's fan-out cost: one Parley publisher (raw QUIC, this JVM) → the relay (this JVM) → N watchers
 * over WebSocket in a <em>child JVM</em>, a 30 fps video-like track (one group per second: a 20 KB keyframe
 * then 3.5 KB frames, ~1 Mbit/s). Prints, per N: frame delivery latency p50/p99/max (publisher write →
 * watcher read; both JVMs read the same monotonic clock), the same latency up to the relay (publisher write
 * → the frame in the relay's origin, read by an in-process consumer), the latency after the relay (each
 * delivery's receive time minus when its frame was readable in the origin: the relay's fan-out, the WebSocket
 * hop and the watcher's read path; the child writes its deliveries to a file that this JVM joins by frame), how late a 10 ms sleep wakes in each
 * JVM (what the OS scheduler alone adds on these cores), GC pauses in each JVM, this JVM's CPU (relay + the
 * one publisher) per subscriber and per Mbit/s sent to watchers, heap after GC and the load average; then
 * 100 watchers of which 10 stall.
 *
 * <p>Both JVMs share the machine's cores: at N=100 the watcher JVM's 100 sessions need as much CPU as the
 * relay, so the end-to-end numbers include waiting for a core behind the other process.
 *
 * <p>Run: {@code scripts/bench net dev.parley.net.moq.relay.RelayBench [seconds] [N...]} (defaults 10 s,
 * N = 1 10 100). {@code -Dbench.warmup=S} sets the warm-up (default 30 s: the JIT must have compiled the
 * per-frame path before measuring, and at 30 frames a second that takes seconds; with 2 s, N=1 measured a
 * p50 about 1.5 ms higher; and the child's heap must have stopped growing, see below). The child JVM uses
 * the same garbage collector as this one ({@code BENCH_GC=-XX:+UseG1GC scripts/bench ...}).
 *
 * <p>The child runs with {@code -XX:SoftMaxHeapSize=256m} ({@code -Dbench.watcherSoftMax=0} to leave it out).
 * Its 100 sessions allocated ~50 MB a second (a frame was copied four times on a client's read path then), and
 * with the default heap (a quarter of the RAM) ZGC lets the heap grow for minutes before it collects, so
 * every allocation touches fresh memory: page faults were 10 % of its profile, and after a 30 s warm-up
 * the p99 at 100 watchers was 28-47 ms against 11-12 ms with the cap (the relay's own heap did not matter).
 * 100 real watchers run in 100 processes, each allocating a hundredth of that. To keep the watchers off the relay's cores:
 * {@code BENCH_JAVA_OPTS=-Dbench.watcherCpus=1 taskset -c 0 scripts/bench ...} (relay on CPU 0, watchers on CPU 1).
 */
public final class RelayBench {
    static final int FPS = 30;
    static final int KEY_BYTES = 20_000;
    static final int DELTA_BYTES = 3_500;
    static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup", 30);
    /** The child's ZGC soft heap cap in MB ({@code -Dbench.watcherSoftMax=0}: none). */
    static final int WATCHER_SOFT_MAX_MB = Integer.getInteger("bench.watcherSoftMax", 256);
    /** {@code -Dbench.watcherCpus=1}: the child JVM runs under {@code taskset -c 1} (pin this JVM elsewhere with taskset too). */
    static final String WATCHER_CPUS = System.getProperty("bench.watcherCpus");

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        List<Integer> counts = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            counts.add(Integer.parseInt(args[i]));
        }
        if (counts.isEmpty()) {
            counts = List.of(1, 10, 100);
        }
        System.out.printf("relay fan-out, %d s per run, %d cores for the relay JVM, watcher JVM on %s, track ~%.2f Mbit/s%n", seconds,
                Runtime.getRuntime().availableProcessors(), WATCHER_CPUS == null ? "the same cores" : "CPUs " + WATCHER_CPUS,
                bitsPerSecond() / 1e6);
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
            // The relay's own stage: publisher write → the frame in the relay's origin, read in process.
            Samples ingress = new Samples(FPS * (seconds + 5));
            Samples ingressKeys = new Samples(seconds + 5);
            // Per frame (its write time), when it was readable in the relay's origin: joined with the watchers'
            // per-frame receive times for what the relay and the hop after it add.
            Map<Long, Long> arrivals = new ConcurrentHashMap<>();
            Set<Long> keyframes = ConcurrentHashMap.newKeySet();
            TrackConsumer atRelay = relay.origin().consume().waitFor("cam", Duration.ofSeconds(10))
                    .orElseThrow(() -> new IllegalStateException("the relay never saw the broadcast"))
                    .subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
            Thread ingressReader = Thread.ofVirtual().name("bench-ingress")
                    .start(() -> readTrack(atRelay, ingress, ingressKeys, running, arrivals, keyframes));
            Path deliveries = Files.createTempFile("relay-bench-deliveries", ".bin");
            SchedulerProbe sched = SchedulerProbe.start(seconds + 5);

            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>();
            if (WATCHER_CPUS != null) { // the watchers on their own cores, as a relay's real watchers are on other machines
                command.addAll(List.of("taskset", "-c", WATCHER_CPUS));
            }
            command.addAll(List.of(java, gcFlag()));
            if (WATCHER_SOFT_MAX_MB > 0) {
                command.add("-XX:SoftMaxHeapSize=" + WATCHER_SOFT_MAX_MB + "m");
            }
            command.addAll(List.of("-Dbench.watcherLoops=" + Integer.getInteger("bench.watcherLoops", 1),
                    "-cp", System.getProperty("java.class.path"),
                    Watchers.class.getName(), "ws://127.0.0.1:" + ws.getPort() + "/", String.valueOf(n),
                    String.valueOf(stalled), String.valueOf(seconds), String.valueOf(WARMUP_SECONDS), deliveries.toString()));
            Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.equals("READY")) {
                System.out.println("  child: " + line);
            }
            String load0 = loadAverage();
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            GcPauses gc = GcPauses.start();
            ingress.measuring = true;
            ingressKeys.measuring = true;
            sched.samples.measuring = true;
            String result = out.readLine();
            ingress.measuring = false;
            ingressKeys.measuring = false;
            sched.samples.measuring = false;
            String gcResult = gc.toString();
            long cpu = os.getProcessCpuTime() - cpu0;
            double wall = (System.nanoTime() - t0) / 1e9;
            String load1 = loadAverage();
            long heap = heapAfterGc();
            child.waitFor(30, TimeUnit.SECONDS);
            running.set(false);
            feed.join(2000);
            atRelay.close();
            ingressReader.join(2000);
            sched.stop();
            cam.close();
            int healthy = n - stalled;
            double egressMbit = healthy * bitsPerSecond() / 1e6;
            double cpuPct = 100.0 * cpu / 1e9 / wall;
            System.out.printf("N=%-3d stalled=%-2d %s%n", n, stalled, result);
            System.out.printf("       up to the relay: latency p50 %.2f ms p99 %.2f ms max %.2f ms (keyframes p50 %.2f ms) | relay JVM: 10 ms sleep late p50 %.2f ms p99 %.2f ms, %s%n",
                    ingress.pct(0.50), ingress.pct(0.99), ingress.pct(1.0), ingressKeys.pct(0.50), sched.samples.pct(0.50), sched.samples.pct(0.99), gcResult);
            System.out.println("       " + afterTheRelay(deliveries, arrivals, keyframes));
            Files.deleteIfExists(deliveries);
            System.out.printf("       relay JVM CPU %.1f%% of one core (%.2f%%/subscriber, %.2f%%/Mbit/s out), heap after GC %d MB, load average %s -> %s%n",
                    cpuPct, cpuPct / n, cpuPct / egressMbit, heap >> 20, load0, load1);
            publisher.close();
        }
    }

    /**
     * The relay's own part: each delivery's receive time at a watcher minus when that frame was readable in the
     * relay's origin (the fan-out, the WebSocket hop and the watcher's read path, without the publisher's hop).
     */
    private static String afterTheRelay(Path deliveries, Map<Long, Long> arrivals, Set<Long> keyframes)
            throws java.io.IOException {
        List<Long> all = new ArrayList<>();
        List<Long> keys = new ArrayList<>();
        try (var in = new java.io.DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(deliveries)))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                long written = in.readLong();
                long received = in.readLong();
                Long arrived = arrivals.get(written);
                if (arrived != null) {
                    all.add(received - arrived);
                    if (keyframes.contains(written)) {
                        keys.add(received - arrived);
                    }
                }
            }
        } catch (java.io.EOFException e) {
            return "after the relay: no per-frame record from the watchers";
        }
        long[] a = all.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] k = keys.stream().mapToLong(Long::longValue).sorted().toArray();
        return String.format("after the relay (origin -> watcher read, %d deliveries): p50 %.2f ms p99 %.2f ms max %.2f ms"
                        + " (keyframes p50 %.2f ms p99 %.2f ms)", a.length, Watchers.pct(a, 0.50) / 1e6, Watchers.pct(a, 0.99) / 1e6,
                a.length == 0 ? 0 : a[a.length - 1] / 1e6, Watchers.pct(k, 0.50) / 1e6, Watchers.pct(k, 0.99) / 1e6);
    }

    /** Records the latency of every frame of {@code track} while {@code samples} is measuring, and every frame's arrival. */
    private static void readTrack(TrackConsumer track, Samples samples, Samples keySamples, AtomicBoolean running,
                                  Map<Long, Long> arrivals, Set<Long> keyframes) {
        try {
            while (running.get()) {
                GroupConsumer g = track.nextGroup(Duration.ofSeconds(5));
                if (g == null) {
                    return;
                }
                try (g) {
                    for (byte[] f = g.readFrame(Duration.ofSeconds(5)); f != null; f = g.readFrame(Duration.ofSeconds(5))) {
                        long now = System.nanoTime();
                        long written = ByteBuffer.wrap(f).getLong();
                        arrivals.put(written, now);
                        samples.add(now - written);
                        if (f.length == KEY_BYTES) {
                            keySamples.add(now - written);
                            keyframes.add(written);
                        }
                    }
                } catch (MoqException e) {
                    // a group cut on the way: move on to the next
                }
            }
        } catch (MoqException e) {
            // the track ended with the run
        }
    }

    /** This JVM's garbage collector flag, for the child (ZGC when none was given). */
    private static String gcFlag() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:+Use") && a.endsWith("GC")).reduce((a, b) -> b).orElse("-XX:+UseZGC");
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + "/" + f[1] + "/" + f[2];
        } catch (java.io.IOException e) {
            return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /** Latencies in ns, recorded only while {@link #measuring}; one writer thread. */
    static final class Samples {
        private final long[] values;
        private int count;
        volatile boolean measuring;

        Samples(int capacity) {
            values = new long[capacity];
        }

        synchronized void add(long nanos) {
            if (measuring && count < values.length) {
                values[count++] = nanos;
            }
        }

        /** The p-th quantile in ms (1.0: the maximum), 0 without samples. */
        synchronized double pct(double p) {
            long[] sorted = Arrays.copyOf(values, count);
            Arrays.sort(sorted);
            return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
        }
    }

    /**
     * How late a platform thread wakes from a 10 ms sleep: the delay the OS scheduler alone adds to any
     * hand-off between threads in this JVM at this moment, the floor under every stage of the pipeline.
     */
    static final class SchedulerProbe {
        final Samples samples;
        private final Thread thread;
        private volatile boolean stop;

        /**
         * 10 ms, not less: the probe's own wake-ups are load on the cores it measures (at 1 ms, 1000 a second in
         * each JVM, it was 4 % of the relay JVM's profile samples).
         */
        static final long SLEEP_NANOS = 10_000_000;

        private SchedulerProbe(int seconds) {
            samples = new Samples(seconds * 100);
            thread = Thread.ofPlatform().daemon().name("bench-scheduler-probe").start(() -> {
                while (!stop) {
                    long t = System.nanoTime();
                    java.util.concurrent.locks.LockSupport.parkNanos(SLEEP_NANOS);
                    samples.add(System.nanoTime() - t - SLEEP_NANOS);
                }
            });
        }

        static SchedulerProbe start(int seconds) {
            return new SchedulerProbe(seconds);
        }

        void stop() throws InterruptedException {
            stop = true;
            thread.join(1000);
        }
    }

    /** Stop-the-world GC pauses from now on, as the JVM's pause beans count them (ZGC: "… Pauses"; G1: all). */
    record GcPauses(long count, long millis) {
        static GcPauses start() {
            return sample();
        }

        private static GcPauses sample() {
            long n = 0;
            long ms = 0;
            for (var b : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (!b.getName().contains("Cycles")) { // ZGC's cycles are concurrent; its pauses have their own beans
                    n += b.getCollectionCount();
                    ms += b.getCollectionTime();
                }
            }
            return new GcPauses(n, ms);
        }

        @Override
        public String toString() {
            GcPauses now = sample();
            return String.format("GC pauses %d, %d ms in all", now.count - count, now.millis - millis);
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
            int warmup = Integer.parseInt(args[4]);
            Path deliveries = Path.of(args[5]);
            // -Dbench.watcherLoops=N spreads the sessions over N clients, each with its own event loop (default one).
            QmuxClient[] clients = new QmuxClient[Integer.getInteger("bench.watcherLoops", 1)];
            for (int i = 0; i < clients.length; i++) {
                clients[i] = new QmuxClient(QmuxConfig.defaults(), Duration.ofSeconds(20));
            }
            QmuxClient stalledClient = new QmuxClient(QmuxConfig.defaults().withProtocols(List.of("moq-lite-03"))
                    .withLocal(new TransportParameters(256 << 10, 64 << 10, 64 << 10, 64 << 10, 16, 20)), Duration.ofSeconds(20));
            for (int i = 0; i < stalled; i++) {
                stall(stalledClient.connect(URI.create(url), Optional.empty()));
            }
            AtomicBoolean measuring = new AtomicBoolean(false);
            AtomicBoolean running = new AtomicBoolean(true);
            long[][] samples = new long[n - stalled][];
            long[][] writtenAt = new long[n - stalled][]; // each sample's frame write time, for the relay's own part
            int[] counts = new int[n - stalled];
            long[][] keySamples = new long[n - stalled][]; // the keyframes alone: the burst every watcher gets at once
            int[] keyCounts = new int[n - stalled];
            // Per keyframe, every watcher's latency: how long the whole fan-out of one keyframe takes.
            java.util.concurrent.ConcurrentHashMap<Long, java.util.concurrent.ConcurrentLinkedQueue<Long>> perKeyframe =
                    new java.util.concurrent.ConcurrentHashMap<>();
            AtomicLong frames = new AtomicLong();
            AtomicLong dropped = new AtomicLong();
            List<Thread> readers = new ArrayList<>();
            List<TrackConsumer> tracks = new ArrayList<>();
            for (int i = 0; i < n - stalled; i++) {
                MoqSession s = MoqSession.start(clients[i % clients.length].connect(URI.create(url), Optional.empty()));
                tracks.add(s.subscribe("cam", Duration.ofSeconds(20)).subscribe(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO)));
            }
            for (int i = 0; i < tracks.size(); i++) {
                int k = i;
                samples[k] = new long[FPS * (seconds + 5)];
                writtenAt[k] = new long[FPS * (seconds + 5)];
                keySamples[k] = new long[seconds + 5];
                TrackConsumer t = tracks.get(k);
                readers.add(Thread.ofVirtual().start(() -> {
                    try {
                        while (running.get()) {
                            GroupConsumer g = t.nextGroup(Duration.ofSeconds(5));
                            try {
                                for (byte[] f = g.readFrame(Duration.ofSeconds(5)); f != null && running.get(); f = g.readFrame(Duration.ofSeconds(5))) {
                                    long written = ByteBuffer.wrap(f).getLong();
                                    long lat = System.nanoTime() - written;
                                    if (measuring.get() && counts[k] < samples[k].length) {
                                        writtenAt[k][counts[k]] = written;
                                        samples[k][counts[k]++] = lat;
                                        frames.incrementAndGet();
                                        if (f.length == KEY_BYTES && keyCounts[k] < keySamples[k].length) {
                                            keySamples[k][keyCounts[k]++] = lat;
                                            perKeyframe.computeIfAbsent(ByteBuffer.wrap(f).getLong(),
                                                    x -> new java.util.concurrent.ConcurrentLinkedQueue<>()).add(lat);
                                        }
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
            SchedulerProbe sched = SchedulerProbe.start(seconds + 5);
            Thread.sleep(warmup * 1000L); // until the JIT has compiled the per-frame path
            System.out.println("READY");
            System.out.flush();
            GcPauses gc = GcPauses.start();
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            sched.samples.measuring = true;
            measuring.set(true);
            long m0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            measuring.set(false);
            sched.samples.measuring = false;
            String gcResult = gc.toString();
            long cpu = os.getProcessCpuTime() - cpu0;
            double measured = (System.nanoTime() - m0) / 1e9;
            running.set(false);
            writeDeliveries(deliveries, writtenAt, samples, counts);
            long[] all = merged(samples, counts);
            long[] keys = merged(keySamples, keyCounts);
            double[] spread = new double[3]; // the first, median and last watcher's latency, averaged over keyframes
            int whole = 0;
            for (var lats : perKeyframe.values()) {
                long[] l = lats.stream().mapToLong(Long::longValue).sorted().toArray();
                if (l.length < (n - stalled) * 9 / 10) {
                    continue; // at the window's edge
                }
                whole++;
                spread[0] += l[0] / 1e6;
                spread[1] += l[l.length / 2] / 1e6;
                spread[2] += l[l.length - 1] / 1e6;
            }
            String fanOut = whole == 0 ? "" : String.format(" (a keyframe's watchers: first %.2f ms, median %.2f ms, last %.2f ms)",
                    spread[0] / whole, spread[1] / whole, spread[2] / whole);
            double expected = FPS * measured * counts.length;
            System.out.printf("frames %.1f%% of %d (%d groups cut as stale), latency p50 %.2f ms p99 %.2f ms max %.2f ms"
                            + " (keyframes p50 %.2f ms p99 %.2f ms)%s"
                            + " | watcher JVM: CPU %.1f%% of one core, 10 ms sleep late p50 %.2f ms p99 %.2f ms, %s%n",
                    100.0 * all.length / expected, (long) expected, dropped.get(),
                    pct(all, 0.50) / 1e6, pct(all, 0.99) / 1e6, all.length == 0 ? 0 : all[all.length - 1] / 1e6,
                    pct(keys, 0.50) / 1e6, pct(keys, 0.99) / 1e6, fanOut,
                    100.0 * cpu / 1e9 / measured, sched.samples.pct(0.50), sched.samples.pct(0.99), gcResult);
            System.out.flush();
            System.exit(0);
        }

        /** Every measured delivery as (frame write time, receive time), for the parent to join with the relay's arrivals. */
        private static void writeDeliveries(Path file, long[][] writtenAt, long[][] latencies, int[] counts)
                throws java.io.IOException {
            try (var out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
                out.writeInt(Arrays.stream(counts).sum());
                for (int k = 0; k < counts.length; k++) {
                    for (int i = 0; i < counts[k]; i++) {
                        out.writeLong(writtenAt[k][i]);
                        out.writeLong(writtenAt[k][i] + latencies[k][i]);
                    }
                }
            }
        }

        private static long[] merged(long[][] perWatcher, int[] counts) {
            int total = 0;
            for (int c : counts) {
                total += c;
            }
            long[] all = new long[total];
            int at = 0;
            for (int i = 0; i < counts.length; i++) {
                System.arraycopy(perWatcher[i], 0, all, at, counts[i]);
                at += counts[i];
            }
            Arrays.sort(all);
            return all;
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
