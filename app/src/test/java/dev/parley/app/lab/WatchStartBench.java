package dev.parley.app.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.net.testing.LabProcess;
import dev.parley.net.testing.NetLab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark main: where a remote watch's first frame goes, from the watcher's process start. A default
 * {@code parley publish --test-source} on one lab host, then {@code runs} cold {@code parley watch
 * --headless} processes, one after the other, on another; each row splits the time at the watcher's
 * events (process start → main → dialing → connected → announced → catalog → first frame). Args: runs
 * (default 5), then optionally the packaged jar to run the watchers from ({@code java -jar}, as the
 * launcher does; the test class path otherwise) and JVM options for the watchers only (one argument,
 * space-separated, e.g. {@code -XX:AOTCache=app/target/parley.aot}); {@code -Dbench.jar} and
 * {@code -Dbench.watcherJvm} say the same. Needs root and {@code ip netns}.
 */
public final class WatchStartBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private WatchStartBench() {}

    /** One watch's timeline, in ms; {@code fromProcess} = the process start to the first frame. */
    record Row(long main, long dialing, long bind, long connected, long announced, long catalog, long firstFrame,
               long warmUp, String rendition) {
        long fromProcess() {
            return dialing + firstFrame;
        }

        static String header() {
            return "  run | start->main | main->dialing (bind) | dial->connected | ->announced | ->catalog | ->first frame"
                    + " (warm-up done) | dialing->frame | process start->frame | rendition";
        }

        String format(int run) {
            return String.format(Locale.ROOT, "  %3d | %11d | %13d (%4d) | %15d | %11d | %9d | %13d (%4d) | %14d | %20d | %s",
                    run, main, dialing - main, bind, connected, announced, catalog, firstFrame, warmUp, firstFrame,
                    fromProcess(), rendition);
        }
    }

    public static void main(String[] args) throws Exception {
        NetLab.Availability a = NetLab.available();
        if (!a.ok()) {
            System.out.println("cannot run: " + a.reason());
            return;
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        if (args.length > 1 && !args[1].isBlank()) {
            System.setProperty("bench.jar", args[1]);
        }
        List<String> jvm = Arrays.stream((args.length > 2 ? args[2] : System.getProperty("bench.watcherJvm", "")).split(" "))
                .filter(s -> !s.isBlank()).toList();
        List<Row> rows = new ArrayList<>();
        try (NetLab lab = NetLab.create()) {
            NetLab.Node pub = lab.internetHost("pub");
            LabProcess publisher = LabCallTest.parley(pub, Map.of(), "publish", "--test-source");
            String ticket = publisher.awaitOut(s -> s.startsWith("parley:"), Duration.ofSeconds(90)).text();
            NetLab.Node wat = lab.internetHost("wat");
            System.out.println("load average before: " + loadAverage() + "; watcher JVM options " + jvm);
            System.out.println(Row.header());
            for (int i = 1; i <= runs; i++) {
                try (LabProcess w = watcher(wat, jvm, ticket)) {
                    JsonNode dialing = event(w, "dialing");
                    JsonNode first = event(w, "first-frame");
                    w.waitFor(Duration.ofSeconds(180)); // an AOT training run writes its cache at exit
                    Row r = new Row(dialing.path("mainMs").asLong(-1), dialing.path("processMs").asLong(-1),
                            dialing.path("bindMs").asLong(-1), ms(w, "connected"), ms(w, "announced"), ms(w, "catalog"),
                            first.get("ms").asLong(), first.path("warmUpMs").asLong(-1), first.path("rendition").asText("?"));
                    rows.add(r);
                    System.out.println(r.format(i));
                }
            }
        }
        System.out.printf(Locale.ROOT, "medians over %d runs: start->main %d, dialing at %d, dial->connected %d, ->announced %d, "
                        + "->catalog %d, ->first frame %d ms; process start->first frame %d ms (min %d, max %d); load average after: %s%n",
                rows.size(), median(rows, Row::main), median(rows, Row::dialing), median(rows, Row::connected),
                median(rows, Row::announced), median(rows, Row::catalog), median(rows, Row::firstFrame),
                median(rows, Row::fromProcess), rows.stream().mapToLong(Row::fromProcess).min().orElse(-1),
                rows.stream().mapToLong(Row::fromProcess).max().orElse(-1), loadAverage());
        System.exit(0);
    }

    private static LabProcess watcher(NetLab.Node wat, List<String> jvm, String ticket) throws java.io.IOException {
        String jar = System.getProperty("bench.jar");
        if (jar == null) {
            return LabCallTest.parley(wat, Map.of(), jvm, "watch", ticket, "--headless", "--duration", "2");
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx256m", "-XX:+UseSerialGC"));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-jar", jar, "watch", ticket, "--headless", "--duration", "2"));
        return wat.exec(cmd, Map.of("XDG_CONFIG_HOME", Files.createTempDirectory("parley-bench-config").toString()));
    }

    private static JsonNode event(LabProcess w, String name) throws Exception {
        return JSON.readTree(w.awaitOut(s -> s.startsWith("{\"event\":\"" + name + "\""), Duration.ofSeconds(30)).text());
    }

    private static long ms(LabProcess w, String name) {
        return w.stdout().stream().filter(s -> s.startsWith("{\"event\":\"" + name + "\"")).findFirst()
                .map(s -> {
                    try {
                        return JSON.readTree(s).get("ms").asLong();
                    } catch (Exception e) {
                        return -1L;
                    }
                }).orElse(-1L);
    }

    private static long median(List<Row> rows, java.util.function.ToLongFunction<Row> f) {
        long[] v = rows.stream().mapToLong(f).sorted().toArray();
        return v.length == 0 ? -1 : v[v.length / 2];
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
