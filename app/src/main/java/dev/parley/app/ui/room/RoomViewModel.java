package dev.parley.app.ui.room;

import dev.parley.app.service.DeviceChoice;
import dev.parley.app.service.DeviceList;
import dev.parley.app.service.RoomSession;
import dev.parley.app.service.RoomUpdate;
import dev.parley.app.service.Subscription;
import dev.parley.app.ui.common.Errors;
import dev.parley.app.ui.common.Notifier;
import dev.parley.app.ui.common.UiExecutor;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The room screen: tiles, controls, chat, large view, active speaker and connection banner. Room
 * events arrive on service threads and are moved to the UI thread through the {@link UiExecutor};
 * calls into the session run on the background executor so a slow service never stalls the UI.
 * {@link #pulse(long)} is driven by the view once per frame.
 */
public final class RoomViewModel implements AutoCloseable {
    /** Stats are sampled every 200 ms, as in the reference overlay. */
    static final long STATS_PERIOD_NANOS = 200_000_000L;

    private final RoomSession session;
    private final UiExecutor ui;
    private final Executor background;
    private final Notifier notifier;
    private final Runnable onLeft;
    private final Consumer<Boolean> pipSaver;
    private final TileViewModel selfTile;
    private final ObservableList<TileViewModel> remoteTiles = FXCollections.observableArrayList();
    private final ObservableList<TileViewModel> gridTiles = FXCollections.observableArrayList();
    // The read-only views are kept: such a view listens to its list only weakly, so a view made per call
    // (and its listeners) would be collected, and the grid would stop following joins after a GC.
    private final ObservableList<TileViewModel> remoteTilesView = FXCollections.unmodifiableObservableList(remoteTiles);
    private final ObservableList<TileViewModel> gridTilesView = FXCollections.unmodifiableObservableList(gridTiles);
    private final BooleanProperty pictureInPicture = new SimpleBooleanProperty();
    private final BooleanProperty echoCancellation = new SimpleBooleanProperty(true);
    private final javafx.beans.property.ReadOnlyBooleanWrapper recording = new javafx.beans.property.ReadOnlyBooleanWrapper(false);
    private java.nio.file.Path recordingsDir = defaultRecordingsDir();
    private final ReadOnlyBooleanWrapper micMuted = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper cameraOn = new ReadOnlyBooleanWrapper(true);
    private final ReadOnlyBooleanWrapper screenSharing = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper statsVisible = new ReadOnlyBooleanWrapper(false);
    private final BooleanProperty qrVisible = new SimpleBooleanProperty(false);
    private final ObjectProperty<TileViewModel> focused = new SimpleObjectProperty<>();
    private final ReadOnlyObjectWrapper<TileViewModel> activeSpeaker = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper banner = new ReadOnlyStringWrapper("");
    private final ObservableList<DeviceChoice> cameras = FXCollections.observableArrayList(DeviceChoice.TEST_PATTERN);
    private final ObservableList<DeviceChoice> microphones = FXCollections.observableArrayList(DeviceChoice.TEST_TONE);
    private final ObservableList<DeviceChoice> speakers = FXCollections.observableArrayList(DeviceChoice.DEFAULT_SPEAKER);
    private final ReadOnlyObjectWrapper<DeviceChoice> camera = new ReadOnlyObjectWrapper<>(DeviceChoice.TEST_PATTERN);
    private final ReadOnlyObjectWrapper<DeviceChoice> microphone = new ReadOnlyObjectWrapper<>(DeviceChoice.TEST_TONE);
    private final ReadOnlyObjectWrapper<DeviceChoice> speaker = new ReadOnlyObjectWrapper<>(DeviceChoice.DEFAULT_SPEAKER);
    private final BooleanProperty devicesVisible = new SimpleBooleanProperty(false);
    private Supplier<DeviceList> deviceLister = DeviceList::empty;
    private final ChatViewModel chat;
    private final ActiveSpeaker<TileViewModel> speakerPicker = new ActiveSpeaker<>();
    private final Subscription events;
    private long lastStatsSample = Long.MIN_VALUE;
    private boolean left;

    /**
     * @param pictureInPicture start with the self view as picture-in-picture
     * @param showStats        open the stats overlay at once
     * @param pipSaver         remembers the self-view mode in the settings
     * @param onLeft           called on the UI thread after leaving
     */
    public RoomViewModel(RoomSession session, boolean pictureInPicture, boolean showStats, UiExecutor ui,
                         Executor background, Notifier notifier, Clock clock, Consumer<Boolean> pipSaver, Runnable onLeft) {
        this.session = session;
        this.ui = ui;
        this.background = background;
        this.notifier = notifier;
        this.onLeft = onLeft;
        this.pipSaver = pipSaver;
        this.selfTile = new TileViewModel(session.self());
        this.pictureInPicture.set(pictureInPicture);
        this.statsVisible.set(showStats);
        this.chat = new ChatViewModel(session.chat(), ui, clock);
        this.pictureInPicture.addListener((obs, was, now) -> {
            rebuildGrid();
            pipSaver.accept(now);
        });
        this.echoCancellation.addListener((obs, was, now) -> session.setEchoCancellation(now));
        this.focused.addListener((obs, was, now) -> updateHidden());
        rebuildGrid();
        this.events = session.subscribe(e -> ui.execute(() -> handle(e)));
    }

    public String ticket() {
        return session.ticket();
    }

    public TileViewModel selfTile() {
        return selfTile;
    }

    public ObservableList<TileViewModel> remoteTiles() {
        return remoteTilesView;
    }

    /** Tiles in the grid: the self tile first unless it is shown as picture-in-picture, then the others. */
    public ObservableList<TileViewModel> gridTiles() {
        return gridTilesView;
    }

    /** Echo cancellation and noise suppression on the microphone; changes go to the session at once. */
    public BooleanProperty echoCancellationProperty() {
        return echoCancellation;
    }

    /**
     * Where the devices panel gets its lists (called on the background executor) and what the call
     * started with; the lists load now and again each time the panel opens.
     */
    public void setDevices(Supplier<DeviceList> lister, DeviceChoice startCamera, DeviceChoice startMicrophone) {
        deviceLister = lister;
        camera.set(startCamera.equals(DeviceChoice.OFF) ? DeviceChoice.TEST_PATTERN : startCamera);
        microphone.set(startMicrophone.equals(DeviceChoice.OFF) ? DeviceChoice.TEST_TONE : startMicrophone);
        refreshDevices();
    }

    /** Lists the devices again (off the UI thread); the current choices stay listed even if gone. */
    public void refreshDevices() {
        background.execute(() -> {
            DeviceList list;
            try {
                list = deviceLister.get();
            } catch (RuntimeException e) {
                ui.execute(() -> notifier.error("Could not list the devices: " + Errors.describe(e)));
                return;
            }
            ui.execute(() -> {
                fill(cameras, DeviceChoice.TEST_PATTERN, list.cameras(), camera.get());
                fill(microphones, DeviceChoice.TEST_TONE, list.microphones(), microphone.get());
                fill(speakers, DeviceChoice.DEFAULT_SPEAKER, list.speakers(), speaker.get());
            });
        });
    }

    private static void fill(ObservableList<DeviceChoice> into, DeviceChoice synthetic, List<DeviceChoice> found,
                             DeviceChoice current) {
        List<DeviceChoice> all = new ArrayList<>();
        all.add(synthetic);
        all.addAll(found);
        if (!all.contains(current)) {
            all.add(current);
        }
        into.setAll(all);
    }

    public ObservableList<DeviceChoice> cameras() {
        return cameras;
    }

    public ObservableList<DeviceChoice> microphones() {
        return microphones;
    }

    public ObservableList<DeviceChoice> speakers() {
        return speakers;
    }

    public ReadOnlyObjectProperty<DeviceChoice> cameraProperty() {
        return camera.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<DeviceChoice> microphoneProperty() {
        return microphone.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<DeviceChoice> speakerProperty() {
        return speaker.getReadOnlyProperty();
    }

    /** The devices panel (camera, microphone and speaker pickers) is shown. */
    public BooleanProperty devicesVisibleProperty() {
        return devicesVisible;
    }

    public void toggleDevices() {
        devicesVisible.set(!devicesVisible.get());
        if (devicesVisible.get()) {
            refreshDevices();
        }
    }

    /** Switches the camera without leaving the call; on failure the previous choice comes back, with the reason. */
    public void chooseCamera(DeviceChoice next) {
        choose(camera, next, session::switchCamera, "Could not switch the camera");
    }

    public void chooseMicrophone(DeviceChoice next) {
        choose(microphone, next, session::switchMicrophone, "Could not switch the microphone");
    }

    public void chooseSpeaker(DeviceChoice next) {
        choose(speaker, next, session::switchSpeaker, "Could not switch the speaker");
    }

    private void choose(ReadOnlyObjectWrapper<DeviceChoice> current, DeviceChoice next, Consumer<DeviceChoice> action,
                        String what) {
        DeviceChoice before = current.get();
        if (next == null || next.equals(before)) {
            return;
        }
        current.set(next);
        call(() -> action.accept(next), what, () -> current.set(before));
    }

    /** True while this participant records the call (the window shows it). */
    public ReadOnlyBooleanProperty recordingProperty() {
        return recording.getReadOnlyProperty();
    }

    /** Where the Record button saves (default: the Videos folder's Parley folder, or Parley recordings in the home folder). */
    public void setRecordingsDir(java.nio.file.Path dir) {
        recordingsDir = dir;
    }

    public java.nio.file.Path recordingsDir() {
        return recordingsDir;
    }

    /** Starts or stops recording; the session announces it to the room. */
    public void toggleRecording() {
        boolean on = !recording.get();
        recording.set(on);
        java.nio.file.Path dir = on ? recordingsDir : null;
        background.execute(() -> session.setRecording(dir));
    }

    static java.nio.file.Path defaultRecordingsDir() {
        java.nio.file.Path home = java.nio.file.Path.of(System.getProperty("user.home"));
        java.nio.file.Path videos = home.resolve("Videos");
        return java.nio.file.Files.isDirectory(videos) ? videos.resolve("Parley") : home.resolve("Parley recordings");
    }

    public void toggleEchoCancellation() {
        echoCancellation.set(!echoCancellation.get());
    }

    public BooleanProperty pictureInPictureProperty() {
        return pictureInPicture;
    }

    public ReadOnlyBooleanProperty micMutedProperty() {
        return micMuted.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty cameraOnProperty() {
        return cameraOn.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty screenSharingProperty() {
        return screenSharing.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty statsVisibleProperty() {
        return statsVisible.getReadOnlyProperty();
    }

    public BooleanProperty qrVisibleProperty() {
        return qrVisible;
    }

    /** The tile in the large view, or {@code null} for the grid. */
    public ReadOnlyObjectProperty<TileViewModel> focusedProperty() {
        return focused;
    }

    public ReadOnlyObjectProperty<TileViewModel> activeSpeakerProperty() {
        return activeSpeaker.getReadOnlyProperty();
    }

    /** Text of the connection banner; empty when connected. */
    /** How the room is carried ("Peer to peer", "Relay host:port", "Hybrid, relay host:port"), for the room header. */
    public String mode() {
        return session.mode();
    }

    public ReadOnlyStringProperty bannerProperty() {
        return banner.getReadOnlyProperty();
    }

    public ChatViewModel chat() {
        return chat;
    }

    /** M */
    public void toggleMute() {
        boolean now = !micMuted.get();
        micMuted.set(now);
        selfTile.setMuted(now);
        call(() -> session.setMicMuted(now), "Could not change the microphone", () -> {
            micMuted.set(!now);
            selfTile.setMuted(!now);
        });
    }

    /** V */
    public void toggleCamera() {
        boolean now = !cameraOn.get();
        cameraOn.set(now);
        selfTile.setCameraOn(now);
        call(() -> session.setCameraOn(now), "Could not change the camera", () -> {
            cameraOn.set(!now);
            selfTile.setCameraOn(!now);
        });
    }

    /** S */
    public void toggleScreenShare() {
        boolean now = !screenSharing.get();
        screenSharing.set(now);
        call(() -> session.setScreenSharing(now), now ? "Could not share the screen" : "Could not stop sharing",
                () -> screenSharing.set(!now));
    }

    /** Puts the ticket on the clipboard (the view passes the clipboard) and says so. */
    public void copyTicket(Consumer<String> clipboard) {
        clipboard.accept(session.ticket());
        notifier.info("Ticket copied. Send it to the people you want to invite.");
    }

    /** D */
    public void toggleStats() {
        statsVisible.set(!statsVisible.get());
    }

    /** C */
    public void toggleChat() {
        chat.openProperty().set(!chat.openProperty().get());
    }

    public void togglePictureInPicture() {
        pictureInPicture.set(!pictureInPicture.get());
    }

    /** Double-click: show this tile large, or go back to the grid. */
    public void toggleFocus(TileViewModel tile) {
        focused.set(focused.get() == tile ? null : tile);
    }

    /** Per frame: audio levels and speaker every pulse, stats every {@value #STATS_PERIOD_NANOS} ns. */
    public void pulse(long nowNanos) {
        List<TileViewModel> all = allTiles();
        for (TileViewModel t : all) {
            t.pollLevel();
        }
        TileViewModel speaker = speakerPicker.update(all, t -> t.levelProperty().get(), nowNanos);
        if (speaker != activeSpeaker.get()) {
            if (activeSpeaker.get() != null) {
                activeSpeaker.get().setSpeaking(false);
            }
            if (speaker != null) {
                speaker.setSpeaking(true);
            }
            activeSpeaker.set(speaker);
        }
        if (lastStatsSample == Long.MIN_VALUE || nowNanos - lastStatsSample >= STATS_PERIOD_NANOS) {
            lastStatsSample = nowNanos;
            for (TileViewModel t : all) {
                t.sampleStats();
            }
        }
    }

    /** Leaves the room: stops listening, closes the session in the background, then goes back. */
    public void leave() {
        if (left) {
            return;
        }
        left = true;
        events.close();
        chat.close();
        background.execute(() -> {
            try {
                session.close();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(RoomViewModel.class).warn("Leaving the room failed: {}", e.toString());
            }
            ui.execute(onLeft);
        });
    }

    @Override
    public void close() {
        leave();
    }

    /** The tile of a participant id, if present. */
    public Optional<TileViewModel> tile(String id) {
        return allTiles().stream().filter(t -> t.id().equals(id)).findFirst();
    }

    private List<TileViewModel> allTiles() {
        List<TileViewModel> all = new ArrayList<>(remoteTiles.size() + 1);
        all.add(selfTile);
        all.addAll(remoteTiles);
        return all;
    }

    private void handle(RoomUpdate event) {
        if (left) {
            return;
        }
        switch (event) {
            case RoomUpdate.ParticipantJoined j -> {
                if (tile(j.participant().id()).isEmpty()) {
                    TileViewModel t = new TileViewModel(j.participant());
                    t.setViaRelay(j.participant().viaRelay());
                    remoteTiles.add(t);
                    rebuildGrid();
                    updateHidden();
                    chat.system(t.name() + " joined");
                }
            }
            case RoomUpdate.ParticipantLeft l -> tile(l.id()).filter(t -> t != selfTile).ifPresent(t -> {
                remoteTiles.remove(t);
                if (focused.get() == t) {
                    focused.set(null);
                }
                rebuildGrid();
                chat.system(t.name() + " left");
            });
            case RoomUpdate.ParticipantChanged c -> tile(c.id()).ifPresent(t -> t.setState(c.muted(), c.cameraOn(), c.connection()));
            case RoomUpdate.ParticipantRoute r -> tile(r.id()).ifPresent(t -> t.setViaRelay(r.viaRelay()));
            case RoomUpdate.SelfConnectionChanged s -> banner.set(switch (s.connection()) {
                case CONNECTED -> "";
                case CONNECTING -> "Connecting…";
                case RECONNECTING -> "Connection lost. Reconnecting…";
                case DISCONNECTED -> "Disconnected from the room.";
            });
            case RoomUpdate.Notice n -> {
                if (n.error()) {
                    notifier.error(n.message());
                } else {
                    notifier.info(n.message());
                }
            }
        }
    }

    private void rebuildGrid() {
        List<TileViewModel> grid = new ArrayList<>();
        if (!pictureInPicture.get()) {
            grid.add(selfTile);
        }
        grid.addAll(remoteTiles);
        gridTiles.setAll(grid);
    }

    private void updateHidden() {
        TileViewModel f = focused.get();
        for (TileViewModel t : allTiles()) {
            t.setHidden(f != null && f != t);
        }
    }

    /** Runs a session call off the UI thread; on failure undoes the optimistic UI change and says why. */
    private void call(Runnable action, String what, Runnable undo) {
        background.execute(() -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                ui.execute(() -> {
                    undo.run();
                    notifier.error(what + ": " + Errors.describe(e));
                });
            }
        });
    }

    /** Whether we are connected (no banner). */
    public boolean connected() {
        return banner.get().isEmpty();
    }
}
