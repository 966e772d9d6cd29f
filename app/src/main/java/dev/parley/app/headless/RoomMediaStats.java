package dev.parley.app.headless;

import dev.parley.app.cli.Terminal;
import dev.parley.app.wiring.RoomsCallService;
import dev.parley.media.codec.VideoPreset;
import dev.parley.media.playout.NullAudioSink;
import dev.parley.media.stats.WatchStats;
import dev.parley.media.watch.RemoteMedia;
import dev.parley.media.watch.RenditionChoice;
import dev.parley.media.watch.WatchOptions;
import dev.parley.net.identity.EndpointId;
import dev.parley.net.transport.PathInfo;
import dev.parley.rooms.RoomEvent;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@code parley room --headless --media-stats}: decodes every other participant's camera broadcast (its
 * smallest rendition, audio into a null sink) and prints, once a second per peer,
 * {@code {"event":"media","peer":HEX,"fps":…,"frames":…,"audio":…,"audioPlayed":…,"path":…,"ms":…}}, and
 * {@code {"event":"resumed","peer":HEX,"gapMs":…}} when that peer's frames come back after a pause of
 * {@value WatchRunner#GAP_MS} ms or more. So a script (the network lab) sees that video and audio arrive
 * in both directions, and over which path. One virtual thread per watched peer; each frame is taken and
 * dropped at once, as the headless watcher does.
 */
final class RoomMediaStats implements AutoCloseable {
    private final Terminal terminal;
    private final long joinStart;
    private final Function<EndpointId, PathInfo> paths;
    private final Map<EndpointId, Watcher> watching = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param paths the path to a peer now (null when unknown) */
    RoomMediaStats(Terminal terminal, long joinStart, Function<EndpointId, PathInfo> paths) {
        this.terminal = terminal;
        this.joinStart = joinStart;
        this.paths = paths;
    }

    /** Follows the room: starts watching a peer's camera when it is subscribed, stops when it ends. */
    void onEvent(RoomEvent event) {
        if (closed) {
            return;
        }
        switch (event) {
            case RoomEvent.BroadcastSubscribed s when RoomsCallService.CAMERA.equals(s.name()) -> {
                RemoteMedia media = new RemoteMedia(s.broadcast(), WatchOptions.defaults()
                        .withChoice(RenditionChoice.named(VideoPreset.P180.trackName()))
                        .withAudioSink(new NullAudioSink()));
                stop(watching.put(s.peer(), new Watcher(s.peer(), media)));
            }
            case RoomEvent.BroadcastEnded e when RoomsCallService.CAMERA.equals(e.name()) -> stop(watching.remove(e.peer()));
            case RoomEvent.PeerLeft l -> stop(watching.remove(l.peer()));
            default -> { }
        }
    }

    private static void stop(Watcher w) {
        if (w != null) {
            w.stop();
        }
    }

    @Override
    public void close() {
        closed = true;
        watching.values().forEach(Watcher::stop);
        watching.clear();
    }

    private void print(String line) {
        synchronized (terminal) {
            terminal.out().println(line);
            terminal.out().flush();
        }
    }

    private long ms() {
        return (System.nanoTime() - joinStart) / 1_000_000;
    }

    /** Takes one peer's frames and reports them each second. */
    private final class Watcher {
        private final EndpointId peer;
        private final RemoteMedia media;
        private final Thread thread;
        private volatile boolean stopped;

        Watcher(EndpointId peer, RemoteMedia media) {
            this.peer = peer;
            this.media = media;
            this.thread = Thread.ofVirtual().name("room-media-" + peer.shortHex()).start(this::run);
        }

        private void run() {
            long frames = 0;
            long reported = 0;
            long lastFrame = 0;
            long nextReport = System.nanoTime() + 1_000_000_000L;
            try {
                while (!stopped) {
                    var frame = media.takeFrame(Duration.ofMillis(100));
                    long now = System.nanoTime();
                    if (frame != null) {
                        frame.close();
                        if (frames++ > 0 && now - lastFrame >= WatchRunner.GAP_MS * 1_000_000) {
                            print("{\"event\":\"resumed\",\"peer\":\"" + peer.hex() + "\",\"gapMs\":"
                                    + (now - lastFrame) / 1_000_000 + ",\"ms\":" + ms() + "}");
                        }
                        lastFrame = now;
                    }
                    if (now >= nextReport) {
                        double secs = (now - nextReport + 1_000_000_000L) / 1e9;
                        WatchStats s = media.stats();
                        PathInfo path = paths.apply(peer);
                        print(String.format(Locale.ROOT, "{\"event\":\"media\",\"peer\":\"%s\",\"fps\":%.1f,\"frames\":%d,"
                                        + "\"rendition\":%s,\"audio\":%s,\"audioPlayed\":%d,\"path\":\"%s\",\"ms\":%d}",
                                peer.hex(), (frames - reported) / secs, frames,
                                s.rendition() == null ? "null" : "\"" + s.rendition() + "\"",
                                s.audioBufferMillis() > 0 || s.audioConcealed() > 0, s.audioPlayed(),
                                path == null ? "unknown" : path.describe(), ms()));
                        reported = frames;
                        nextReport = now + 1_000_000_000L;
                    }
                }
            } catch (RuntimeException e) {
                if (!stopped) {
                    terminal.err().println("parley room: stopped watching " + peer.shortHex() + ": " + e.getMessage());
                    terminal.err().flush();
                }
            }
        }

        void stop() {
            stopped = true;
            try {
                thread.join(Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            media.close();
        }
    }
}
