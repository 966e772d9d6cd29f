package dev.parley.app.headless;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * End-to-end numbers through the real {@code parley} main in child JVMs over loopback QUIC, test sources:
 * the watcher's capture→decoded latency (one sample per second, first 2 s of warm-up dropped) for 360p and
 * 720p, and the publisher's CPU while it encodes 180p+360p+720p at 30 fps for one watcher per rendition.
 */
public final class EndToEndBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SECONDS = 20;

    private EndToEndBench() {}

    public static void main(String[] args) throws Exception {
        Process publisher = PublishWatchEndToEndTest.parley("publish", "--test-source", "--name", "bench",
                "--renditions", "180p,360p,720p", "--bind", "127.0.0.1:0");
        try {
            String ticket = new BufferedReader(new InputStreamReader(publisher.getInputStream(), StandardCharsets.UTF_8)).readLine();
            for (String r : List.of("360p", "720p")) {
                List<Long> lat = latencies(watch(ticket, r).getInputStream().readAllBytes());
                System.out.printf(Locale.ROOT, "latency %s: n=%d p50=%d ms p95=%d ms max=%d ms%n", r, lat.size(),
                        pct(lat, 50), pct(lat, 95), lat.getLast());
            }
            List<Process> watchers = new ArrayList<>();
            for (String r : List.of("180p", "360p", "720p")) {
                watchers.add(watch(ticket, r));
            }
            Thread.sleep(3000); // all three encoders running
            ProcessHandle ph = publisher.toHandle();
            Duration cpu0 = ph.info().totalCpuDuration().orElseThrow();
            long t0 = System.nanoTime();
            Thread.sleep(10_000);
            Duration cpu1 = ph.info().totalCpuDuration().orElseThrow();
            double share = (cpu1.minus(cpu0).toNanos()) / (double) (System.nanoTime() - t0);
            System.out.printf(Locale.ROOT, "publisher CPU, 180p+360p+720p @30fps, 3 watchers: %.0f %% of one core%n", share * 100);
            for (Process w : watchers) {
                w.getInputStream().readAllBytes();
                w.waitFor();
            }
        } finally {
            publisher.destroy();
            publisher.waitFor();
        }
        System.exit(0);
    }

    private static Process watch(String ticket, String rendition) throws Exception {
        return PublishWatchEndToEndTest.parley("watch", ticket, "--headless", "--rendition", rendition,
                "--duration", Integer.toString(SECONDS));
    }

    private static List<Long> latencies(byte[] out) throws Exception {
        List<Long> l = new ArrayList<>();
        for (String line : new String(out, StandardCharsets.UTF_8).lines().toList()) {
            var n = JSON.readTree(line);
            if (!n.has("event") && n.get("t").asDouble() > 2.5) {
                l.add(n.get("latencyMs").asLong());
            }
        }
        l.sort(null);
        return l;
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
