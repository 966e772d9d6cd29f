package dev.parley.app.wiring;

import dev.parley.app.service.BgraFrame;
import dev.parley.app.service.ChatEntry;
import dev.parley.app.service.ConnectionState;
import dev.parley.app.service.DeviceChoice;
import dev.parley.app.service.JoinRequest;
import dev.parley.app.service.Participant;
import dev.parley.app.service.RoomSession;
import dev.parley.app.service.RoomUpdate;
import dev.parley.app.service.ServiceException;
import dev.parley.app.service.SourceSelection;
import dev.parley.app.service.TicketCheck;
import dev.parley.app.testing.RecordingNotifier;
import dev.parley.app.ui.room.RoomViewModel;
import dev.parley.media.codec.VideoPreset;
import dev.parley.media.publish.PublishOptions;
import dev.parley.media.watch.WatchOptions;
import dev.parley.net.identity.IdentityStore;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.rooms.RoomOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Two app call services in one room over real loopback QUIC, real encoders and decoders. */
@Timeout(120)
class RoomsCallServiceTest {
    @TempDir
    Path configA;
    @TempDir
    Path configB;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    /** A service with its own identity store, loopback endpoints and only the 180p rendition (2 cores). */
    static RoomsCallService service(Path configDir) {
        return service(configDir, (e, o) -> o);
    }

    /** As {@link #service(Path)}, with the room options adjusted per endpoint. */
    static RoomsCallService service(Path configDir,
                                    java.util.function.BiFunction<dev.parley.net.quic.Endpoint, RoomOptions,
                                            RoomOptions> room) {
        IdentityStore store = new IdentityStore(configDir, k -> null);
        return new RoomsCallService(new RoomsCallService.Config(() -> store.loadOrCreate("test"),
                id -> EndpointConfig.loopback(id).withIdleTimeout(RoomsCallService.IDLE_TIMEOUT),
                PublishOptions.defaults().withPresets(VideoPreset.P180).withEncoder("libx264"),
                WatchOptions.defaults(), room));
    }

    /** Collects a session's events and waits for one matching. */
    private static final class Log {
        final List<RoomUpdate> events = new CopyOnWriteArrayList<>();

        RoomUpdate await(Predicate<RoomUpdate> p, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (RoomUpdate e : events) {
                    if (p.test(e)) {
                        return e;
                    }
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no matching event within " + timeout + "; got " + events);
        }
    }

    private RoomSession open(java.util.concurrent.CompletableFuture<RoomSession> f) throws Exception {
        RoomSession s = f.get(30, TimeUnit.SECONDS);
        closeables.add(s);
        return s;
    }

