package dev.parley.app.wiring;

import dev.parley.app.service.CallService;
import dev.parley.app.service.DeviceChoice;
import dev.parley.app.service.JoinRequest;
import dev.parley.app.service.RoomSession;
import dev.parley.app.service.ServiceException;
import dev.parley.app.service.SourceSelection;
import dev.parley.app.service.TicketCheck;
import dev.parley.media.MediaException;
import dev.parley.media.publish.LocalMedia;
import dev.parley.media.publish.PublishOptions;
import dev.parley.media.source.AudioSource;
import dev.parley.media.source.DeviceKind;
import dev.parley.media.source.GrabberVideoSource;
import dev.parley.media.source.MicrophoneSource;
import dev.parley.media.source.TestPatternSource;
import dev.parley.media.source.TestToneSource;
import dev.parley.media.source.VideoSource;
import dev.parley.media.voice.VoiceProcessing;
import dev.parley.media.watch.WatchOptions;
import dev.parley.media.watch.WatchWarmUp;
import dev.parley.net.identity.Identity;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.net.ticket.TicketException;
import dev.parley.rooms.JoinedRoom;
import dev.parley.rooms.RoomOptions;
import dev.parley.rooms.ticket.RoomMode;
import dev.parley.rooms.ticket.RoomTicket;
import dev.parley.net.moq.session.MoqRelayUrl;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The call service over the rooms, net and media modules: each room gets its own QUIC endpoint (with a
 * short idle timeout, so a crashed peer is gone within seconds), the user's identity, a
 * {@link LocalMedia} broadcast published as {@value #CAMERA} and a {@link dev.parley.media.watch.RemoteMedia}
 * for every remote broadcast the room subscribes to. Joining blocks (bind, bootstrap, publish), so it
 * runs on this service's own threads, never the caller's.
 */
public final class RoomsCallService implements CallService {
    /** Broadcast names this app publishes in a room. */
    public static final String CAMERA = "camera";
    static final String SCREEN = "screen";
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(3);
    static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    /**
     * What a room runs on.
     *
     * @param identity  the user's identity (read once per room)
     * @param endpoint  endpoint settings for an identity
     * @param publish   renditions and encoder of the local broadcast
     * @param watch     how remote broadcasts are watched
     * @param room      adjusts the room options for the bound endpoint (reconnect timing, an advertised
     *                  address); identity by default
     */
    public record Config(Supplier<Identity> identity, Function<Identity, EndpointConfig> endpoint,
                         PublishOptions publish, WatchOptions watch, BiFunction<Endpoint, RoomOptions, RoomOptions> room) {
        public Config(Supplier<Identity> identity, Function<Identity, EndpointConfig> endpoint,
                      PublishOptions publish, WatchOptions watch) {
            this(identity, endpoint, publish, watch, (e, o) -> o);
        }

        /** The user's default profile, all interfaces, default renditions, speaker output. */
        public static Config defaults() {
            return forProfile(null);
        }

        /** Like {@link #defaults()} with the identity of {@code profile} ({@code null}: the default one). */
        public static Config forProfile(String profile) {
            return new Config(() -> ProfileIdentity.load(profile),
                    id -> EndpointConfig.of(id).withIdleTimeout(IDLE_TIMEOUT),
                    PublishOptions.defaults(), WatchOptions.defaults());
        }
    }

    private final Config config;
    private final int demoPeers;
    private final ExitLeaver exitLeaver = new ExitLeaver();
    private final ExecutorService executor = Executors.newCachedThreadPool(
            r -> Thread.ofPlatform().name("parley-call-", 0).daemon().unstarted(r));

    public RoomsCallService(Config config) {
        this(config, 0);
    }

    /**
     * @param demoPeers number of {@link DemoPeers} to add to every room this service opens (0 for none);
     *                  they leave when the room's session closes
     */
    public RoomsCallService(Config config, int demoPeers) {
        if (demoPeers < 0 || demoPeers > DemoPeers.MAX) {
            throw new IllegalArgumentException("demo peers must be between 0 and " + DemoPeers.MAX + ", got " + demoPeers);
        }
        this.config = config;
        this.demoPeers = demoPeers;
    }

    public RoomsCallService() {
        this(Config.defaults());
    }

    @Override
    public TicketCheck check(String ticket) {
        try {
            return new TicketCheck.Valid(RoomTicket.parse(ticket).toString());
        } catch (TicketException e) {
            return new TicketCheck.Invalid(e.getMessage());
        }
    }

    @Override
    public CompletableFuture<RoomSession> create(JoinRequest request) {
        RoomTicket ticket;
        try {
            if (request.moqRelay() == null || request.moqRelay().isBlank()) {
                ticket = RoomTicket.generate();
            } else {
                MoqRelayUrl.parse(request.moqRelay()); // a clear error now rather than a failed join
                ticket = RoomTicket.generate(request.mode() == null ? RoomMode.RELAY : RoomMode.parse(request.mode()),
                        request.moqRelay().strip());
            }
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new ServiceException("The media relay: " + e.getMessage(), e));
        }
        return CompletableFuture.supplyAsync(() -> open(ticket, request), executor);
    }

    @Override
    public CompletableFuture<RoomSession> join(String ticket, JoinRequest request) {
        RoomTicket parsed;
        try {
            parsed = RoomTicket.parse(ticket);
        } catch (TicketException e) {
            return CompletableFuture.failedFuture(new ServiceException(e.getMessage(), e));
        }
        return CompletableFuture.supplyAsync(() -> open(parsed, request), executor);
    }

    /** Binds, joins and publishes; on any failure everything opened so far is closed again. */
    private RoomSession open(RoomTicket ticket, JoinRequest request) {
        Endpoint endpoint = null;
        JoinedRoom room = null;
        LocalMedia media = null;
        WatchWarmUp.start(); // the first peer's catalog and frames then meet a warm parser and decoder
        try {
            EndpointConfig ec = config.endpoint().apply(config.identity().get());
            if (request.relay() != null) { // the home relay from the settings; mDNS comes with it, as on the CLI
                ec = ec.withRelay(request.relay()).withMdns(true);
            }
            endpoint = Endpoint.bind(ec);
            media = localMedia(request.sources());
            media.setUserName(request.displayName()); // hang players and the relay's room page show it
            room = JoinedRoom.join(endpoint, ticket,
                    config.room().apply(endpoint, RoomOptions.defaults().withDisplayName(request.displayName())));
            room.handle().publish(CAMERA, media.broadcast()).get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            RoomsSession session = new RoomsSession(endpoint, room, media, request, config.watch(), executor);
            if (demoPeers > 0) {
                session.closeWith(DemoPeers.start(room.ticket(), config.endpoint(), room.me(), demoPeers));
            }
            session.closeWith(exitLeaver.cover(session)); // a SIGTERM still leaves cleanly
            return session;
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            closeQuietly(room, media, endpoint);
            throw new CompletionException(new ServiceException(message(e), e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(room, media, endpoint);
            throw new CompletionException(new ServiceException("Joining the room was interrupted.", e));
        }
    }

    private static String message(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof ServiceException) {
            return t.getMessage();
        }
        if (t instanceof TimeoutException) {
            return "The room did not answer in time.";
        }
        return "Could not join the room: " + t.getMessage();
    }

    private static void closeQuietly(JoinedRoom room, LocalMedia media, Endpoint endpoint) {
        if (room != null) {
            room.close();
        }
        if (media != null) {
            media.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
    }

    /** The capture source of a camera choice: the test pattern or a device (opened on first use). */
    static VideoSource videoFor(DeviceChoice camera) {
        return camera.equals(DeviceChoice.TEST_PATTERN)
                ? new TestPatternSource(640, 360, MediaDeviceService.CAPTURE_FPS)
                : GrabberVideoSource.camera(MediaDeviceService.mediaId(DeviceKind.CAMERA, camera),
                        1280, 720, MediaDeviceService.CAPTURE_FPS);
    }

    /** The capture source of a microphone choice: the test tone, or a device with echo cancellation. */
    static AudioSource audioFor(DeviceChoice microphone) {
        return microphone.equals(DeviceChoice.TEST_TONE)
                ? new TestToneSource()
                : VoiceProcessing.shared().process(
                        MicrophoneSource.open(MediaDeviceService.mediaId(DeviceKind.MICROPHONE, microphone)));
    }

    /** The local broadcast from the chosen sources; "off" becomes a test source that starts switched off. */
    private LocalMedia localMedia(SourceSelection sources) {
        VideoSource video = null;
        AudioSource audio = null;
        try {
            boolean cameraOff = sources.camera().equals(DeviceChoice.OFF);
            boolean micOff = sources.microphone().equals(DeviceChoice.OFF);
            video = cameraOff ? videoFor(DeviceChoice.TEST_PATTERN) : videoFor(sources.camera());
            audio = micOff ? audioFor(DeviceChoice.TEST_TONE) : audioFor(sources.microphone());
            LocalMedia media = LocalMedia.withSources(video, audio, config.publish());
            media.setCameraOn(!cameraOff);
            media.setMicOn(!micOff);
            return media;
        } catch (MediaException | IllegalStateException e) {
            if (video != null) {
                video.close();
            }
            if (audio != null) {
                audio.close();
            }
            throw new ServiceException(e.getMessage(), e);
        }
    }
}
