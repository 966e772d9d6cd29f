package dev.parley.app.headless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.parley.app.headless.PublishWatchEndToEndTest.parley;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two {@code parley relay} processes linked to each other both ways ({@code --upstream}): a publisher on
 * relay A is watched through relay B, and a publisher on B through A; hop lists keep the two from
 * echoing each other's broadcasts (the wire detail per version is {@code RelayHopsTest}).
 */
@Timeout(240)
class RelayUpstreamProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static Process relay(int port, int peer) throws Exception {
        Process p = parley("relay", "--listen", "127.0.0.1:0", "--media-listen", "127.0.0.1:" + port, "--public", "/",
                "--upstream", "ws://127.0.0.1:" + peer + "/");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        out.readLine();
        assertThat(out.readLine()).as("relay stderr:%n%s", PublishWatchEndToEndTest.stderr("relay"))
                .isEqualTo("ws://127.0.0.1:" + port + "/");
        return p;
    }

    private static double watchedFps(String url, String name) throws Exception {
        Process w = parley("watch", "--headless", "--rendition", "180p", "--duration", "4", "--moq-relay", url, name);
        String out = new String(w.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(w.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(w.exitValue()).as("watch %s stdout:%n%s%nstderr:%n%s", url, out, PublishWatchEndToEndTest.stderr("watch")).isZero();
        JsonNode last = null;
        for (String l : out.lines().toList()) {
            JsonNode n = JSON.readTree(l);
            if (n.has("fps")) {
                last = n;
            }
        }
        assertThat(last).as("stats lines from watch %s", url).isNotNull();
        return last.get("fps").asDouble();
    }

    @Test
    void twoRelaysLinkedBothWaysCarryBroadcastsEachWay() throws Exception {
        int a = freePort();
        int b = freePort();
        List<Process> all = new ArrayList<>();
        try {
            all.add(relay(a, b));
            all.add(relay(b, a));
            for (String[] pub : new String[][] {{"cam-a", String.valueOf(a)}, {"cam-b", String.valueOf(b)}}) {
                Process p = parley("publish", "--test-source", "--renditions", "180p", "--no-audio", "--bind", "127.0.0.1:0",
                        "--name", pub[0], "--moq-relay", "http://127.0.0.1:" + pub[1] + "/");
                all.add(p);
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                assertThat(out.readLine()).as("stderr:%n%s", PublishWatchEndToEndTest.stderr("publish")).startsWith("parley:");
            }
            double viaB = watchedFps("http://127.0.0.1:" + b + "/", "cam-a");
            double viaA = watchedFps("http://127.0.0.1:" + a + "/", "cam-b");
            System.out.printf("[upstream] cam-a watched through B at %.1f fps, cam-b through A at %.1f fps%n", viaB, viaA);
            assertThat(viaB).as("A's broadcast through B").isGreaterThan(5);
            assertThat(viaA).as("B's broadcast through A").isGreaterThan(5);
            String relayErr = Files.readString(PublishWatchEndToEndTest.stderrPath("relay"));
            assertThat(relayErr).contains("linked to the moq relay ws://127.0.0.1:" + a + "/");
        } finally {
            for (Process p : all.reversed()) {
                p.destroy();
                p.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }
}