    @Test
    void checkUsesTheTicketParserAndItsMessage() {
        RoomsCallService calls = service(configA);
        assertThat(calls.check("hello")).isEqualTo(
                new TicketCheck.Invalid("not a Parley room ticket: it must start with 'parley-room:'"));
        assertThat(calls.check("  ")).isEqualTo(new TicketCheck.Invalid("the room ticket is empty"));
        assertThat(calls.check("parley-room:***")).isInstanceOf(TicketCheck.Invalid.class);
        assertThatThrownBy(() -> calls.join("hello", new JoinRequest("x", SourceSelection.testSources())).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(ServiceException.class)
                .hasMessageContaining("parley-room:");
    }

    @Test
    void theRelayOfTheJoinRequestIsTheCallsHomeRelay() throws Exception {
        // a listening socket of our own stands for the relay: the ticket must name it, the call must start
        try (java.net.ServerSocket relay = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + relay.getLocalPort() + "/";
            RoomSession a = open(service(configA).create(new JoinRequest("alice", SourceSelection.testSources(), url)));
            assertThat(dev.parley.rooms.ticket.RoomTicket.parse(a.ticket()).bootstrap().getFirst().relayUrls())
                    .containsExactly(url);
            RoomSession b = open(service(configB).create(new JoinRequest("bob", SourceSelection.testSources())));
            assertThat(dev.parley.rooms.ticket.RoomTicket.parse(b.ticket()).bootstrap().getFirst().relayUrls())
                    .as("no relay asked for, none used").isEmpty();
        }
    }

    @Test
    void twoServicesMeetSeeVideoChatAndLeave() throws Exception {
        RoomsCallService alice = service(configA);
        RoomsCallService bob = service(configB);
        RoomSession a = open(alice.create(new JoinRequest("alice", SourceSelection.testSources())));
        Log aLog = new Log();
        a.subscribe(aLog.events::add);
        List<ChatEntry> aChat = new CopyOnWriteArrayList<>();
        a.chat().subscribe(aChat::add);

        String ticket = a.ticket();
        assertThat(alice.check(ticket)).isEqualTo(new TicketCheck.Valid(ticket));
        long joinStart = System.nanoTime();
        RoomSession b = open(bob.join(ticket, new JoinRequest("bob", SourceSelection.testSources())));
        assertThat(b.self().id()).isNotEqualTo(a.self().id());
        Log bLog = new Log();
        b.subscribe(bLog.events::add);
        List<ChatEntry> bChat = new CopyOnWriteArrayList<>();
        b.chat().subscribe(bChat::add);

        Duration join = Duration.ofSeconds(15);
        var aSeesBob = (RoomUpdate.ParticipantJoined) aLog.await(e -> e instanceof RoomUpdate.ParticipantJoined j
                && j.participant().id().equals(b.self().id()), join);
        var bSeesAlice = (RoomUpdate.ParticipantJoined) bLog.await(e -> e instanceof RoomUpdate.ParticipantJoined j
                && j.participant().id().equals(a.self().id()), join);
        assertThat(bSeesAlice.participant().isLocal()).isFalse();

        // the joiner decodes alice's test pattern
        Participant alicesTile = bSeesAlice.participant();
        alicesTile.video().setViewport(320, 180);
        BgraFrame frame = null;
        long start = System.nanoTime();
        long deadline = start + 10_000_000_000L;
        while (frame == null && System.nanoTime() < deadline) {
            frame = alicesTile.video().poll();
            if (frame == null) {
                Thread.sleep(20);
            }
        }
        assertThat(frame).as("a decoded frame from alice within 10 s").isNotNull();
        try (BgraFrame f = frame) {
            System.out.printf("first remote frame %d ms after join started: %dx%d%n",
                    (System.nanoTime() - joinStart) / 1_000_000, f.width(), f.height());
            assertThat(f.width()).isEqualTo(320);
            assertThat(f.height()).isEqualTo(180);
            assertThat(f.bgra().get(3)).isEqualTo((byte) 255);
        }
        assertThat(alicesTile.renditions()).isNotEmpty();
        assertThat(alicesTile.stats().sample().render()).isNotNull();
        // NET comes from the connection's own path samples, followed for the watched broadcast (Room.followPath)
        awaitTrue(() -> alicesTile.stats().sample().net() != null, "alice's tile shows NET from her connection's samples");
        // bob watches alice, so alice's self tile reports a running capture pipeline
        awaitTrue(() -> a.self().stats().sample().capture().fps() > 0, "alice's CAPTURE shows encoded frames");
        var capture = a.self().stats().sample().capture();
        assertThat(capture.source()).isEqualTo("Test pattern");
        assertThat(capture.codec()).startsWith("avc1.");
        assertThat(capture.encoder()).isEqualTo("libx264");
        assertThat(capture.resolution()).isEqualTo("320x180");
        assertThat(capture.encodeMs()).isPositive();
        awaitTrue(() -> a.self().stats().sample().capture().bitrateKbps() > 0, "alice's CAPTURE shows a bit rate");
        assertThat(aSeesBob.participant().displayName()).isEqualTo("bob");

        // chat both ways; the sender sees its own line too
        b.chat().send("hi alice");
        a.chat().send("hi bob ✓");
        awaitChat(aChat, m -> m.text().equals("hi alice") && !m.fromSelf() && m.senderId().equals(b.self().id())
                && m.senderName().equals("bob"));
        awaitChat(bChat, m -> m.text().equals("hi bob ✓") && !m.fromSelf() && m.senderId().equals(a.self().id()));
        awaitChat(aChat, m -> m.text().equals("hi bob ✓") && m.fromSelf());

        // toggles reach the other side through the catalog
        aLog.await(e -> e instanceof RoomUpdate.ParticipantChanged c && c.id().equals(b.self().id())
                && !c.muted() && c.cameraOn(), Duration.ofSeconds(10));
        // the first state reported is the first catalog's, not the empty one before it arrived
        assertThat(aLog.events.stream().filter(e -> e instanceof RoomUpdate.ParticipantChanged c
                && c.id().equals(b.self().id())).findFirst())
                .hasValueSatisfying(c -> assertThat((RoomUpdate.ParticipantChanged) c)
                        .extracting(RoomUpdate.ParticipantChanged::muted, RoomUpdate.ParticipantChanged::cameraOn)
                        .containsExactly(false, true));
        b.setMicMuted(true);
        aLog.await(e -> e instanceof RoomUpdate.ParticipantChanged c && c.id().equals(b.self().id())
                && c.muted() && c.cameraOn(), Duration.ofSeconds(10));
        b.setCameraOn(false);
        aLog.await(e -> e instanceof RoomUpdate.ParticipantChanged c && c.id().equals(b.self().id())
                && c.muted() && !c.cameraOn(), Duration.ofSeconds(10));

        // leaving is seen at once
        b.close();
        aLog.await(e -> e instanceof RoomUpdate.ParticipantLeft l && l.id().equals(b.self().id()),
                Duration.ofSeconds(10));
    }

    @Test
    void recordingWritesEachPeersReceivedMediaAndIsAnnouncedInTheChat(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        RoomSession a = open(service(configA).create(new JoinRequest("alice", SourceSelection.testSources())));
        Log aLog = new Log();
        a.subscribe(aLog.events::add);
        RoomSession b = open(service(configB).join(a.ticket(), new JoinRequest("bob", SourceSelection.testSources())));
        List<ChatEntry> bChat = new CopyOnWriteArrayList<>();
        b.chat().subscribe(bChat::add);
        aLog.await(e -> e instanceof RoomUpdate.ParticipantJoined j && j.participant().id().equals(b.self().id()), Duration.ofSeconds(15));

        Path folder = dir.resolve("recordings");
        a.setRecording(folder);
        awaitChat(bChat, m -> m.senderName().equals("alice") && m.text().contains("alice started recording this call"));
        // bob's broadcast is watched by alice: his file grows as fragments are written (at least every second)
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Path file = null;
        while (System.nanoTime() < deadline) {
            try (var files = java.nio.file.Files.list(folder)) {
                file = files.filter(f -> f.getFileName().toString().endsWith(".mp4")).findFirst().orElse(null);
            }
            if (file != null && java.nio.file.Files.size(file) > 30_000) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(file).as("bob's recording in %s", folder).isNotNull();
        assertThat(file.getFileName().toString()).as("named after bob").matches("\\d{8}-\\d{6}-bob-\\d+\\.mp4");
        assertThat(java.nio.file.Files.size(file)).isGreaterThan(30_000);
        a.setRecording(null);
        aLog.await(e -> e instanceof RoomUpdate.Notice n && n.message().equals("Recording saved: 1 file(s)"), Duration.ofSeconds(10));
        awaitChat(bChat, m -> m.text().contains("alice stopped recording"));
        assertThat(streams(file)).containsExactlyInAnyOrder("video h264", "audio opus");
    }

    /** The streams FFmpeg finds in a file, as {@code "video h264"}. */
    private static List<String> streams(Path file) {
        org.bytedeco.ffmpeg.avformat.AVFormatContext ctx = new org.bytedeco.ffmpeg.avformat.AVFormatContext(null);
        assertThat(org.bytedeco.ffmpeg.global.avformat.avformat_open_input(ctx, file.toString(), null, null)).isZero();
        try {
            assertThat(org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info(ctx, (org.bytedeco.javacpp.PointerPointer<?>) null)).isGreaterThanOrEqualTo(0);
            List<String> out = new ArrayList<>();
            for (int i = 0; i < ctx.nb_streams(); i++) {
                var par = ctx.streams(i).codecpar();
                out.add(org.bytedeco.ffmpeg.global.avutil.av_get_media_type_string(par.codec_type()).getString() + " "
                        + org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name(par.codec_id()).getString());
            }
            return out;
        } finally {
            org.bytedeco.ffmpeg.global.avformat.avformat_close_input(ctx);
        }
    }

    private static void awaitChat(List<ChatEntry> log, Predicate<ChatEntry> p) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (log.stream().anyMatch(p)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no matching chat message; got " + log);
    }

    @Test
    void demoPeersJoinGreetWatchTheHostAndLeaveWithTheSession() throws Exception {
        IdentityStore store = new IdentityStore(configA, k -> null);
        RoomsCallService calls = new RoomsCallService(new RoomsCallService.Config(() -> store.loadOrCreate("test"),
                id -> EndpointConfig.loopback(id).withIdleTimeout(RoomsCallService.IDLE_TIMEOUT),
                PublishOptions.defaults().withPresets(VideoPreset.P180, VideoPreset.P360).withEncoder("libx264"),
                WatchOptions.defaults()), 2);
        RoomSession a = calls.create(new JoinRequest("host", SourceSelection.testSources())).get(30, TimeUnit.SECONDS);
        try {
            Log log = new Log();
            a.subscribe(log.events::add);
            List<ChatEntry> chat = new CopyOnWriteArrayList<>();
            a.chat().subscribe(chat::add);
            assertThat(a.self().stats().sample().capture().encoder()).as("nobody watches yet").contains("idle");

            var ada = (RoomUpdate.ParticipantJoined) log.await(e -> e instanceof RoomUpdate.ParticipantJoined j
                    && j.participant().displayName().equals(DemoPeers.name(0)), Duration.ofSeconds(30));
            var grace = (RoomUpdate.ParticipantJoined) log.await(e -> e instanceof RoomUpdate.ParticipantJoined j
                    && j.participant().displayName().equals(DemoPeers.name(1)), Duration.ofSeconds(30));
            assertThat(ada.participant().id()).isNotEqualTo(grace.participant().id()).isNotEqualTo(a.self().id());
            awaitChat(chat, m -> m.senderId().equals(ada.participant().id()) && m.text().contains("demo participant"));
            awaitChat(chat, m -> m.senderId().equals(grace.participant().id()) && m.text().startsWith("Hi! I'm Grace"));

            // a demo peer publishes a test pattern we decode
            Participant tile = ada.participant();
            tile.video().setViewport(320, 180);
            awaitTrue(() -> {
                BgraFrame f = tile.video().poll();
                if (f == null) {
                    return false;
                }
                f.close();
                return true;
            }, "a frame from the demo peer");
            // they take turns talking: one tone sounds while the other is silent
            Participant graceTile = grace.participant();
            awaitTrue(() -> tile.audioLevel() > 0.35 && graceTile.audioLevel() < 0.2, "Ada talks, Grace is quiet");
            awaitTrue(() -> graceTile.audioLevel() > 0.35 && tile.audioLevel() < 0.2, "Grace talks, Ada is quiet");

            // the demo peers watch us: the first at the middle quality, so our 360p encoder runs
            awaitTrue(() -> "640x360".equals(a.self().stats().sample().capture().resolution())
                    && a.self().stats().sample().capture().fps() > 0, "CAPTURE at 360p while the first demo peer watches");

            // closing the session makes the demo peers leave too, cleanly: another participant sees them go
            RoomSession b = open(service(configB).join(a.ticket(), new JoinRequest("bob", SourceSelection.testSources())));
            Log bLog = new Log();
            b.subscribe(bLog.events::add);
            for (String id : List.of(ada.participant().id(), grace.participant().id())) {
                bLog.await(e -> e instanceof RoomUpdate.ParticipantJoined j && j.participant().id().equals(id),
                        Duration.ofSeconds(30));
            }
            a.close();
            for (String id : List.of(ada.participant().id(), grace.participant().id(), a.self().id())) {
                bLog.await(e -> e instanceof RoomUpdate.ParticipantLeft l && l.id().equals(id), Duration.ofSeconds(15));
            }
            assertThat(bLog.events).as("announced leaves, not lost connections")
                    .noneMatch(e -> e instanceof RoomUpdate.Notice n && n.message().contains("lost the connection"));
        } finally {
            a.close();
        }
    }

    @Test
    void aPeerWhoseProcessDiesIsReconnectingThenLeavesTheRoomWithANotice() throws Exception {
        var giveUp = new dev.parley.rooms.ReconnectPolicy(Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(3));
        RoomSession a = open(service(configA, (e, o) -> o.withReconnect(giveUp)).create(new JoinRequest("alice", SourceSelection.testSources())));
        Log aLog = new Log();
        a.subscribe(aLog.events::add);
        // carol is a bare room peer in another process, killed without leaving
        Process carol = startChild(VanishingPeerMain.class, 256, a.ticket());
        String carolId = readyId(carol, Duration.ofSeconds(30));
        assertThat(carolId).as("the child peer started").isNotNull();
        var joined = (RoomUpdate.ParticipantJoined) aLog.await(e -> e instanceof RoomUpdate.ParticipantJoined j
                && j.participant().id().equals(carolId), Duration.ofSeconds(15));
        assertThat(joined.participant().displayName()).isEqualTo("carol");
        assertThat(joined.participant().video().poll()).as("carol publishes no camera").isNull();
        aLog.await(e -> e instanceof RoomUpdate.ParticipantChanged c && c.id().equals(carolId)
                && c.connection() == dev.parley.app.service.ConnectionState.CONNECTED, Duration.ofSeconds(15));
        long killed = System.nanoTime();
        carol.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        // first her tile says reconnecting (the link timed out), then she is given up on
        aLog.await(e -> e instanceof RoomUpdate.ParticipantChanged c && c.id().equals(carolId)
                && c.connection() == dev.parley.app.service.ConnectionState.RECONNECTING, Duration.ofSeconds(10));
        assertThat(aLog.events).noneMatch(e -> e instanceof RoomUpdate.ParticipantLeft l && l.id().equals(carolId));
        aLog.await(e -> e instanceof RoomUpdate.ParticipantLeft l && l.id().equals(carolId), Duration.ofSeconds(20));
        System.out.printf("crashed peer gone after %d ms%n", (System.nanoTime() - killed) / 1_000_000);
        aLog.await(e -> e instanceof RoomUpdate.Notice n && n.message().contains("lost the connection"),
                Duration.ofSeconds(5));
        // alice's room goes on: a new peer can still join it
        RoomSession b = open(service(configB).join(a.ticket(), new JoinRequest("bob", SourceSelection.testSources())));
        aLog.await(e -> e instanceof RoomUpdate.ParticipantJoined j && j.participant().id().equals(b.self().id()),
                Duration.ofSeconds(15));
    }

    @Test
    void aParticipantStoppedWithSigtermLeavesCleanly() throws Exception {
        RoomSession a = open(service(configA).create(new JoinRequest("alice", SourceSelection.testSources())));
        Log aLog = new Log();
        a.subscribe(aLog.events::add);
        // dave runs the whole call service in another process and is stopped like a logout stops it
        Process dave = startChild(TerminatedPeerMain.class, 384, a.ticket());
        String daveId = readyId(dave, Duration.ofSeconds(60));
        assertThat(daveId).as("the child participant started").isNotNull();
        aLog.await(e -> e instanceof RoomUpdate.ParticipantChanged c && c.id().equals(daveId)
                && c.connection() == ConnectionState.CONNECTED, Duration.ofSeconds(30));

        long stopped = System.nanoTime();
        dave.destroy(); // SIGTERM: shutdown hooks run
        aLog.await(e -> e instanceof RoomUpdate.ParticipantLeft l && l.id().equals(daveId), Duration.ofSeconds(10));
        long left = System.nanoTime();
        assertThat(dave.waitFor(15, TimeUnit.SECONDS)).as("dave exits within the leave budget").isTrue();
        System.out.printf("SIGTERM to left: %d ms, to exit: %d ms%n", (left - stopped) / 1_000_000,
                (System.nanoTime() - stopped) / 1_000_000);
        assertThat(aLog.events).as("a leave, not a lost connection")
                .noneMatch(e -> e instanceof RoomUpdate.ParticipantChanged c && c.id().equals(daveId)
                        && c.connection() == ConnectionState.RECONNECTING)
                .noneMatch(e -> e instanceof RoomUpdate.Notice n && n.message().contains("lost the connection"));
    }

    @Test
    void aHiddenTileDropsToTheSmallestRenditionAndAPinnedOneIsHonoured() throws Exception {
        PublishOptions two = PublishOptions.defaults().withPresets(VideoPreset.P180, VideoPreset.P360).withEncoder("libx264");
        RoomsCallService alice = new RoomsCallService(new RoomsCallService.Config(
                () -> new IdentityStore(configA, k -> null).loadOrCreate("test"),
                id -> EndpointConfig.loopback(id).withIdleTimeout(RoomsCallService.IDLE_TIMEOUT), two,
                WatchOptions.defaults()));
        RoomSession a = open(alice.create(new JoinRequest("alice", SourceSelection.testSources())));
        RoomSession b = open(service(configB).join(a.ticket(), new JoinRequest("bob", SourceSelection.testSources())));
        Log bLog = new Log();
        b.subscribe(bLog.events::add);
        Participant tile = ((RoomUpdate.ParticipantJoined) bLog.await(e -> e instanceof RoomUpdate.ParticipantJoined j
                && j.participant().id().equals(a.self().id()), Duration.ofSeconds(15))).participant();
        awaitTrue(() -> tile.renditions().size() == 2, "both renditions in the catalog");
        String small = tile.renditions().getFirst();
        String large = tile.renditions().getLast();
        assertThat(small).isNotEqualTo(large);

        tile.video().setViewport(0, 0);
        awaitTrue(() -> small.equals(rendition(tile)), "hidden tile on " + small);
        tile.video().setViewport(1280, 720);
        tile.chooseRendition(large);
        awaitTrue(() -> large.equals(rendition(tile)), "pinned " + large);
        tile.video().setViewport(0, 0);
        awaitTrue(() -> small.equals(rendition(tile)), "hidden again on " + small);
    }

    @Test
    void theTonePublisherIsHeardBecomesTheActiveSpeakerAndMutingSilencesIt() throws Exception {
        // alice publishes the test tone, bob has no microphone; no cameras, so only audio is coded
        RoomSession a = open(service(configA).create(new JoinRequest("alice",
                new SourceSelection(DeviceChoice.OFF, DeviceChoice.TEST_TONE, DeviceChoice.OFF))));
        RoomSession b = open(service(configB).join(a.ticket(), new JoinRequest("bob",
                new SourceSelection(DeviceChoice.OFF, DeviceChoice.OFF, DeviceChoice.OFF))));
        // bob's room screen model, its UI thread being this test thread
        Queue<Runnable> uiQueue = new ConcurrentLinkedQueue<>();
        RoomViewModel bobsScreen = new RoomViewModel(b, false, false, uiQueue::add, Runnable::run,
                new RecordingNotifier(), java.time.Clock.systemUTC(), pip -> { }, () -> { });
        Runnable pulse = () -> {
            for (Runnable r; (r = uiQueue.poll()) != null; ) {
                r.run();
            }
            bobsScreen.pulse(System.nanoTime());
        };
        awaitTrue(() -> runs(pulse) && bobsScreen.tile(a.self().id()).isPresent(), "alice's tile on bob's screen");
        Participant alicesTile = bobsScreen.tile(a.self().id()).orElseThrow().participant();

        // the 0.3 full-scale tone is -13.5 dBFS RMS: (60 - 13.5) / 60 = 0.775 on the app's scale
        awaitTrue(() -> Math.abs(alicesTile.audioLevel() - 0.775) < 0.04, "alice's played-out tone level at bob");
        awaitTrue(() -> Math.abs(a.self().audioLevel() - 0.775) < 0.02, "alice's own microphone level");
        assertThat(b.self().audioLevel()).as("bob has no microphone").isZero();
        awaitTrue(() -> runs(pulse) && bobsScreen.activeSpeakerProperty().get() != null
                && bobsScreen.activeSpeakerProperty().get().id().equals(a.self().id()), "alice is the active speaker");
        assertThat(bobsScreen.tile(a.self().id()).orElseThrow().speakingProperty().get()).isTrue();
        System.out.printf("alice's level at bob %.3f, her own %.3f%n", alicesTile.audioLevel(), a.self().audioLevel());

        a.setMicMuted(true);
        assertThat(a.self().audioLevel()).as("muted: silent at once").isZero();
        awaitTrue(() -> alicesTile.audioLevel() == 0, "alice's level at bob drops to silent");
        awaitTrue(() -> runs(pulse) && bobsScreen.activeSpeakerProperty().get() == null, "nobody speaks");
        assertThat(bobsScreen.tile(a.self().id()).orElseThrow().mutedProperty().get()).isTrue();

        a.setMicMuted(false);
        awaitTrue(() -> Math.abs(alicesTile.audioLevel() - 0.775) < 0.04, "unmuted, alice is heard again");
    }

    @Test
    void switchingMicrophoneAndCameraMidCallKeepsTheCallAndEveryoneSubscribed() throws Exception {
        RoomSession a = open(service(configA).create(new JoinRequest("alice",
                new SourceSelection(DeviceChoice.TEST_PATTERN, DeviceChoice.TEST_TONE, DeviceChoice.OFF))));
        Log aLog = new Log();
        a.subscribe(aLog.events::add);
        RoomSession b = open(service(configB).join(a.ticket(), new JoinRequest("bob",
                new SourceSelection(DeviceChoice.OFF, DeviceChoice.OFF, DeviceChoice.OFF))));
        Log bLog = new Log();
        b.subscribe(bLog.events::add);
        Participant alicesTile = ((RoomUpdate.ParticipantJoined) bLog.await(e -> e instanceof RoomUpdate.ParticipantJoined j
                && j.participant().id().equals(a.self().id()), Duration.ofSeconds(15))).participant();
        alicesTile.video().setViewport(320, 180);
        awaitTrue(() -> Math.abs(alicesTile.audioLevel() - 0.775) < 0.04, "alice's tone at bob");
        awaitTrue(() -> rendition(alicesTile) != null, "alice's video at bob");

        // another microphone and another camera (fresh sources: the only ones on a machine without devices)
        a.switchMicrophone(DeviceChoice.TEST_TONE);
        a.switchCamera(DeviceChoice.TEST_PATTERN);
        aLog.await(e -> e instanceof RoomUpdate.Notice n && !n.error() && n.message().startsWith("Microphone: now using"),
                Duration.ofSeconds(5));
        aLog.await(e -> e instanceof RoomUpdate.Notice n && !n.error() && n.message().startsWith("Camera: now using"),
                Duration.ofSeconds(5));
        // bob keeps hearing and seeing alice through the same subscription: no gap in the tone, frames keep coming
        long until = System.nanoTime() + 2_000_000_000L;
        double quietest = 1;
        int frames = 0;
        while (System.nanoTime() < until) {
            quietest = Math.min(quietest, alicesTile.audioLevel());
            BgraFrame f = alicesTile.video().poll();
            if (f != null) {
                frames++;
                f.close();
            }
            Thread.sleep(20);
        }
        System.out.printf("after the switch: quietest level at bob %.3f, %d frames in 2 s%n", quietest, frames);
        assertThat(quietest).as("the tone never stopped at bob").isGreaterThan(0.7);
        assertThat(frames).as("video frames after the switch").isGreaterThan(10);
        assertThat(bLog.events).as("no leave or rejoin at bob").noneMatch(e -> e instanceof RoomUpdate.ParticipantLeft)
                .filteredOn(e -> e instanceof RoomUpdate.ParticipantJoined).hasSize(1);

        // a camera that is not there: refused with the reason, the call goes on with the camera in use
        assertThatThrownBy(() -> a.switchCamera(new DeviceChoice("camera:/dev/video9", "Gone", false)))
                .isInstanceOf(ServiceException.class).hasMessageContaining("/dev/video9");
        int before = frames;
        awaitTrue(() -> {
            BgraFrame f = alicesTile.video().poll();
            if (f != null) {
                f.close();
            }
            return f != null;
        }, "frames after the refused switch (" + before + " before)");
    }

    private static boolean runs(Runnable r) {
        r.run();
        return true;
    }

    /** The rendition being decoded, polling frames as a renderer would (switches happen on decode). */
    private static String rendition(Participant tile) {
        BgraFrame f = tile.video().poll();
        if (f != null) {
            f.close();
        }
        var render = tile.stats().sample().render();
        return render == null ? null : render.rendition();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (c.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not reached within 15 s: " + what);
    }

    /** Starts {@code main} with {@code args} in another JVM on this class path (killed after the test). */
    private Process startChild(Class<?> main, int heapMb, String... args) throws java.io.IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx" + heapMb + "m",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        closeables.add(child::destroyForcibly);
        return child;
    }

    /** The id a child prints on its {@code READY <id>} line; null if it ends or takes longer than {@code timeout}. */
    private static String readyId(Process child, Duration timeout) throws Exception {
        var out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()));
        var ready = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("READY ")) {
                        return line.substring(6).strip();
                    }
                }
                return null;
            } catch (java.io.IOException e) {
                return null;
            }
        });
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return null;
        }
    }

    @Test
    void aRoomCreatedThroughAMediaRelayShowsItsModeAndRelayedTilesWithVideo() throws Exception {
        dev.parley.net.quic.Endpoint relayEndpoint = dev.parley.net.quic.Endpoint.bind(
                EndpointConfig.loopback(dev.parley.net.identity.Identity.generate()));
        closeables.add(relayEndpoint);
        var relay = new dev.parley.net.moq.relay.MoqRelay(new dev.parley.net.moq.relay.JwtScopeResolver(java.util.Optional.empty(),
                List.of(new dev.parley.net.moq.relay.JwtScopeResolver.PublicPrefix(
                        dev.parley.net.moq.relay.ScopePath.parse("/parley/rooms"), dev.parley.net.moq.relay.Permission.READ_WRITE)),
                java.time.Clock.systemUTC())).attach(relayEndpoint);
        closeables.add(relay);
        var ws = relay.listenWebSocket(new java.net.InetSocketAddress("127.0.0.1", 0), java.util.Optional.empty());
        String url = "http://127.0.0.1:" + ws.getPort() + "/";

        RoomSession a = open(service(configA).create(new JoinRequest("alice", SourceSelection.testSources(), null, url, "relay")));
        assertThat(a.mode()).isEqualTo("Relay 127.0.0.1:" + ws.getPort());
        Log aLog = new Log();
        a.subscribe(aLog.events::add);
        RoomSession b = open(service(configB).join(a.ticket(), new JoinRequest("bob", SourceSelection.testSources())));
        assertThat(b.mode()).as("the ticket carried the relay and the mode").startsWith("Relay ");

        Duration join = Duration.ofSeconds(15);
        var bob = (RoomUpdate.ParticipantJoined) aLog.await(e -> e instanceof RoomUpdate.ParticipantJoined j
                && j.participant().id().equals(b.self().id()), join);
        aLog.await(e -> e instanceof RoomUpdate.ParticipantRoute r && r.id().equals(b.self().id()) && r.viaRelay(), join);
        assertThat(bob.participant().viaRelay()).isTrue();
        awaitTrue(() -> "bob".equals(bob.participant().displayName()), "bob's name arrives through his room feed");
        bob.participant().video().setViewport(320, 180);
        BgraFrame frame = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (frame == null && System.nanoTime() < deadline) {
            frame = bob.participant().video().poll();
            if (frame == null) {
                Thread.sleep(20);
            }
        }
        assertThat(frame).as("a decoded frame from bob through the relay").isNotNull();
        frame.close();
        assertThatThrownBy(() -> service(configA).create(new JoinRequest("x", SourceSelection.testSources(), null, "ftp://x/", "relay")).join())
                .cause().isInstanceOf(ServiceException.class).hasMessageContaining("The media relay");
    }
}
