package dev.parley.app.wiring;

import dev.parley.app.service.ChatEntry;
import dev.parley.app.service.ChatService;
import dev.parley.app.service.ConnectionState;
import dev.parley.app.service.DeviceChoice;
import dev.parley.app.service.JoinRequest;
import dev.parley.app.service.Participant;
import dev.parley.app.service.RoomSession;
import dev.parley.app.service.RoomUpdate;
import dev.parley.app.service.Subscription;
import dev.parley.media.playout.SpeakerRoute;
import dev.parley.media.publish.LocalMedia;
import dev.parley.media.source.DeviceKind;
import dev.parley.media.voice.VoiceProcessing;
import dev.parley.media.watch.RemoteMedia;
import dev.parley.media.watch.WatchOptions;
import dev.parley.net.identity.EndpointId;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.quic.Endpoint;
import dev.parley.rooms.JoinedRoom;
import dev.parley.rooms.RoomEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room we are in, over a {@link JoinedRoom} (gossip, relay or hybrid): a pump thread turns room events
 * into the app's {@link RoomUpdate}s and tiles; each watched broadcast follows the path samples of the
 * connection its media comes over ({@link JoinedRoom#followPath}: the peer's own connection, or the relay
 * session for a relayed peer; the overlay and adaptive renditions), and a timer turns catalog changes into
 * media-state updates every 200 ms. Remote screen shares appear as extra tiles ({@code <peer>:screen}).
 */
final class RoomsSession implements RoomSession {
    private static final Logger LOG = LoggerFactory.getLogger(RoomsSession.class);
    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(2);

    private final Endpoint endpoint;
    private final JoinedRoom room;
    private final LocalMedia media;
    private final JoinRequest request;
    private final WatchOptions watch;
    private final Executor executor;
    private final SelfTile self;
    /** Tiles by app participant id; written by the pump thread under {@code this}. */
    private final Map<String, RemoteTile> tiles = new ConcurrentHashMap<>();
    private final List<Consumer<RoomUpdate>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<ChatEntry>> chatListeners = new CopyOnWriteArrayList<>();
    private final Thread pump;
    private final ScheduledExecutorService statsTimer;
    private final ChatService chat = new Chat();
    /** Things that live as long as this session (demo peers), closed before we leave. */
    private final List<AutoCloseable> companions = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    /** Where recordings go while recording, else null (written on the session executor). */
    private volatile java.nio.file.Path recordingDir;
    private final java.util.concurrent.atomic.AtomicInteger recordingFiles = new java.util.concurrent.atomic.AtomicInteger();

    RoomsSession(Endpoint endpoint, JoinedRoom room, LocalMedia media, JoinRequest request, WatchOptions watch,
                 Executor executor) {
        this.endpoint = endpoint;
        this.room = room;
        this.media = media;
        this.request = request;
        this.watch = watch;
        this.executor = executor;
        this.self = new SelfTile(room.me().hex(), request.displayName(), request.sources().camera().label(), media);
        String tag = room.me().shortHex();
        this.pump = Thread.ofPlatform().name("parley-room-events-" + tag).daemon().start(this::pumpEvents);
        this.statsTimer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("parley-room-stats-" + tag).daemon().unstarted(r));
        statsTimer.scheduleWithFixedDelay(this::pollMediaStates, 200, 200, TimeUnit.MILLISECONDS);
        companions.add(MediaLinks.governUplink(media, room::sendEstimates));
        // a device switched or unplugged mid-call: say so (a fallback as an error, it needs the user's eye)
        media.onDeviceChange(c -> {
            if (c.kind() == DeviceKind.CAMERA) {
                self.source(c.to());
            }
            if (!closed) {
                notice(c.message(), c.fallback());
            }
        });
        companions.add(SpeakerRoute.shared().onChange(c -> notice(c.message(), c.fallback())));
    }

    @Override
    public void switchCamera(DeviceChoice camera) {
        try {
            media.switchCamera(RoomsCallService.videoFor(camera));
            self.source(camera.label());
        } catch (dev.parley.media.MediaException | IllegalStateException e) {
            throw new dev.parley.app.service.ServiceException(e.getMessage(), e);
        }
    }

    @Override
    public void switchMicrophone(DeviceChoice microphone) {
        try {
            media.switchMicrophone(RoomsCallService.audioFor(microphone));
        } catch (dev.parley.media.MediaException | IllegalStateException e) {
            throw new dev.parley.app.service.ServiceException(e.getMessage(), e);
        }
    }

    @Override
    public void switchSpeaker(DeviceChoice speaker) {
        try {
            SpeakerRoute.shared().select(speaker.equals(DeviceChoice.DEFAULT_SPEAKER) ? null
                    : MediaDeviceService.mediaId(DeviceKind.SPEAKER, speaker));
        } catch (dev.parley.media.MediaException e) {
            throw new dev.parley.app.service.ServiceException(e.getMessage(), e);
        }
    }

    @Override
    public String ticket() {
        return room.ticket().toString();
    }

    @Override
    public String mode() {
        return switch (room.mode()) {
            case GOSSIP -> "Peer to peer";
            case RELAY -> "Relay " + relayHost();
            case HYBRID -> "Hybrid, relay " + relayHost();
        };
    }

    private String relayHost() {
        return room.ticket().moqRelay().map(u -> {
            java.net.URI uri = java.net.URI.create(u);
            return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        }).orElse("");
    }

    @Override
    public Participant self() {
        return self;
    }

    @Override
    public synchronized Subscription subscribe(Consumer<RoomUpdate> listener) {
        for (RemoteTile t : tiles.values()) {
            listener.accept(new RoomUpdate.ParticipantJoined(t));
        }
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public ChatService chat() {
        return chat;
    }

    @Override
    public void setMicMuted(boolean muted) {
        media.setMicOn(!muted);
    }

    @Override
    public void setCameraOn(boolean on) {
        media.setCameraOn(on);
    }

    @Override
    public void setEchoCancellation(boolean on) {
        // one microphone per process: the switch is process-wide and takes effect with the next 20 ms block
        VoiceProcessing.shared().setEnabled(on);
    }

    @Override
    public void setRecording(java.nio.file.Path dir) {
        executor.execute(() -> {
            if (dir != null && recordingDir == null) {
                try {
                    java.nio.file.Files.createDirectories(dir);
                } catch (java.io.IOException | RuntimeException e) {
                    notice("Cannot record into " + dir + ": " + e.getMessage(), true);
                    return;
                }
                recordingDir = dir;
                tiles.values().forEach(this::record);
                chat.send("\u23FA " + self.displayName() + " started recording this call");
                notice("Recording into " + dir, false);
            } else if (dir == null && recordingDir != null) {
                recordingDir = null;
                int files = 0;
                for (RemoteTile t : tiles.values()) {
                    try {
                        files += t.stopRecording() != null ? 1 : 0;
                    } catch (RuntimeException e) {
                        LOG.warn("finishing the recording of {} failed: {}", t.id(), e.getMessage());
                    }
                }
                chat.send("\u23F9 " + self.displayName() + " stopped recording");
                notice("Recording saved: " + files + " file(s)", false);
            }
        });
    }

    /** Starts recording a tile into a new file in the recording folder (if recording and it has media). */
    private void record(RemoteTile t) {
        java.nio.file.Path dir = recordingDir;
        if (dir == null) {
            return;
        }
        String name = t.displayName() == null ? t.id() : t.displayName();
        String safe = name.replaceAll("[^\\p{L}\\p{N}._-]+", "_");
        String stamp = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        java.nio.file.Path file = dir.resolve(stamp + "-" + safe + "-" + recordingFiles.incrementAndGet() + ".mp4");
        try {
            t.startRecording(file);
        } catch (RuntimeException e) {
            notice("Cannot record " + name + ": " + e.getMessage(), true);
        }
    }

    @Override
    public void setScreenSharing(boolean on) {
        executor.execute(() -> {
            try {
                if (on) {
                    DeviceChoice screen = request.sources().screen();
                    if (screen.equals(DeviceChoice.OFF)) {
                        notice("Choose a screen to share in the settings first.", true);
                        return;
                    }
                    BroadcastProducer b = media.startScreenShare(MediaDeviceService.mediaId(DeviceKind.SCREEN, screen));
                    room.handle().publish(RoomsCallService.SCREEN, b).join();
                } else {
                    room.handle().unpublish(RoomsCallService.SCREEN).join();
                    media.stopScreenShare();
                }
            } catch (RuntimeException e) {
                media.stopScreenShare();
                notice("Screen sharing failed: " + e.getMessage(), true);
            }
        });
    }

    private void notice(String message, boolean error) {
        emit(new RoomUpdate.Notice(message, error));
    }

    private void emit(RoomUpdate e) {
        for (Consumer<RoomUpdate> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException bad) {
                LOG.warn("room listener failed on {}", e, bad);
            }
        }
    }

    // ---- pump thread ---------------------------------------------------------------------------

    private void pumpEvents() {
        try {
            while (!closed) {
                RoomEvent e = room.events().next(Duration.ofMillis(250));
                if (e != null) {
                    synchronized (this) {
                        try {
                            handle(e);
                        } catch (RuntimeException bug) {
                            // one event's failure must not end the pump: every later join and leave would be lost
                            LOG.error("room event {} could not be handled", e, bug);
                        }
                    }
                }
            }
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(RoomEvent event) {
        switch (event) {
            case RoomEvent.PeerJoined j -> tile(j.peer(), j.displayName().orElse(null));
            case RoomEvent.PeerUpdated u -> u.state().displayName().ifPresent(n -> {
                RemoteTile t = tiles.get(u.peer().hex());
                if (t != null) {
                    t.rename(n);
                }
            });
            case RoomEvent.PeerLeft l -> {
                for (String id : List.of(screenId(l.peer()), l.peer().hex())) {
                    RemoteTile t = tiles.remove(id);
                    if (t != null) {
                        t.close();
                        emit(new RoomUpdate.ParticipantLeft(id));
                    }
                }
                if (l.reason() != RoomEvent.LeaveReason.LEFT) {
                    notice(nameOf(l.peer()) + " lost the connection.", false);
                }
            }
            case RoomEvent.BroadcastSubscribed s -> {
                RemoteTile t = switch (s.name()) {
                    case RoomsCallService.CAMERA -> tile(s.peer(), null);
                    case RoomsCallService.SCREEN -> screenTile(s.peer());
                    default -> null;
                };
                if (t != null) {
                    try {
                        RemoteTile tile = t;
                        RemoteMedia m = new RemoteMedia(s.broadcast(), watch);
                        // the connection's own samples, through the one channel (never sampled again here)
                        t.attach(m, room.followPath(s.peer(), (p, probe) -> tile.onPath(MediaLinks.sample(p, probe))).orElse(null));
                        record(t); // a peer who joins (or comes back) while recording is recorded too
                    } catch (dev.parley.net.moq.model.MoqException | IllegalStateException ended) {
                        // the broadcast ended (its peer left) between the event and here: BroadcastEnded follows
                        LOG.debug("{} ended before it could be watched: {}", s.name(), ended.getMessage());
                    }
                }
            }
            case RoomEvent.BroadcastEnded b -> {
                if (RoomsCallService.CAMERA.equals(b.name())) {
                    RemoteTile t = tiles.get(b.peer().hex());
                    if (t != null) {
                        t.detach();
                    }
                } else if (RoomsCallService.SCREEN.equals(b.name())) {
                    RemoteTile t = tiles.remove(screenId(b.peer()));
                    if (t != null) {
                        t.close();
                        emit(new RoomUpdate.ParticipantLeft(t.id()));
                    }
                }
            }
            case RoomEvent.PeerConnection c -> {
                ConnectionState state = connectionState(c.state());
                for (String id : List.of(c.peer().hex(), screenId(c.peer()))) {
                    RemoteTile t = tiles.get(id);
                    if (t != null) {
                        RemoteTile.MediaState m = t.setConnection(state);
                        emit(new RoomUpdate.ParticipantChanged(t.id(), m.muted(), m.cameraOn(), state));
                    }
                }
            }
            case RoomEvent.PeerRoute r -> {
                RemoteTile t = tiles.get(r.peer().hex()); // a route follows the join; a stray one changes nothing
                if (t != null) {
                    t.setViaRelay(r.viaRelay());
                    emit(new RoomUpdate.ParticipantRoute(t.id(), r.viaRelay()));
                }
            }
            case RoomEvent.RoomConnection r ->
                    emit(new RoomUpdate.SelfConnectionChanged(connectionState(r.state())));
            case RoomEvent.ChatReceived c -> deliver(new ChatEntry(c.message().from().hex(),
                    nameOf(c.message().from()), c.message().text(), c.message().at(), false));
        }
    }

    private static ConnectionState connectionState(dev.parley.rooms.LinkState link) {
        return switch (link) {
            case CONNECTING -> ConnectionState.CONNECTING;
            case CONNECTED -> ConnectionState.CONNECTED;
            case RECONNECTING -> ConnectionState.RECONNECTING;
        };
    }

    /** The peer's tile, created (and announced) on first sight. */
    private RemoteTile tile(EndpointId peer, String name) {
        RemoteTile t = tiles.get(peer.hex());
        if (t == null) {
            t = new RemoteTile(peer.hex(), name == null ? peer.shortHex() : name);
            tiles.put(t.id(), t);
            emit(new RoomUpdate.ParticipantJoined(t));
        } else if (name != null) {
            t.rename(name);
        }
        return t;
    }

    private RemoteTile screenTile(EndpointId peer) {
        String id = screenId(peer);
        RemoteTile t = tiles.get(id);
        if (t == null) {
            t = new RemoteTile(id, nameOf(peer) + " (screen)");
            t.setConnection(ConnectionState.CONNECTED); // a subscribed broadcast: the link is up
            tiles.put(id, t);
            emit(new RoomUpdate.ParticipantJoined(t));
        }
        return t;
    }

    private static String screenId(EndpointId peer) {
        return peer.hex() + ":screen";
    }

    private String nameOf(EndpointId peer) {
        RemoteTile t = tiles.get(peer.hex());
        return t == null ? peer.shortHex() : t.displayName();
    }

    private void deliver(ChatEntry m) {
        for (Consumer<ChatEntry> l : chatListeners) {
            try {
                l.accept(m);
            } catch (RuntimeException bad) {
                LOG.warn("chat listener failed", bad);
            }
        }
    }

    // ---- media-state timer ---------------------------------------------------------------------------

    private void pollMediaStates() {
        try {
            reportMediaStates();
        } catch (RuntimeException e) {
            LOG.debug("media state poll failed: {}", e.getMessage());
        }
    }

    /** Turns catalog changes (a peer muting or turning its camera off) into ParticipantChanged events. */
    private synchronized void reportMediaStates() {
        if (closed) {
            return;
        }
        for (RemoteTile t : tiles.values()) {
            RemoteTile.MediaState s = t.mediaStateChange();
            if (s != null) {
                emit(new RoomUpdate.ParticipantChanged(t.id(), s.muted(), s.cameraOn(), t.connection()));
            }
        }
    }

    // ---- close ---------------------------------------------------------------------------------

    /** Closes {@code companion} when this session closes (at once if it already has). */
    void closeWith(AutoCloseable companion) {
        companions.add(companion);
        if (closed && companions.remove(companion)) {
            closeQuietly(companion);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed", c, e);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (AutoCloseable c : companions) {
            if (companions.remove(c)) {
                closeQuietly(c);
            }
        }
        statsTimer.shutdownNow();
        try {
            room.handle().leave().get(LEAVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.debug("leave did not complete: {}", e.toString());
        }
        pump.interrupt();
        List<RemoteTile> all = new ArrayList<>(tiles.values());
        tiles.clear();
        all.forEach(RemoteTile::close);
        self.close();
        room.close();
        media.close();
        endpoint.close();
        listeners.clear();
        chatListeners.clear();
    }

    /** Chat over the room; our own lines are echoed locally once the room has sent them. */
    private final class Chat implements ChatService {
        @Override
        public void send(String text) {
            room.handle().sendChat(text).whenComplete((ok, err) -> {
                if (err == null) {
                    deliver(new ChatEntry(self.id(), self.displayName(), text, Instant.now(), true));
                } else {
                    Throwable cause = err.getCause() != null ? err.getCause() : err;
                    notice("Message not sent: " + cause.getMessage(), true);
                }
            });
        }

        @Override
        public Subscription subscribe(Consumer<ChatEntry> listener) {
            chatListeners.add(listener);
            return () -> chatListeners.remove(listener);
        }
    }
}
