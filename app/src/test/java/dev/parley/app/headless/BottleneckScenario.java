package dev.parley.app.headless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.net.testing.LabProcess;
import dev.parley.net.testing.NetLab;

import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The bottleneck scenario on a real network: {@code parley publish --test-source --renditions
 * 180p,360p,720p} on one internet host, {@code parley watch --headless --rendition auto} on another, a
 * {@code tbf} on the router's egress toward the watcher: 8 Mbit/s until the watcher shows 720p steadily,
 * then 600 kbit/s with a 200 ms queue for {@code bottleneck}, then 8 Mbit/s again for {@code recovery}.
 * Returns the watcher's per-second JSON lines and its switch log, timed from the bottleneck's start.
 */
final class BottleneckScenario {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long FAST_KBIT = 8000;
    static final long SLOW_KBIT = 600;
    static final Duration QUEUE = Duration.ofMillis(200);
    /** A small bucket, so the cut bites at once (a 32 kB bucket passes ~250 kbit of excess first). */
    static final int BURST = 10 * 1024;

    /** One watcher stats line, {@code t} seconds after the bottleneck started (negative before). */
    record Second(double t, JsonNode json) {
        String rendition() {
            return json.get("rendition").isNull() ? null : json.get("rendition").asText();
        }

        double fps() {
            return json.get("fps").asDouble();
        }

        long p95() {
            return json.get("latP95Ms").asLong();
        }
    }

    /** A watcher log line about switching, {@code t} seconds after the bottleneck started. */
    record Event(double t, String text) {
    }

    record Result(List<Second> seconds, List<Event> events, double bottleneckSeconds, double recoverySeconds,
                  String publisherTail, String watcherTail) {
        List<Second> between(double from, double to) {
            return seconds.stream().filter(s -> s.t() > from && s.t() <= to).toList();
        }

        /** When the watcher first showed {@code rendition} after {@code from} (seconds), from its log; -1 if never. */
        double shown(String rendition, double from) {
            return events.stream().filter(e -> e.t() >= from && e.text().contains("now showing " + rendition))
                    .mapToDouble(Event::t).findFirst().orElse(-1);
        }

        String timeline() {
            StringBuilder b = new StringBuilder();
            for (Second s : seconds) {
                b.append(String.format(java.util.Locale.ROOT, "%6.1f s  %s%n", s.t(), s.json()));
            }
            for (Event e : events) {
                b.append(String.format(java.util.Locale.ROOT, "%6.2f s  %s%n", e.t(), e.text()));
            }
            return b.toString();
        }
    }

    private BottleneckScenario() {}

    static Result run(Duration bottleneck, Duration recovery, PrintStream log) throws Exception {
        try (NetLab lab = NetLab.create()) {
            NetLab.Node pub = lab.internetHost("pub");
            NetLab.Node watch = lab.internetHost("watch");
            NetLab.Link link = watch.link();
            link.shape(NetLab.Direction.TO_HOST, FAST_KBIT, BURST, QUEUE);
            Map<String, String> env = Map.of("XDG_CONFIG_HOME", Files.createTempDirectory("parley-lab").toString());
            // -Dparley.adapt.log=DEBUG: the watcher logs every control tick's signals (its events carry them)
            List<String> jvm = List.of("-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                    "-Dparley.adapt.log=" + System.getProperty("parley.adapt.log", "INFO"),
                    "-Dparley.moq.log=" + System.getProperty("parley.moq.log", "INFO"));
            LabProcess publisher = pub.java("dev.parley.app.Main", jvm, List.of("publish", "--test-source", "--name", "lab",
                    "--renditions", "180p,360p,720p", "--bind", pub.address().getHostAddress() + ":7000"), env);
            String ticket = publisher.awaitOut(l -> l.startsWith("parley:"), Duration.ofSeconds(60)).text();
            long total = 180 + bottleneck.toSeconds() + recovery.toSeconds();
            LabProcess watcher = watch.java("dev.parley.app.Main", jvm, List.of("watch", ticket, "--headless",
                    "--rendition", "auto", "--duration", String.valueOf(total)), env);
            // warm up on the fast link: 720p at full rate for three seconds in a row
            long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            int good = 0;
            int from = 0;
            while (good < 3) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("the watcher never showed 720p steadily on the fast link; watcher:\n"
                            + watcher.tail() + "\npublisher:\n" + publisher.tail());
                }
                LabProcess.Line l;
                try {
                    l = watcher.await(from, x -> x.source() == LabProcess.Source.OUT && x.text().startsWith("{\"t\""),
                            Duration.ofSeconds(5));
                } catch (TimeoutException e) {
                    continue; // the deadline above bounds the wait (a loaded machine starts JVMs slowly)
                }
                from = watcher.lines().indexOf(l) + 1;
                JsonNode j = JSON.readTree(l.text());
                good = "video/h264-720p".equals(j.path("rendition").asText()) && j.get("fps").asDouble() >= 24 ? good + 1 : 0;
            }
            log.println("warm: 720p steady; bottleneck " + SLOW_KBIT + " kbit/s for " + bottleneck.toSeconds() + " s");
            long asked = System.nanoTime();
            link.shape(NetLab.Direction.TO_HOST, SLOW_KBIT, BURST, QUEUE);
            // times count from the moment the new qdisc is in place (the command returned); on a loaded
            // machine `ip netns exec tc` itself can take a second
            long t0 = System.nanoTime();
            log.printf("tc change took %.0f ms%n", (t0 - asked) / 1e6);
            sleepUntil(t0 + bottleneck.toNanos());
            long t1 = System.nanoTime();
            link.shape(NetLab.Direction.TO_HOST, FAST_KBIT, BURST, QUEUE);
            log.println("restored " + FAST_KBIT + " kbit/s; watching " + recovery.toSeconds() + " s");
            sleepUntil(t1 + recovery.toNanos());
            String pubTail = publisher.tail();
            String watchTail = watcher.tail();
            watcher.stop(Duration.ofSeconds(5));
            publisher.stop(Duration.ofSeconds(5));
            List<Second> seconds = new ArrayList<>();
            List<Event> events = new ArrayList<>();
            for (LabProcess.Line l : watcher.lines()) {
                double t = (l.nanos() - t0) / 1e9;
                if (l.source() == LabProcess.Source.OUT && l.text().startsWith("{\"t\"")) {
                    seconds.add(new Second(t, JSON.readTree(l.text())));
                } else if (l.text().contains("adaptive: switching") || l.text().contains("now showing") || l.text().contains("adaptive tick")
                        || traced(l.text())) {
                    events.add(new Event(t, l.text().replaceFirst("^.* - ", "")));
                }
            }
            // -Dparley.moq.log=DEBUG: the publisher's side of the same moments (its group streams and QUIC counters)
            for (LabProcess.Line l : publisher.lines()) {
                if (traced(l.text())) {
                    events.add(new Event((l.nanos() - t0) / 1e9, "publisher: " + l.text().replaceFirst("^.* - ", "")));
                }
            }
            events.sort(java.util.Comparator.comparingDouble(Event::t));
            return new Result(seconds, events, (t1 - t0) / 1e9, recovery.toSeconds(), pubTail, watchTail);
        }
    }

    /** A line of the session trace (-Dparley.moq.log=DEBUG) that the timeline keeps. */
    private static boolean traced(String line) {
        return line.contains("path: sent") || line.contains("unused, closing") || line.contains("ended by the peer")
                || line.contains("ended after") || line.contains(") starts") || line.contains("after the unsubscribe") || line.contains("is stale");
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            Thread.sleep(Math.min(200, Math.max(1, left / 1_000_000)));
        }
    }
}
