package dev.parley.app.wiring;

import dev.parley.media.codec.VideoPreset;
import dev.parley.media.publish.LocalMedia;
import dev.parley.media.publish.PublishOptions;
import dev.parley.media.source.TestPatternSource;
import dev.parley.media.source.TestToneSource;
import dev.parley.media.watch.RemoteMedia;
import dev.parley.media.watch.RenditionChoice;
import dev.parley.media.watch.WatchOptions;
import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.rooms.JoinedRoom;
import dev.parley.rooms.RoomEvent;
import dev.parley.rooms.RoomOptions;
import dev.parley.rooms.ticket.RoomTicket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated participants for {@code parley room --demo-peers N}, in the window and headless alike, so
 * a new user sees a working call on one machine. Each demo peer is a full participant of its own: a
 * fresh identity and QUIC endpoint, a test pattern and a tone of its own pitch published as
 * {@value RoomsCallService#CAMERA} (the smallest rendition only, as they share this machine's CPU), and
 * a distinct name. It greets the host in the chat once it sees the host, and watches the host's camera
 * (without sound) the way a real peer would, so the host's encoders run and its CAPTURE statistics are
 * real: the first demo peer at the middle quality, the others at the lowest. They take turns talking
 * (each one's tone sounds for {@value #TURN_SECONDS} s while the others are silent), so the
 * active-speaker highlight moves around as in a real call.
 * <p>
 * {@link #start} returns at once; the peers join one after the other on a background thread (a
 * failure is logged and skips that peer). {@link #close()} stops the joining and leaves with every
 * peer in parallel, so the others see them go at once.
 */
public final class DemoPeers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoPeers.class);
    /** At most this many demo peers; each one costs an encoder and a decoder. */
    public static final int MAX = 8;
    private static final List<String> NAMES =
            List.of("Ada", "Grace", "Linus", "Margaret", "Alan", "Barbara", "Dennis", "Frances");
    private static final long LEAVE_SECONDS = 5;
    static final long TURN_SECONDS = 4;
    private static final double TONE_AMPLITUDE = 0.08;

    private final RoomTicket ticket;
    private final Function<Identity, EndpointConfig> endpoint;
    private final EndpointId host;
    private final int count;
    private final List<Peer> peers = new CopyOnWriteArrayList<>();
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile boolean closed;
    private Thread starter;
    private Thread talker;

    private DemoPeers(RoomTicket ticket, Function<Identity, EndpointConfig> endpoint, EndpointId host, int count) {
        this.ticket = ticket;
        this.endpoint = endpoint;
        this.host = host;
        this.count = count;
    }

    /**
     * Starts joining {@code count} demo peers to the room of {@code ticket} in the background.
     *
     * @param endpoint endpoint settings for a demo peer's fresh identity (a short idle timeout is good)
     * @param host     the participant the demo peers greet and watch (the user), or {@code null} for none
     */
    public static DemoPeers start(RoomTicket ticket, Function<Identity, EndpointConfig> endpoint, EndpointId host,
                                  int count) {
        if (count < 0 || count > MAX) {
            throw new IllegalArgumentException("demo peers must be between 0 and " + MAX + ", got " + count);
        }
        DemoPeers d = new DemoPeers(ticket, endpoint, host, count);
        d.starter = Thread.ofVirtual().name("demo-peers-start").start(d::joinAll);
        d.talker = Thread.ofVirtual().name("demo-peers-talk").start(d::takeTurns);
        return d;
    }

    /** The display name of the {@code index}-th demo peer (0-based). */
    public static String name(int index) {
        return NAMES.get(index % NAMES.size()) + " (demo)";
    }

    private void joinAll() {
        try {
            for (int i = 0; i < count && !closed; i++) {
                try {
                    Peer p = Peer.join(endpoint.apply(Identity.generate()), ticket, name(i), 220 * (i + 2), i == 0 ? RenditionChoice.Quality.MID
                            : RenditionChoice.Quality.LOW, host);
                    peers.add(p);
                    if (closed) {
                        break; // close() may have missed this one; it is closed below
                    }
                } catch (RuntimeException e) {
                    LOG.warn("demo peer {} could not join: {}", name(i), e.getMessage());
                }
            }
        } finally {
            started.countDown();
        }
    }

    /** One demo peer talks at a time, in join order, until closed. */
    private void takeTurns() {
        try {
            for (long turn = 0; !closed; turn++) {
                List<Peer> now = List.copyOf(peers);
                for (int i = 0; i < now.size(); i++) {
                    now.get(i).tone.setAmplitude(i == turn % now.size() ? TONE_AMPLITUDE : 0);
                }
                Thread.sleep(Duration.ofSeconds(TURN_SECONDS));
            }
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until every demo peer has joined (or failed to); true when that happened in time. */
    public boolean awaitStarted(Duration timeout) throws InterruptedException {
        return started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The endpoint ids of the demo peers that have joined so far. */
    public List<EndpointId> ids() {
        return peers.stream().map(p -> p.room.me()).toList();
    }

    /** Leaves with every demo peer (in parallel) and frees their endpoints. Idempotent. */
    @Override
    public void close() {
        closed = true;
        talker.interrupt();
        try {
            started.await(30, TimeUnit.SECONDS); // a join in progress finishes (bounded by its own timeouts)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<CompletableFuture<Void>> leaving = new ArrayList<>();
        for (Peer p : peers) {
            leaving.add(CompletableFuture.runAsync(p::close, r -> Thread.ofVirtual().name("demo-peer-leave").start(r)));
        }
        peers.clear();
        try {
            CompletableFuture.allOf(leaving.toArray(CompletableFuture[]::new)).get(LEAVE_SECONDS + 2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.debug("demo peers did not all leave cleanly: {}", e.toString());
        }
    }

    /** One demo participant and the thread that follows its room events. */
    private static final class Peer {
        private final Endpoint endpoint;
        private final LocalMedia media;
        private final TestToneSource tone;
        private final JoinedRoom room;
        private final String name;
        private final RenditionChoice.Quality watchQuality;
        private final EndpointId host;
        private final Thread events;
        private volatile boolean closing;
        /** The host's camera as this peer watches it; only the events thread writes it. */
        private volatile RemoteMedia watching;
        private boolean greeted;

        private Peer(Endpoint endpoint, LocalMedia media, TestToneSource tone, JoinedRoom room, String name,
                     RenditionChoice.Quality watchQuality, EndpointId host) {
            this.endpoint = endpoint;
            this.media = media;
            this.tone = tone;
            this.room = room;
            this.name = name;
            this.watchQuality = watchQuality;
            this.host = host;
            this.events = Thread.ofVirtual().name("demo-peer-events-" + room.me().shortHex()).start(this::follow);
        }

        static Peer join(EndpointConfig config, RoomTicket ticket, String name, double toneHz,
                         RenditionChoice.Quality watch, EndpointId host) {
            Endpoint endpoint = Endpoint.bind(config);
            LocalMedia media = null;
            JoinedRoom room = null;
            try {
                VideoPreset preset = VideoPreset.P180;
                TestToneSource tone = new TestToneSource(toneHz, 0); // silent until its turn
                media = LocalMedia.withSources(new TestPatternSource(640, 360, 30), tone,
                        PublishOptions.defaults().withPresets(preset));
                media.setUserName(name);
                room = JoinedRoom.join(endpoint, ticket, RoomOptions.defaults().withDisplayName(name));
                room.handle().publish(RoomsCallService.CAMERA, media.broadcast())
                        .get(RoomsCallService.PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return new Peer(endpoint, media, tone, room, name, watch, host);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeAll(room, media, endpoint);
                throw new IllegalStateException("interrupted while joining", e);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
                closeAll(room, media, endpoint);
                throw new IllegalStateException(e.getCause() != null ? e.getCause().getMessage() : e.getMessage(), e);
            }
        }

        private void follow() {
            try {
                while (!closing) {
                    RoomEvent e = room.events().next(Duration.ofMillis(250));
                    if (e != null) {
                        handle(e);
                    }
                }
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("demo peer {} stopped following the room: {}", name, e.getMessage());
            }
        }

        private void handle(RoomEvent event) {
            switch (event) {
                case RoomEvent.PeerJoined j when j.peer().equals(host) && !greeted -> {
                    greeted = true;
                    room.handle().sendChat("Hi! I'm " + name.replace(" (demo)", "")
                            + ", a demo participant running on this machine.");
                }
                case RoomEvent.BroadcastSubscribed s when s.peer().equals(host)
                        && RoomsCallService.CAMERA.equals(s.name()) -> {
                    RemoteMedia old = watching;
                    watching = new RemoteMedia(s.broadcast(),
                            WatchOptions.defaults().withAudio(false).withChoice(RenditionChoice.of(watchQuality)));
                    if (old != null) {
                        old.close();
                    }
                }
                case RoomEvent.BroadcastEnded b when b.peer().equals(host) && RoomsCallService.CAMERA.equals(b.name()) ->
                        stopWatching();
                case RoomEvent.PeerLeft l when l.peer().equals(host) -> stopWatching();
                default -> { }
            }
        }

        private void stopWatching() {
            RemoteMedia old = watching;
            watching = null;
            if (old != null) {
                old.close();
            }
        }

        void close() {
            closing = true;
            events.interrupt();
            try {
                events.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopWatching();
            closeAll(room, media, endpoint);
        }

        private static void closeAll(JoinedRoom room, LocalMedia media, Endpoint endpoint) {
            if (room != null) {
                room.close(); // announces the leave, so the others drop the tile at once
            }
            if (media != null) {
                media.close();
            }
            endpoint.close();
        }
    }
}
