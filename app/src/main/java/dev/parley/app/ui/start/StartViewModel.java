package dev.parley.app.ui.start;

import dev.parley.app.service.CallService;
import dev.parley.app.service.DeviceChoice;
import dev.parley.app.service.DeviceList;
import dev.parley.app.service.DeviceService;
import dev.parley.app.service.JoinRequest;
import dev.parley.app.service.RoomSession;
import dev.parley.app.service.SelfPreview;
import dev.parley.app.service.ServiceException;
import dev.parley.app.service.SourceSelection;
import dev.parley.app.service.TicketCheck;
import dev.parley.app.service.VideoFeed;
import dev.parley.app.settings.Settings;
import dev.parley.app.settings.SettingsStore;
import dev.parley.app.ui.common.Errors;
import dev.parley.app.ui.common.Notifier;
import dev.parley.app.ui.common.UiExecutor;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The start screen: display name (remembered), source pickers with a live preview and microphone
 * meter, "New room" and "Join" with inline ticket errors. Devices, settings and services are used
 * from the background executor; every property changes on the UI thread.
 */
public final class StartViewModel implements AutoCloseable {
    static final String NO_PREVIEW = "No video yet";
    static final int MAX_NAME_LENGTH = 64;

    private final CallService calls;
    private final DeviceService devices;
    private final SettingsStore store;
    private final UiExecutor ui;
    private final Executor background;
    private final Notifier notifier;
    private final Consumer<RoomSession> onEntered;

