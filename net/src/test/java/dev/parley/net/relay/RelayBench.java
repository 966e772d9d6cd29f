package dev.parley.net.relay;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Relay numbers with the relay in a child JVM of its own, so its CPU time and memory are its alone:
 * forwarding throughput (one pair and four pairs flat out), relay CPU per 10 Mbit/s (paced runs), and
 * the memory of a relay with 100 connected idle clients. Run:
 * {@code scripts/bench net dev.parley.net.relay.RelayBench [seconds-per-run [relay-threads]]} (defaults 10 and 2; 0 seconds measures memory only).
 */
public final class RelayBench {
    private static final int PACKET = 1200;

    public static void main(String[] args) throws Exception {
        if (args.length > 1 && args[0].equals("serve")) {
            serve(Integer.parseInt(args[1]));
            return;
        }
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        // G1 rather than ZGC in the child: its heap use after a full GC is exact, ZGC's comes in 2 MiB pages
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseG1GC",
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), RelayBench.class.getName(), "serve", String.valueOf(threads));
        Process relay = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter ctl = new PrintWriter(relay.getOutputStream(), true, StandardCharsets.UTF_8);
            String url = in.readLine();
            System.out.printf("relay child pid %d at %s with %d event loop thread(s); %d cores, load average %.1f%n", relay.pid(), url, threads,
                    Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            ProcessHandle ph = relay.toHandle();

            // warm-up: the first connections load classes (their heap would be charged to the clients)
            List<RelayLink> warm = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                warm.add(RelayClient.connect(url, Identity.generate(), group, (s, d) -> d.release()));
            }
            await(() -> warm.stream().allMatch(RelayLink::isConnected), "warm-up clients connected");
            warm.forEach(RelayLink::close);
            ctl.println("mem");
            in.readLine();
            ctl.println("mem");
            String before = in.readLine();
            List<RelayLink> idle = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                idle.add(RelayClient.connect(url, Identity.generate(), group, (s, d) -> d.release()));
            }
            await(() -> idle.stream().allMatch(RelayLink::isConnected), "100 idle clients connected");
            Thread.sleep(1000);
            ctl.println("mem");
            String after = in.readLine();
            System.out.println("memory, no clients:       " + before);
            System.out.println("memory, 100 idle clients: " + after);
            System.out.printf("=> %.1f KiB heap per idle client%n", (field(after, "heap") - field(before, "heap")) / 100.0 / 1024);
            idle.forEach(RelayLink::close);
            await(() -> idle.stream().noneMatch(RelayLink::isConnected), "idle clients gone");

            if (seconds == 0) {
                return; // memory only
            }
            for (int pairs : new int[] {1, 4}) {
                Run r = run(url, group, ph, pairs, 0, seconds);
                System.out.printf("flat out, %d pair(s): %.0f Mbit/s forwarded (%.1f kpkt/s of %d B), relay CPU %.0f%% of one core "
                        + "(%.1f µs per packet, %.1f%% of a core per 10 Mbit/s); %d sends refused (client queue full)%n",
                        pairs, r.mbps, r.pps / 1000, PACKET, r.cpu * 100, r.cpu / r.pps * 1e6, r.cpu * 100 / (r.mbps / 10), r.refused);
            }
            for (int mbps : new int[] {10, 50}) {
                Run r = run(url, group, ph, 1, mbps, seconds);
                System.out.printf("paced %d Mbit/s: %.1f Mbit/s forwarded, relay CPU %.1f%% of one core (%.1f%% per 10 Mbit/s, %.1f µs per packet)%n",
                        mbps, r.mbps, r.cpu * 100, r.cpu * 100 / (r.mbps / 10), r.cpu / r.pps * 1e6);
            }
            ctl.println("metrics");
            System.out.println(in.readLine());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            relay.destroy();
            relay.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private record Run(double mbps, double pps, double cpu, long refused) {}

    /** {@code pairs} senders each to its own receiver for {@code seconds}; {@code mbps} 0 = as fast as accepted. */
    private static Run run(String url, EventLoopGroup group, ProcessHandle relay, int pairs, int mbps, int seconds) throws Exception {
        AtomicLong received = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        List<RelayLink> links = new ArrayList<>();
        List<EndpointId> dests = new ArrayList<>();
        List<RelayLink> senders = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            Identity rx = Identity.generate();
            RelayLink r = RelayClient.connect(url, rx, group, (s, d) -> {
                received.addAndGet(d.readableBytes());
                d.release();
            });
            RelayLink s = RelayClient.connect(url, Identity.generate(), group, (src, d) -> d.release(),
                    RelayClient.Options.defaults().withQueueCapacity(2048));
            links.add(r);
            links.add(s);
            senders.add(s);
            dests.add(rx.id());
        }
        await(() -> links.stream().allMatch(RelayLink::isConnected), "bench clients connected");
        byte[] payload = new byte[PACKET];
        ByteBuf shared = Unpooled.unreleasableBuffer(Unpooled.directBuffer(PACKET).writeBytes(payload));
        List<Thread> threads = new ArrayList<>();
        long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long end = warmEnd + TimeUnit.SECONDS.toNanos(seconds);
        long[] mark = new long[2];
        for (int i = 0; i < pairs; i++) {
            RelayLink s = senders.get(i);
            EndpointId to = dests.get(i);
            threads.add(Thread.ofPlatform().name("bench-sender-" + i).start(() -> {
                double perNano = mbps * 1e6 / 8 / PACKET / 1e9 / pairs;
                long start = System.nanoTime();
                long sent = 0;
                while (System.nanoTime() < end) {
                    if (mbps > 0) {
                        long due = (long) ((System.nanoTime() - start) * perNano);
                        if (sent >= due) {
                            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                            continue;
                        }
                    }
                    if (s.send(to, shared.retainedDuplicate())) {
                        sent++;
                    } else {
                        refused.incrementAndGet();
                        java.util.concurrent.locks.LockSupport.parkNanos(50_000); // queue full: let the loops drain it
                    }
                }
            }));
        }
        while (System.nanoTime() < warmEnd) {
            Thread.sleep(10);
        }
        long cpu0 = cpuNanos(relay);
        long rx0 = received.get();
        long t0 = System.nanoTime();
        for (Thread t : threads) {
            t.join();
        }
        long t1 = System.nanoTime();
        long cpu1 = cpuNanos(relay);
        long rx1 = received.get();
        links.forEach(RelayLink::close);
        double secs = (t1 - t0) / 1e9;
        double bytes = rx1 - rx0;
        return new Run(bytes * 8 / secs / 1e6, bytes / PACKET / secs, (cpu1 - cpu0) / 1e9 / secs, refused.get());
    }

    private static long cpuNanos(ProcessHandle p) {
        return p.info().totalCpuDuration().map(Duration::toNanos).orElseThrow(() -> new IllegalStateException("no CPU time for the relay process"));
    }

    private static void await(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " not within 30 s");
            }
            Thread.sleep(20);
        }
    }

    private static long field(String line, String name) {
        for (String part : line.split(" ")) {
            if (part.startsWith(name + "=")) {
                return Long.parseLong(part.substring(name.length() + 1));
            }
        }
        throw new IllegalArgumentException(name + " not in " + line);
    }

    /** The child: a relay on loopback that reports its memory on request. */
    private static void serve(int threads) throws Exception {
        try (RelayServer server = RelayServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).threads(threads).start()) {
            System.out.println(server.url("127.0.0.1"));
            BufferedReader ctl = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = ctl.readLine()) != null) {
                switch (line) {
                    case "mem" -> {
                        for (int i = 0; i < 3; i++) {
                            System.gc();
                            Thread.sleep(200);
                        }
                        Runtime rt = Runtime.getRuntime();
                        System.out.println("heap=" + (rt.totalMemory() - rt.freeMemory())
                                + " pooledDirect=" + PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory()
                                + " pooledHeap=" + PooledByteBufAllocator.DEFAULT.metric().usedHeapMemory()
                                + " rssKiB=" + rssKiB() + " clients=" + server.metrics().clients());
                    }
                    case "metrics" -> System.out.println("relay: " + server.metrics().packetsForwarded() + " packets, "
                            + server.metrics().bytesForwarded() + " bytes forwarded; queue_full drops "
                            + server.metrics().drops(RelayMetrics.Drop.QUEUE_FULL));
                    default -> System.out.println("?");
                }
                System.out.flush();
            }
        }
    }

    private static long rssKiB() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException e) {
            // not Linux
        }
        return -1;
    }
}
