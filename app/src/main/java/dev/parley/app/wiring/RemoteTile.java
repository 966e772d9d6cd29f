package dev.parley.app.wiring;

import dev.parley.app.service.BgraFrame;
import dev.parley.app.service.ConnectionState;
import dev.parley.app.service.Participant;
import dev.parley.app.service.StatsSnapshot;
import dev.parley.app.service.StatsSource;
import dev.parley.app.service.VideoFeed;
import dev.parley.media.adapt.LinkSample;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.hang.Catalog;
import dev.parley.media.stats.WatchStats;
import dev.parley.media.watch.RemoteMedia;
import dev.parley.media.watch.RenditionChoice;
import dev.parley.net.transport.PathStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One remote tile: a peer's camera (or screen) broadcast watched through a {@link RemoteMedia}, which
 * arrives after the peer itself. Thread-safe: the UI polls it, the room pump attaches media, the stats
 * timer feeds path samples.
 */
final class RemoteTile implements Participant {
    static final String AUTO = "auto";

    private final String id;
    private volatile String displayName;
    private volatile RemoteMedia media;
    /** The path samples feeding {@link #media}; closed with it. */
    private AutoCloseable link;
    private volatile PathStats earlier;
    private volatile PathStats later;
    private volatile StatsSnapshot.Net net;
    /** The user's rendition choice, and whether the tile is hidden (which forces the lowest). */
    private String chosen = AUTO;
    private boolean hidden;
    private final VideoFeed feed = new Feed();
    /** The last media state reported, as read from the catalog; null before the first catalog. */
    private MediaState reported;
    /** The peer's media link as the room reports it (room pump thread writes). */
    private volatile ConnectionState connection = ConnectionState.CONNECTING;
    private volatile boolean viaRelay;

    /** Whether the peer publishes audio and video right now (its toggles empty the catalog's sections). */
    record MediaState(boolean muted, boolean cameraOn) {
        /** What a tile shows before the first catalog: unmuted, camera on. */
        static final MediaState UNKNOWN = new MediaState(false, true);
    }

    RemoteTile(String id, String displayName) {
        this.id = id;
        this.displayName = displayName;
    }

    void rename(String name) {
        displayName = name;
    }

    /** Attaches the peer's broadcast, closing any previous one. */
    synchronized void attach(RemoteMedia m) {
        attach(m, null);
    }

    /**
     * Shows {@code m}, fed by {@code link} (the handle of its connection's path samples, which call
     * {@link #onPath}; closed with the media, null when none).
     */
    synchronized void attach(RemoteMedia m, AutoCloseable link) {
        RemoteMedia old = media;
        AutoCloseable oldLink = this.link;
        media = m;
        this.link = link;
        apply();
        closeQuietly(oldLink);
        if (old != null) {
            old.close();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // a path-stats listener handle: nothing to clean up beyond it
        }
    }

    /** Records this peer's received media into {@code file}; false when nothing is attached to record. */
    boolean startRecording(java.nio.file.Path file) {
        RemoteMedia m = media;
        if (m == null) {
            return false;
        }
        m.startRecording(file);
        return true;
    }

    /** Finishes this peer's recording; returns the file, or null if none was written. */
    java.nio.file.Path stopRecording() {
        RemoteMedia m = media;
        return m == null ? null : m.stopRecording();
    }

    /** Detaches and closes the broadcast (it ended); the tile stays. */
    void detach() {
        RemoteMedia old;
        AutoCloseable oldLink;
        synchronized (this) {
            old = media;
            media = null;
            oldLink = link;
            link = null;
        }
        closeQuietly(oldLink);
        if (old != null) {
            old.close();
        }
    }

    ConnectionState connection() {
        return connection;
    }

    /** Records the link state; returns the media state to report with it (the last known one). */
    @Override
    public boolean viaRelay() {
        return viaRelay;
    }

    void setViaRelay(boolean on) {
        viaRelay = on;
    }

    synchronized MediaState setConnection(ConnectionState state) {
        connection = state;
        return reported != null ? reported : MediaState.UNKNOWN;
    }

    /** A new link sample of this peer's connection (a transport thread: must not block); adaptive watching acts on it. */
    void onPath(LinkSample link) {
        RemoteMedia m = media;
        if (m != null) {
            m.onLink(link);
        }
        PathStats sample = link.path();
        PathStats prev = later;
        if (prev != null && prev.at().isBefore(sample.at())) {
            earlier = prev;
        }
        later = sample;
        PathStats e = earlier;
        net = e == null ? null : StatsSnapshot.Net.between(e, sample);
    }

    /**
     * The media state if it changed since the last call (stats timer thread), else null. A missing
     * broadcast or catalog reports nothing: it says nothing about the toggles yet.
     */
    synchronized MediaState mediaStateChange() {
        RemoteMedia m = media;
        if (m == null || !m.hasCatalog()) {
            return null;
        }
        Catalog c = m.catalog();
        MediaState now = new MediaState(c.audioRenditions().isEmpty(), !c.videoRenditions().isEmpty());
        if (now.equals(reported)) {
            return null;
        }
        reported = now;
        return now;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String displayName() {
        return displayName;
    }

    @Override
    public boolean isLocal() {
        return false;
    }

    @Override
    public VideoFeed video() {
        return feed;
    }

    @Override
    public StatsSource stats() {
        return this::sample;
    }

    private StatsSnapshot sample() {
        RemoteMedia m = media;
        if (m == null) {
            return new StatsSnapshot(net, null, null, null);
        }
        WatchStats w = m.stats();
        return new StatsSnapshot(net,
                null,
                new StatsSnapshot.Render(w.decoder(), w.rendition(), w.decodeFps(), w.decodeMillis()),
                new StatsSnapshot.Time(w.latencyMillis(), -w.avOffsetMillis(), w.audioBufferMillis(), w.audioTargetMillis()));
    }

    @Override
    public double audioLevel() {
        RemoteMedia m = media;
        return m == null ? 0 : LevelScale.of(m.audioLevel());
    }

    @Override
    public List<String> renditions() {
        RemoteMedia m = media;
        Catalog c = m == null ? null : m.catalog();
        if (c == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, ?> e : RenditionChoice.ranked(c.videoRenditions())) {
            names.add(e.getKey());
        }
        return List.copyOf(names.reversed());
    }

    @Override
    public synchronized void chooseRendition(String rendition) {
        chosen = rendition == null || rendition.isBlank() ? AUTO : rendition;
        apply();
    }

    private synchronized void setHidden(boolean h) {
        if (h != hidden) {
            hidden = h;
            apply();
        }
    }

    private void apply() {
        RemoteMedia m = media;
        if (m == null) {
            return;
        }
        m.choose(hidden ? RenditionChoice.of(RenditionChoice.Quality.LOW)
                : AUTO.equals(chosen) ? RenditionChoice.auto() : RenditionChoice.named(chosen));
    }

    /** Latest decoded frame of the attached broadcast. */
    private final class Feed implements VideoFeed {
        @Override
        public BgraFrame poll() {
            RemoteMedia m = media;
            VideoFrame f = m == null ? null : m.pollFrame();
            return f == null ? null : new BgraFrame(f.data(), f.width(), f.height(), f.width() * 4, f::close);
        }

        @Override
        public void setViewport(int width, int height) {
            setHidden(width <= 0 || height <= 0);
        }
    }

    void close() {
        detach();
    }
}