    private final StringProperty displayName = new SimpleStringProperty("");
    private final ObservableList<DeviceChoice> cameras = FXCollections.observableArrayList();
    private final ObservableList<DeviceChoice> microphones = FXCollections.observableArrayList();
    private final ObservableList<DeviceChoice> screens = FXCollections.observableArrayList();
    private final ObjectProperty<DeviceChoice> camera = new SimpleObjectProperty<>();
    private final ObjectProperty<DeviceChoice> microphone = new SimpleObjectProperty<>();
    private final ObjectProperty<DeviceChoice> screen = new SimpleObjectProperty<>();
    private final ReadOnlyStringWrapper deviceNotice = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<VideoFeed> previewFeed = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper previewMessage = new ReadOnlyStringWrapper("Starting preview…");
    private final ReadOnlyDoubleWrapper micLevel = new ReadOnlyDoubleWrapper(0);
    private final BooleanProperty echoCancellation = new SimpleBooleanProperty(true);
    private final StringProperty ticket = new SimpleStringProperty("");
    /** "New room" through this moq relay (blank: peer to peer), in {@link #relayModeProperty()}. */
    private final StringProperty moqRelay = new SimpleStringProperty("");
    private final StringProperty relayMode = new SimpleStringProperty("relay");
    private final ReadOnlyStringWrapper ticketError = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper nameError = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);

    private Settings settings = Settings.defaults();
    private final java.util.concurrent.atomic.AtomicReference<Settings> pendingSave = new java.util.concurrent.atomic.AtomicReference<>();
    private final Object saveLock = new Object();
    private SelfPreview preview;
    private int previewGeneration;
    private boolean loading;
    private boolean closed;

    public StartViewModel(CallService calls, DeviceService devices, SettingsStore store, UiExecutor ui,
                          Executor background, Notifier notifier, Consumer<RoomSession> onEntered) {
        this.calls = calls;
        this.devices = devices;
        this.store = store;
        this.ui = ui;
        this.background = background;
        this.notifier = notifier;
        this.onEntered = onEntered;
        displayName.addListener((obs, old, now) -> {
            nameError.set("");
            if (!loading) {
                persist(settings.withDisplayName(now == null ? "" : now.strip()));
            }
        });
        ticket.addListener((obs, old, now) -> ticketError.set(""));
        echoCancellation.addListener((obs, old, now) -> {
            if (!loading) {
                persist(settings.withEchoCancellation(now));
            }
        });
        camera.addListener((obs, old, now) -> selectionChanged());
        microphone.addListener((obs, old, now) -> selectionChanged());
        screen.addListener((obs, old, now) -> selectionChanged());
    }

    /**
     * Loads the settings and the device list in the background, fills the pickers and starts the
     * preview. The future completes on the UI thread once the screen is ready.
     *
     * @param forceTestSources use the test pattern and tone whatever is remembered
     */
    public CompletableFuture<Void> start(boolean forceTestSources) {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        background.execute(() -> {
            Settings loaded = store.load();
            DeviceList found;
            String listProblem = null;
            try {
                found = devices.list();
            } catch (ServiceException e) {
                found = DeviceList.empty();
                listProblem = e.getMessage();
            }
            DeviceList list = found;
            String problem = listProblem;
            ui.execute(() -> {
                apply(loaded, list, forceTestSources, problem);
                ready.complete(null);
            });
        });
        return ready;
    }

    private void apply(Settings loaded, DeviceList list, boolean forceTestSources, String listProblem) {
        loading = true;
        try {
            settings = loaded;
            displayName.set(loaded.displayName());
            echoCancellation.set(loaded.echoCancellationOn());
            cameras.setAll(with(list.cameras(), DeviceChoice.TEST_PATTERN, DeviceChoice.OFF));
            microphones.setAll(with(list.microphones(), DeviceChoice.TEST_TONE, DeviceChoice.OFF));
            screens.setAll(with(list.screens(), DeviceChoice.OFF));
            camera.set(forceTestSources ? DeviceChoice.TEST_PATTERN : pick(cameras, loaded.camera(), DeviceChoice.TEST_PATTERN));
            microphone.set(forceTestSources ? DeviceChoice.TEST_TONE : pick(microphones, loaded.microphone(), DeviceChoice.TEST_TONE));
            screen.set(pick(screens, loaded.screen(), DeviceChoice.OFF));
            deviceNotice.set(notice(list, listProblem));
        } finally {
            loading = false;
        }
        restartPreview();
    }

    private static List<DeviceChoice> with(List<DeviceChoice> real, DeviceChoice... extra) {
        List<DeviceChoice> all = new ArrayList<>(real);
        all.addAll(List.of(extra));
        return all;
    }

    /** The remembered device if it is still there, else the first real one, else the fallback. */
    private static DeviceChoice pick(List<DeviceChoice> options, String rememberedId, DeviceChoice fallback) {
        if (rememberedId != null) {
            Optional<DeviceChoice> remembered = options.stream().filter(d -> d.id().equals(rememberedId)).findFirst();
            if (remembered.isPresent()) {
                return remembered.get();
            }
        }
        return options.stream().filter(d -> !d.synthetic()).findFirst().orElse(fallback);
    }

    private static String notice(DeviceList list, String listProblem) {
        if (listProblem != null) {
            return listProblem + " Using a test pattern and tone instead.";
        }
        boolean noCamera = list.cameras().isEmpty();
        boolean noMic = list.microphones().isEmpty();
        if (noCamera && noMic) {
            return "No camera or microphone found: using a test pattern and tone instead.";
        }
        if (noCamera) {
            return "No camera found: using a test pattern instead.";
        }
        if (noMic) {
            return "No microphone found: using a test tone instead.";
        }
        return "";
    }

    public StringProperty displayNameProperty() {
        return displayName;
    }

    public ObservableList<DeviceChoice> cameras() {
        return cameras;
    }

    public ObservableList<DeviceChoice> microphones() {
        return microphones;
    }

    public ObservableList<DeviceChoice> screens() {
        return screens;
    }

    /** Echo cancellation, noise suppression and gain control for the call (remembered). */
    public BooleanProperty echoCancellationProperty() {
        return echoCancellation;
    }

    public ObjectProperty<DeviceChoice> cameraProperty() {
        return camera;
    }

    public ObjectProperty<DeviceChoice> microphoneProperty() {
        return microphone;
    }

    public ObjectProperty<DeviceChoice> screenProperty() {
        return screen;
    }

    /** Why a fallback source is used; empty when real devices are in use. */
    public ReadOnlyStringProperty deviceNoticeProperty() {
        return deviceNotice.getReadOnlyProperty();
    }

    /** Frames of the running preview, or {@code null} while there is none. */
    public ReadOnlyObjectProperty<VideoFeed> previewFeedProperty() {
        return previewFeed.getReadOnlyProperty();
    }

    /** Shown over the preview area when there is no preview; empty while frames can flow. */
    public ReadOnlyStringProperty previewMessageProperty() {
        return previewMessage.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty micLevelProperty() {
        return micLevel.getReadOnlyProperty();
    }

    /** A media relay URL for "New room" (blank: a peer-to-peer room). */
    public StringProperty moqRelayProperty() {
        return moqRelay;
    }

    /** With a media relay: "relay" (everyone through it) or "hybrid" (direct first, the relay as a fallback). */
    public StringProperty relayModeProperty() {
        return relayMode;
    }

    public StringProperty ticketProperty() {
        return ticket;
    }

    /** What is wrong with the pasted ticket; empty when nothing is. */
    public ReadOnlyStringProperty ticketErrorProperty() {
        return ticketError.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty nameErrorProperty() {
        return nameError.getReadOnlyProperty();
    }

    /** True while a room is being created or joined. */
    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    /** Per frame: the microphone meter. */
    public void pulse() {
        SelfPreview p = preview;
        micLevel.set(p == null ? 0 : Math.clamp(p.micLevel(), 0.0, 1.0));
    }

    /** "New room". */
    public void createRoom() {
        Optional<JoinRequest> request = request();
        if (request.isEmpty()) {
            return;
        }
        String relay = moqRelay.get() == null || moqRelay.get().isBlank() ? null : moqRelay.get().strip();
        JoinRequest r = request.get();
        enter(calls.create(relay == null ? r : new JoinRequest(r.displayName(), r.sources(), relay, relayMode.get())), null);
    }

    /** "Join": checks the ticket, shows what is wrong inline, or joins. */
    public void join() {
        Optional<String> problem = TicketInput.problem(ticket.get());
        if (problem.isPresent()) {
            ticketError.set(problem.get());
            return;
        }
        TicketCheck check = calls.check(ticket.get().strip());
        if (check instanceof TicketCheck.Invalid(String reason)) {
            ticketError.set(reason);
            return;
        }
        String valid = ((TicketCheck.Valid) check).ticket();
        Optional<JoinRequest> request = request();
        if (request.isEmpty()) {
            return;
        }
        enter(calls.join(valid, request.get()), valid);
    }

    private Optional<JoinRequest> request() {
        if (busy.get()) {
            return Optional.empty();
        }
        String name = displayName.get() == null ? "" : displayName.get().strip();
        if (name.isEmpty()) {
            nameError.set("Enter the name the others will see.");
            return Optional.empty();
        }
        if (name.length() > MAX_NAME_LENGTH) {
            nameError.set("Use at most " + MAX_NAME_LENGTH + " characters for your name.");
            return Optional.empty();
        }
        return Optional.of(new JoinRequest(name, selection()));
    }

    private void enter(CompletableFuture<RoomSession> pending, String joinedTicket) {
        busy.set(true);
        pending.whenComplete((session, failure) -> ui.execute(() -> {
            busy.set(false);
            if (failure != null) {
                notifier.error(Errors.describe(failure));
                return;
            }
            if (closed) {
                background.execute(session::close);
                return;
            }
            persist(settings.withLastRoom(joinedTicket != null ? joinedTicket : session.ticket()));
            stopPreview();
            onEntered.accept(session);
        }));
    }

    /** The sources as chosen now. */
    public SourceSelection selection() {
        return new SourceSelection(orElse(camera.get(), DeviceChoice.TEST_PATTERN),
                orElse(microphone.get(), DeviceChoice.TEST_TONE), orElse(screen.get(), DeviceChoice.OFF));
    }

    private static DeviceChoice orElse(DeviceChoice d, DeviceChoice fallback) {
        return d == null ? fallback : d;
    }

    private void selectionChanged() {
        if (loading) {
            return;
        }
        SourceSelection s = selection();
        persist(settings.withDevices(s.camera().id(), s.microphone().id(), s.screen().id()));
        restartPreview();
    }

    /** (Re)starts the preview for the current selection; results of older starts are dropped. */
    public void restartPreview() {
        if (closed) {
            return;
        }
        int generation = ++previewGeneration;
        SelfPreview old = preview;
        preview = null;
        previewFeed.set(null);
        previewMessage.set("Starting preview…");
        SourceSelection selection = selection();
        background.execute(() -> {
            if (old != null) {
                old.close();
            }
            SelfPreview started;
            try {
                started = devices.startPreview(selection);
            } catch (ServiceException e) {
                ui.execute(() -> {
                    if (generation == previewGeneration) {
                        previewMessage.set(NO_PREVIEW + ": " + e.getMessage());
                    }
                });
                return;
            }
            ui.execute(() -> {
                if (generation != previewGeneration || closed) {
                    background.execute(started::close);
                    return;
                }
                preview = started;
                previewFeed.set(started.video());
                previewMessage.set(selection.camera().equals(DeviceChoice.OFF) ? "Camera off" : "");
            });
        });
    }

    private void stopPreview() {
        previewGeneration++;
        SelfPreview old = preview;
        preview = null;
        previewFeed.set(null);
        micLevel.set(0);
        if (old != null) {
            background.execute(old::close);
        }
    }

    /** Remembers the window size (called by the view when the window closes). */
    public void rememberWindow(double width, double height) {
        persist(settings.withWindowSize(width, height));
    }

    /** Saves in the background; the newest settings win even when saves overlap on several threads. */
    private void persist(Settings next) {
        settings = next;
        pendingSave.set(next);
        background.execute(() -> {
            synchronized (saveLock) {
                Settings latest = pendingSave.getAndSet(null);
                if (latest == null) {
                    return;
                }
                try {
                    store.save(latest);
                } catch (java.io.UncheckedIOException e) {
                    ui.execute(() -> notifier.error("Could not save your settings: " + e.getCause().getMessage()));
                }
            }
        });
    }

    /** The settings as they are now. */
    public Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        closed = true;
        stopPreview();
    }
}
