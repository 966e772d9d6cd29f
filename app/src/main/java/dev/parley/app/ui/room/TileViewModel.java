package dev.parley.app.ui.room;

import dev.parley.app.service.ConnectionState;
import dev.parley.app.service.LinkQuality;
import dev.parley.app.service.Participant;
import dev.parley.app.service.StatsSnapshot;
import dev.parley.app.ui.stats.StatsSection;
import dev.parley.app.ui.stats.StatsViewModel;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;

/**
 * State of one participant tile: name, mute and camera flags, connection state, link quality dot,
 * speaking highlight, and its stats overlay. Lives on the UI thread.
 */
public final class TileViewModel {
    private final Participant participant;
    private final StatsViewModel stats;
    private final BooleanProperty muted = new SimpleBooleanProperty(false);
    private final BooleanProperty cameraOn = new SimpleBooleanProperty(true);
    private final ObjectProperty<ConnectionState> connection;
    private final ObjectProperty<LinkQuality> quality = new SimpleObjectProperty<>(LinkQuality.UNKNOWN);
    private final BooleanProperty speaking = new SimpleBooleanProperty(false);
    private final BooleanProperty viaRelay = new SimpleBooleanProperty(false);
    private final DoubleProperty level = new SimpleDoubleProperty(0);
    private final StringBinding connectionText;
    private boolean hidden;
    private int shownWidth;
    private int shownHeight;
    private long sentViewport = -1;

    public TileViewModel(Participant participant) {
        this.participant = participant;
        this.stats = new StatsViewModel(participant.stats(), participant.isLocal() ? null : participant);
        this.connection = new SimpleObjectProperty<>(participant.isLocal() ? ConnectionState.CONNECTED : ConnectionState.CONNECTING);
        this.connectionText = Bindings.createStringBinding(() -> switch (connection.get()) {
            case CONNECTING -> "connecting…";
            case RECONNECTING -> "reconnecting…";
            case DISCONNECTED -> "disconnected";
            case CONNECTED -> "";
        }, connection);
    }

    public Participant participant() {
        return participant;
    }

    /** True while this participant's media comes through the room's relay (shown on the tile). */
    public ReadOnlyBooleanProperty viaRelayProperty() {
        return viaRelay;
    }

    void setViaRelay(boolean on) {
        viaRelay.set(on);
    }

    public String id() {
        return participant.id();
    }

    public String name() {
        String n = participant.displayName();
        String shown = n == null || n.isBlank() ? participant.id().substring(0, Math.min(8, participant.id().length())) : n;
        return participant.isLocal() ? shown + " (you)" : shown;
    }

    public StatsViewModel stats() {
        return stats;
    }

    public ReadOnlyBooleanProperty mutedProperty() {
        return muted;
    }

    public ReadOnlyBooleanProperty cameraOnProperty() {
        return cameraOn;
    }

    public ReadOnlyObjectProperty<ConnectionState> connectionProperty() {
        return connection;
    }

    /** "connecting…", "reconnecting…" or empty when connected. */
    public StringBinding connectionTextProperty() {
        return connectionText;
    }

    public ReadOnlyObjectProperty<LinkQuality> qualityProperty() {
        return quality;
    }

    public ReadOnlyBooleanProperty speakingProperty() {
        return speaking;
    }

    public ReadOnlyDoubleProperty levelProperty() {
        return level;
    }

    void setState(boolean muted, boolean cameraOn, ConnectionState state) {
        this.muted.set(muted);
        this.cameraOn.set(cameraOn);
        this.connection.set(state);
    }

    void setMuted(boolean muted) {
        this.muted.set(muted);
    }

    void setCameraOn(boolean on) {
        this.cameraOn.set(on);
    }

    void setSpeaking(boolean speaking) {
        this.speaking.set(speaking);
    }

    /** The view reports the size the video is drawn at, in physical pixels. */
    public void reportSize(int width, int height) {
        shownWidth = Math.max(0, width);
        shownHeight = Math.max(0, height);
        pushViewport();
    }

    /** True while the tile is not on screen (another tile is in the large view). */
    void setHidden(boolean hidden) {
        this.hidden = hidden;
        pushViewport();
    }

    boolean isHidden() {
        return hidden;
    }

    private void pushViewport() {
        int w = hidden ? 0 : shownWidth;
        int h = hidden ? 0 : shownHeight;
        long key = ((long) w << 32) | h;
        if (key != sentViewport) {
            sentViewport = key;
            participant.video().setViewport(w, h);
        }
    }

    /**
     * Reads the audio level (already smoothed by the media meter: short attack, longer release) for
     * speaker detection; 0 while the tile shows the participant muted.
     */
    double pollLevel() {
        double now = muted.get() ? 0 : Math.clamp(participant.audioLevel(), 0.0, 1.0);
        level.set(now);
        return now;
    }

    /** Samples stats and updates the quality dot from the NET section. */
    void sampleStats() {
        var net = stats.sample().net();
        if (net != null) {
            // Rate the smoothed values, so one lossy interval does not flash the dot red.
            var m = stats.section(StatsSection.NET);
            quality.set(LinkQuality.of(new StatsSnapshot.Net(net.relayed(), net.remote(),
                    m.metric("RTT").value(), m.metric("Loss").value(), net.downMbps(), net.upMbps())));
        }
    }
}
