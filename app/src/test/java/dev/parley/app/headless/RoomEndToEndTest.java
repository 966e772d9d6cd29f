package dev.parley.app.headless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static dev.parley.app.headless.PublishWatchEndToEndTest.parley;
import static dev.parley.app.headless.PublishWatchEndToEndTest.stderr;
import static org.assertj.core.api.Assertions.assertThat;

/** Two real {@code parley room --headless} processes on loopback: join by ticket, see each other, chat, leave. */
@Timeout(180)
class RoomEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void twoHeadlessRoomsSeeEachOtherChatAndReportTheLeave() throws Exception {
        Process ada = parley("room", "--headless", "--name", "Ada", "--test-source", "--chat-stdin");
        Process bob = null;
        try {
            BufferedReader adaOut = new BufferedReader(new InputStreamReader(ada.getInputStream(), StandardCharsets.UTF_8));
            String ticket = adaOut.readLine();
            assertThat(ticket).as("first stdout line is the room ticket; stderr:%n%s", stderr("room"))
                    .startsWith("parley-room:").hasSizeLessThan(2000);
            List<JsonNode> adaEvents = collect(adaOut);

            bob = parley("room", ticket, "--headless", "--name", "Bob", "--test-source", "--chat-stdin");
            BufferedReader bobOut = new BufferedReader(new InputStreamReader(bob.getInputStream(), StandardCharsets.UTF_8));
            assertThat(bobOut.readLine()).startsWith("parley-room:");
            List<JsonNode> bobEvents = collect(bobOut);

            await(adaEvents, e -> is(e, "peer-joined") && "Bob".equals(e.path("name").asText()));
            await(bobEvents, e -> is(e, "peer-joined") && "Ada".equals(e.path("name").asText()));
            await(adaEvents, e -> is(e, "broadcast-subscribed") && "camera".equals(e.path("broadcast").asText()));

            Writer bobIn = new OutputStreamWriter(bob.getOutputStream(), StandardCharsets.UTF_8);
            bobIn.write("hello from bob\n");
            bobIn.flush();
            JsonNode chat = await(adaEvents, e -> is(e, "chat") && "hello from bob".equals(e.path("text").asText()));
            JsonNode bobJoined = adaEvents.stream().filter(e -> is(e, "peer-joined")).findFirst().orElseThrow();
            assertThat(chat.path("peer").asText()).as("sender is Bob's endpoint id").isEqualTo(bobJoined.path("peer").asText());

            Writer adaIn = new OutputStreamWriter(ada.getOutputStream(), StandardCharsets.UTF_8);
            adaIn.write("hi bob\n");
            adaIn.flush();
            await(bobEvents, e -> is(e, "chat") && "hi bob".equals(e.path("text").asText()));

            bob.destroy(); // SIGTERM: a clean leave
            assertThat(bob.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(bob.exitValue()).isZero();
            JsonNode left = await(adaEvents, e -> is(e, "peer-left"));
            assertThat(left.path("reason").asText()).isEqualTo("left");
        } finally {
            if (bob != null) {
                bob.destroyForcibly();
            }
            ada.destroy();
            ada.waitFor(30, TimeUnit.SECONDS);
            ada.destroyForcibly();
        }
    }

    @Test
    void twoHeadlessRoomsMeetThroughAMoqRelayProcess() throws Exception {
        Process relay = parley("relay", "--listen", "127.0.0.1:0", "--media-listen", "127.0.0.1:0", "--public", "/parley/rooms");
        Process ada = null;
        Process bob = null;
        try {
            BufferedReader relayOut = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
            relayOut.readLine();
            String media = relayOut.readLine().replace("ws://", "http://");
            ada = parley("room", "--headless", "--name", "Ada", "--test-source", "--chat-stdin", "--moq-relay", media);
            BufferedReader adaOut = new BufferedReader(new InputStreamReader(ada.getInputStream(), StandardCharsets.UTF_8));
            String ticket = adaOut.readLine();
            assertThat(ticket).as("stderr:%n%s", stderr("room")).startsWith("parley-room:");
            assertThat(dev.parley.rooms.ticket.RoomTicket.parse(ticket).moqRelay()).contains(media);
            // the mode line goes to stderr just after the ticket went to stdout: wait for it (bounded)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!stderr("room").contains("in relay mode through the moq relay") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(stderr("room")).contains("in relay mode through the moq relay");
            List<JsonNode> adaEvents = collect(adaOut);

            bob = parley("room", ticket, "--headless", "--name", "Bob", "--test-source", "--chat-stdin");
            BufferedReader bobOut = new BufferedReader(new InputStreamReader(bob.getInputStream(), StandardCharsets.UTF_8));
            assertThat(bobOut.readLine()).startsWith("parley-room:");
            List<JsonNode> bobEvents = collect(bobOut);

            await(adaEvents, e -> is(e, "peer-updated") && "Bob".equals(e.path("name").asText()));
            await(bobEvents, e -> is(e, "peer-updated") && "Ada".equals(e.path("name").asText()));
            await(adaEvents, e -> is(e, "peer-route") && "relay".equals(e.path("via").asText()));
            await(adaEvents, e -> is(e, "broadcast-subscribed") && "camera".equals(e.path("broadcast").asText()));
            await(bobEvents, e -> is(e, "broadcast-subscribed") && "camera".equals(e.path("broadcast").asText()));

            Writer bobIn = new OutputStreamWriter(bob.getOutputStream(), StandardCharsets.UTF_8);
            bobIn.write("hello through the relay\n");
            bobIn.flush();
            await(adaEvents, e -> is(e, "chat") && "hello through the relay".equals(e.path("text").asText()));

            bob.destroy(); // SIGTERM: a clean leave, seen as the end of its announces
            assertThat(bob.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(bob.exitValue()).isZero();
            assertThat(await(adaEvents, e -> is(e, "peer-left")).path("reason").asText()).isEqualTo("left");
        } finally {
            for (Process p : new Process[] {bob, ada, relay}) {
                if (p != null) {
                    p.destroy();
                    p.waitFor(30, TimeUnit.SECONDS);
                    p.destroyForcibly();
                }
            }
        }
    }

    private static boolean is(JsonNode e, String event) {
        return event.equals(e.path("event").asText());
    }

    private static List<JsonNode> collect(BufferedReader out) {
        List<JsonNode> events = new CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    events.add(JSON.readTree(line));
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        return events;
    }

    private static JsonNode await(List<JsonNode> events, Predicate<JsonNode> match) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (JsonNode e : events) {
                if (match.test(e)) {
                    return e;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no matching event within 60 s; got " + events);
    }
}
