package dev.parley.app.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.net.testing.LabProcess;
import dev.parley.net.testing.NetLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 20 % random UDP loss between a real {@code parley publish --test-source} and a real
 * {@code parley watch --headless} on two hosts of the namespace lab: the picture must never freeze
 * (the target: at least one frame in every second of loss; asserted with {@code -Dparley.lab.strict=true},
 * by default never two frozen seconds in a row, which the old freeze-for-good fails), keep a median of
 * 24 fps or more, and the audio must keep playing (a median of 45 of 50 packets a second), with what the
 * loss cost counted (Opus FEC recoveries, PLC concealment, given-up groups).
 * The loss lasts 12 s in the normal run and 30 s with {@code -Dparley.long=true}.
 *
 * <p>The watcher asks for the 360p rendition: that isolates this from rate adaptation (under 20 % loss
 * the QUIC connection carries about 70–100 kB/s here, less than 720p needs), which is not what is
 * measured here.
 */
@Timeout(300)
class LossLabTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LOSS_PERCENT = 20;
    private static final Duration LOSS = Duration.ofSeconds(Boolean.getBoolean("parley.long") ? 30 : 12);
    private static NetLab lab;
    private static LabProcess publisher;
    private static String ticket;

    @BeforeAll
    static void publisher() throws Exception {
        NetLab.assumeAvailable(LossLabTest.class);
        lab = NetLab.create();
        NetLab.Node pub = lab.internetHost("pub");
        publisher = LabCallTest.parley(pub, Map.of(), "publish", "--test-source", "--renditions", "180p,360p");
        ticket = publisher.awaitOut(s -> s.startsWith("parley:"), Duration.ofSeconds(90)).text();
    }

    @AfterAll
    static void teardown() {
        if (lab != null) {
            lab.close();
        }
    }

    @ParameterizedTest(name = "20 % loss {0}")
    @ValueSource(strings = {"both directions", "media direction only"})
    void videoNeverFreezesAndAudioKeepsPlayingUnderRandomLoss(String where) throws Exception {
        NetLab.Node wat = lab.internetHost(where.startsWith("both") ? "wboth" : "wmedia");
        long seconds = 6 + LOSS.toSeconds() + 3;
        // -Dparley.lab.ackElicitMs=0: the watcher without its ack-eliciting PROBEs (an A/B of that fix)
        String elicit = System.getProperty("parley.lab.ackElicitMs");
        Map<String, String> env = elicit == null ? Map.of() : Map.of("JAVA_TOOL_OPTIONS", "-Dparley.ackElicitMs=" + elicit);
        try (LabProcess watcher = LabCallTest.parley(wat, env, "watch", ticket, "--headless",
                "--rendition", "360p", "--duration", Long.toString(seconds))) {
            watcher.awaitOut(s -> s.startsWith("{\"event\":\"first-frame\""), Duration.ofSeconds(60));
            // steady first: a full second at a real frame rate
            watcher.awaitOut(s -> isStats(s) && json(s).get("fps").asDouble() > 20, Duration.ofSeconds(15));
            NetLab.Link link = wat.link();
            long on = System.nanoTime();
            link.loss(NetLab.Direction.TO_HOST, LOSS_PERCENT);
            if (where.startsWith("both")) {
                link.loss(NetLab.Direction.FROM_HOST, LOSS_PERCENT);
            }
            Thread.sleep(LOSS.toMillis()); // the scenario itself
            link.loss(NetLab.Direction.TO_HOST, 0);
            link.loss(NetLab.Direction.FROM_HOST, 0);
            long off = System.nanoTime();
            assertThat(watcher.waitFor(Duration.ofSeconds(seconds + 30))).as(watcher.tail()).isZero();

            List<LabProcess.Line> all = watcher.lines().stream()
                    .filter(l -> l.source() == LabProcess.Source.OUT && isStats(l.text())).toList();
            JsonNode before = all.stream().filter(l -> l.nanos() <= on).map(l -> json(l.text()))
                    .reduce((x, y) -> y).orElseThrow();
            // the seconds that lay wholly inside the loss (each line covers the second before it was printed)
            List<JsonNode> lossy = all.stream().filter(l -> l.nanos() >= on + 1_000_000_000L && l.nanos() <= off)
                    .map(l -> json(l.text())).toList();
            JsonNode last = lossy.getLast();
            List<Double> fps = lossy.stream().map(s -> s.get("fps").asDouble()).toList();
            double median = fps.stream().sorted().toList().get(fps.size() / 2);
            long frozen = fps.stream().filter(f -> f < 1).count();
            List<Long> audioPerSecond = new java.util.ArrayList<>();
            for (int i = 1; i < lossy.size(); i++) {
                audioPerSecond.add(lossy.get(i).get("audioPlayed").asLong() - lossy.get(i - 1).get("audioPlayed").asLong());
            }
            System.out.printf(Locale.ROOT, "lab loss: %d %% %s for %d s, 360p, ack-eliciting PROBEs every %s ms: fps per second %s; median %.1f, "
                            + "frozen seconds %d, min %.1f; audio packets played per second %s; during the loss FEC "
                            + "recovered %d, PLC concealed %d, groups skipped %d, stalled %d%n",
                    LOSS_PERCENT, where, LOSS.toSeconds(), elicit == null ? "20 (default)" : elicit,
                    fps.stream().map(f -> String.format(Locale.ROOT, "%.0f", f)).collect(Collectors.joining(" ")),
                    median, frozen, fps.stream().mapToDouble(Double::doubleValue).min().orElse(0), audioPerSecond,
                    delta(last, before, "audioRecovered"), delta(last, before, "audioConcealed"),
                    delta(last, before, "groupsSkipped"), delta(last, before, "groupsStalled"));

            assertThat(lossy).as("a stats line for each second of loss").hasSizeGreaterThanOrEqualTo((int) LOSS.toSeconds() - 3);
            if (elicit != null) { // the A/B setting reached the watcher's JVM
                assertThat(watcher.lines()).anyMatch(l -> l.text().contains("Picked up JAVA_TOOL_OPTIONS: -Dparley.ackElicitMs=" + elicit));
            }
            // The targets: a frame in every second, audio whole enough every second. Under 20 % loss both ways
            // QUIC itself can stall the whole connection for most of a second now and then (its probe timeout
            // backs off when probes and their acknowledgements are lost in a row: seen once in ~170 s), which
            // no media code can hide; so by default a bound is asserted that the old freeze-for-good could
            // never meet (never two dead seconds in a row) and the targets are printed; -Dparley.lab.strict=true
            // asserts the targets themselves.
            boolean strict = Boolean.getBoolean("parley.lab.strict");
            long audioShort = audioPerSecond.stream().filter(n -> n < 25).count();
            System.out.printf(Locale.ROOT, "lab loss target: a frame every second %s (%d frozen), audio >= 25 packets every second %s (%d short)%n",
                    frozen == 0 ? "met" : "MISSED", frozen, audioShort == 0 ? "met" : "MISSED", audioShort);
            if (strict) {
                assertThat(fps).as("never a frozen second").allMatch(f -> f >= 1);
                assertThat(audioPerSecond).as("audio keeps playing every second (50 packets a second when whole)")
                        .allMatch(n -> n >= 25);
            } else {
                assertThat(longestRun(fps.stream().map(f -> f < 1).toList())).as("never two frozen seconds in a row: %s", fps)
                        .isLessThanOrEqualTo(1);
                assertThat(longestRun(audioPerSecond.stream().map(n -> n < 25).toList()))
                        .as("audio never short two seconds in a row: %s", audioPerSecond).isLessThanOrEqualTo(1);
            }
            assertThat(median).as("median fps under loss").isGreaterThanOrEqualTo(24);
            assertThat(audioPerSecond.stream().sorted().toList().get(audioPerSecond.size() / 2))
                    .as("median audio packets played per second").isGreaterThanOrEqualTo(45L);
            // QUIC retransmits what it lost, so the audio often needs no repair at all (the media-direction
            // runs rarely conceal anything); the counting itself is tested in WatchFecStatsTest. Here: the
            // watcher reports the counters it acts on, and they never go backwards.
            assertThat(lossy).allSatisfy(l -> assertThat(l.has("audioRecovered") && l.has("audioConcealed")
                    && l.has("groupsStalled")).isTrue());
            assertThat(delta(last, before, "audioRecovered")).isNotNegative();
            assertThat(delta(last, before, "audioConcealed")).isNotNegative();
        }
    }

    /** The longest run of true values. */
    private static int longestRun(List<Boolean> flags) {
        int longest = 0;
        int run = 0;
        for (boolean f : flags) {
            run = f ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    private static long delta(JsonNode after, JsonNode before, String field) {
        return after.get(field).asLong() - before.get(field).asLong();
    }

    private static boolean isStats(String line) {
        return line.startsWith("{\"t\"");
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
