package dev.parley.app.headless;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.app.cli.ExitCodes;
import dev.parley.app.cli.RoomFlags;
import dev.parley.app.cli.Terminal;
import dev.parley.app.wiring.DemoPeers;
import dev.parley.app.wiring.ProfileIdentity;
import dev.parley.media.codec.VideoPreset;
import dev.parley.media.playout.SpeakerRoute;
import dev.parley.media.publish.LocalMedia;
import dev.parley.media.publish.PublishOptions;
import dev.parley.media.source.DeviceChange;
import dev.parley.media.source.DeviceKind;
import dev.parley.media.source.Devices;
import dev.parley.net.identity.Identity;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.rooms.JoinedRoom;
import dev.parley.rooms.RoomEvent;
import dev.parley.rooms.RoomOptions;
import dev.parley.rooms.ticket.RoomTicket;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code parley room --headless}: join (or create) a room, publish the local camera or test source into
 * it, print the room ticket as the first stdout line and then one JSON line per room event until the
 * JVM is asked to stop; each event carries {@code "ms"}, the milliseconds since the join started. With {@code --chat-stdin} each input line is sent as a chat message. The user
 * joins with the identity of {@code --profile}; {@code --demo-peers N} adds {@link DemoPeers}. Joining a
 * gossip room through a ticket that lists peers, it gives up with an error and exit code
 * {@link ExitCodes#FAILED} when it has met none of them within {@link #JOIN_BOUND}: nobody else can know
 * its address, so it would otherwise wait alone for ever.
 */
final class RoomRunner {
    /** Short idle timeout so a crashed peer is reported within seconds (the room's own heartbeat helps too). */
    private static final Duration IDLE = Duration.ofSeconds(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a joiner waits to meet a first participant before it gives up. */
    static final Duration JOIN_BOUND = Duration.ofSeconds(30);

    private RoomRunner() {}

    static int run(RoomFlags options, Terminal terminal) {
        RoomTicket ticket;
        try {
            ticket = options.ticket() != null ? RoomTicket.parse(options.ticket().strip())
                    : RoomTicket.generate(options.mode(), options.moqRelay());
        } catch (RuntimeException e) {
            terminal.err().println("parley room: " + e.getMessage());
            terminal.err().flush();
            return ExitCodes.USAGE;
        }
        boolean testSource = options.testSource() || Devices.list(DeviceKind.CAMERA).isEmpty();
        if (!options.testSource() && testSource) {
            terminal.err().println("parley room: no camera found; publishing the test pattern and tone instead");
        }
        String name = options.displayName() == null ? "Parley user" : options.displayName();
        DemoPeers demos = null;
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        CountDownLatch met = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean gaveUp = new java.util.concurrent.atomic.AtomicBoolean();
        try (Participant me = Participant.start(ProfileIdentity.load(options.profile()), ticket, name, testSource, options.net(),
                terminal)) {
            terminal.out().println(me.room.ticket());
            terminal.out().flush();
            terminal.err().println("parley room: joined as " + me.room.me().shortHex() + " (" + name + ")"
                    + me.room.ticket().moqRelay().map(u -> " in " + me.room.mode().label() + " mode through the moq relay "
                    + dev.parley.net.moq.session.MoqRelayUrl.parse(u).redacted()).orElse("") + "; Ctrl+C to leave");
            terminal.err().flush();
            if (options.demoPeers() > 0) {
                demos = DemoPeers.start(me.room.ticket(),
                        id -> options.net().apply(EndpointConfig.of(id).withIdleTimeout(IDLE)), me.room.me(),
                        options.demoPeers());
            }
            RoomMediaStats mediaStats = options.mediaStats()
                    ? new RoomMediaStats(terminal, me.joinStart, me.endpoint.paths()::pathTo) : null;
            Thread.ofVirtual().name("room-events").start(() -> printEvents(me, terminal, stop, met, mediaStats));
            if (ticket.mode() == dev.parley.rooms.ticket.RoomMode.GOSSIP && !ticket.bootstrap().isEmpty()) {
                Thread.ofVirtual().name("room-join-bound").start(() -> giveUpUnmet(met, stop, gaveUp, terminal));
            }
            // a device switched or unplugged mid-call (the microphone falls back to the next one or silence)
            Consumer<DeviceChange> deviceLine = c -> {
                ObjectNode o = deviceJson(c).put("ms", (System.nanoTime() - me.joinStart) / 1_000_000);
                synchronized (terminal) {
                    terminal.out().println(o.toString());
                    terminal.out().flush();
                }
            };
            me.media.onDeviceChange(deviceLine);
            SpeakerRoute.shared().onChange(deviceLine);
            if (options.chatStdin()) {
                Thread.ofVirtual().name("room-chat-stdin").start(() -> sendStdin(me.room, terminal));
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                try {
                    closed.await(10, TimeUnit.SECONDS); // our leave plus the demo peers' parallel leave
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                terminal.out().flush();
                terminal.err().flush();
                // also runs on Main's System.exit: keep the exit code of a joiner that gave up
                Runtime.getRuntime().halt(gaveUp.get() ? ExitCodes.FAILED : ExitCodes.OK);
            }, "room-shutdown"));
            stop.await();
            // Announce the leave so the others report PeerLeft at once rather than after a timeout.
            me.room.handle().leave().get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            terminal.err().println("parley room: " + e.getMessage());
            terminal.err().flush();
            return ExitCodes.FAILED;
        } finally {
            if (demos != null) {
                demos.close();
            }
            closed.countDown();
        }
        return gaveUp.get() ? ExitCodes.FAILED : ExitCodes.OK;
    }

    /** Stops the run with an error when no participant has been met within {@link #JOIN_BOUND}. */
    private static void giveUpUnmet(CountDownLatch met, CountDownLatch stop, java.util.concurrent.atomic.AtomicBoolean gaveUp,
                                    Terminal terminal) {
        try {
            if (!met.await(JOIN_BOUND.toMillis(), TimeUnit.MILLISECONDS) && stop.getCount() > 0) {
                gaveUp.set(true);
                terminal.err().println("parley room: met no participant of the ticket within " + JOIN_BOUND.toSeconds()
                        + " s (none answered at its addresses, through its relay or on the LAN); leaving");
                terminal.err().flush();
                stop.countDown();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Prints each peer's path change (relay -> direct, a new address) as a {@code path} event; the time is
     * taken when the change happens, on the event loop, and the printing is done off it.
     */
    private static void printPathChanges(Endpoint endpoint, long joinStart, Terminal terminal) {
        endpoint.paths().onPathChange(c -> {
            long ms = (System.nanoTime() - joinStart) / 1_000_000;
            Thread.ofVirtual().name("room-path").start(() -> {
                synchronized (terminal) {
                    terminal.out().println("{\"event\":\"path\",\"peer\":\"" + c.peer().hex() + "\",\"path\":\""
                            + c.to() + "\",\"from\":\"" + c.from() + "\",\"ms\":" + ms + "}");
                    terminal.out().flush();
                }
            });
        });
    }

    private static void printEvents(Participant me, Terminal terminal, CountDownLatch stop, CountDownLatch met,
                                    RoomMediaStats mediaStats) {
        try (AutoCloseable media = mediaStats == null ? () -> { } : mediaStats) {
            while (stop.getCount() > 0) {
                RoomEvent event = me.room.events().next(Duration.ofMillis(500));
                if (event != null) {
                    if (event instanceof RoomEvent.PeerJoined) {
                        met.countDown();
                    }
                    ObjectNode o = toJson(event).put("ms", (System.nanoTime() - me.joinStart) / 1_000_000);
                    if (event instanceof RoomEvent.PeerConnection c) {
                        // which way this peer's packets go: "direct ip:port" or "relay URL" (later changes: "path" events)
                        dev.parley.net.transport.PathInfo path = me.endpoint.paths().pathTo(c.peer());
                        o.put("path", path == null ? "unknown" : path.describe());
                    }
                    synchronized (terminal) {
                        terminal.out().println(JSON.writeValueAsString(o));
                        terminal.out().flush();
                    }
                    if (mediaStats != null) {
                        mediaStats.onEvent(event);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            terminal.err().println("parley room: event stream ended: " + e.getMessage());
            terminal.err().flush();
        }
    }

    /** {@code {"event":"device-change","kind":"microphone","from":…,"to":…,"reason":…}} (reason only for a fallback). */
    static ObjectNode deviceJson(DeviceChange c) {
        ObjectNode o = JSON.createObjectNode().put("event", "device-change")
                .put("kind", c.kind().name().toLowerCase(java.util.Locale.ROOT)).put("from", c.from()).put("to", c.to());
        if (c.fallback()) {
            o.put("reason", c.reason());
        }
        return o.put("message", c.message());
    }

    static ObjectNode toJson(RoomEvent event) {
        ObjectNode o = JSON.createObjectNode();
        switch (event) {
            case RoomEvent.PeerJoined j -> {
                o.put("event", "peer-joined").put("peer", j.peer().hex());
                j.displayName().ifPresent(n -> o.put("name", n));
            }
            case RoomEvent.PeerUpdated u -> {
                o.put("event", "peer-updated").put("peer", u.peer().hex());
                u.state().displayName().ifPresent(n -> o.put("name", n));
                u.state().broadcasts().forEach(o.putArray("broadcasts")::add);
            }
            case RoomEvent.PeerLeft l -> o.put("event", "peer-left").put("peer", l.peer().hex())
                    .put("reason", l.reason().name().toLowerCase());
            case RoomEvent.BroadcastSubscribed s -> o.put("event", "broadcast-subscribed")
                    .put("peer", s.peer().hex()).put("broadcast", s.name());
            case RoomEvent.BroadcastEnded e -> o.put("event", "broadcast-ended")
                    .put("peer", e.peer().hex()).put("broadcast", e.name());
            case RoomEvent.PeerConnection c -> o.put("event", "peer-connection").put("peer", c.peer().hex())
                    .put("state", c.state().name().toLowerCase());
            case RoomEvent.RoomConnection c -> o.put("event", "room-connection").put("state", c.state().name().toLowerCase());
            case RoomEvent.PeerRoute r -> o.put("event", "peer-route").put("peer", r.peer().hex())
                    .put("via", r.viaRelay() ? "relay" : "direct");
            case RoomEvent.ChatReceived c -> o.put("event", "chat").put("peer", c.message().from().hex())
                    .put("text", c.message().text()).put("at", c.message().at().toString())
                    .put("history", c.fromHistory());
        }
        return o;
    }

    private static void sendStdin(JoinedRoom room, Terminal terminal) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(terminal.in(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    try {
                        room.handle().sendChat(line).get(5, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                        Throwable cause = e.getCause() == null ? e : e.getCause();
                        terminal.err().println("parley room: chat not sent: " + cause.getMessage());
                        terminal.err().flush();
                    }
                }
            }
        } catch (IOException e) {
            terminal.err().println("parley room: stdin: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The user in the room: the profile's identity, an endpoint, media and room membership;
     * {@code joinStart} is the {@link System#nanoTime()} at which the join began.
     */
    private record Participant(Endpoint endpoint, LocalMedia media, JoinedRoom room, long joinStart) implements AutoCloseable {
        static Participant start(Identity identity, RoomTicket ticket, String name, boolean testSource,
                                 dev.parley.app.cli.NetFlags net, Terminal terminal) {
            Endpoint endpoint = Endpoint.bind(net.apply(EndpointConfig.of(identity).withIdleTimeout(IDLE)));
            LocalMedia media = null;
            try {
                PublishOptions opts = PublishOptions.defaults()
                        .withPresets(VideoPreset.P180, VideoPreset.P360, VideoPreset.P720);
                media = testSource ? LocalMedia.withTestSources(opts) : LocalMedia.withDevices(null, null, opts);
                media.setUserName(name);
                long joinStart = System.nanoTime();
                printPathChanges(endpoint, joinStart, terminal); // before the join: its dial's first path counts
                JoinedRoom room = JoinedRoom.join(endpoint, ticket, RoomOptions.defaults().withDisplayName(name));
                // the same broadcast name the window publishes, so headless and windowed peers see each other's video
                room.handle().publish(dev.parley.app.wiring.RoomsCallService.CAMERA, media.broadcast()).join();
                return new Participant(endpoint, media, room, joinStart);
            } catch (RuntimeException e) {
                if (media != null) {
                    media.close();
                }
                endpoint.close();
                throw e;
            }
        }

        @Override
        public void close() {
            room.close();
            media.close();
            endpoint.close();
        }
    }
}
