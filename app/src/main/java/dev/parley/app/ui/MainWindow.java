package dev.parley.app.ui;

import dev.parley.app.cli.GuiRequest;
import dev.parley.app.service.DeviceChoice;
import dev.parley.app.service.RoomSession;
import dev.parley.app.settings.SettingsStore;
import dev.parley.app.ui.common.NotificationsView;
import dev.parley.app.ui.common.NotificationsViewModel;
import dev.parley.app.ui.common.UiExecutor;
import dev.parley.app.ui.room.RoomView;
import dev.parley.app.ui.room.RoomViewModel;
import dev.parley.app.ui.start.StartView;
import dev.parley.app.ui.start.StartViewModel;
import dev.parley.app.wiring.AppServices;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.layout.StackPane;

import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * The window content: the current screen (start or room) under the notifications layer. It owns the
 * screens' view-models and moves between them.
 */
public final class MainWindow extends StackPane {
    /** The stylesheet every scene uses. */
    public static final String STYLESHEET = MainWindow.class.getResource("parley.css").toExternalForm();

    private final AppServices services;
    private final SettingsStore store;
    private final GuiRequest request;
    private final UiExecutor ui;
    private final Executor background;
    private final NotificationsViewModel notifications = new NotificationsViewModel();
    private final StackPane content = new StackPane();
    private final NotificationsView toasts;
    private StartViewModel start;
    private RoomViewModel room;
    private boolean firstStart = true;

    public MainWindow(AppServices services, SettingsStore store, GuiRequest request, UiExecutor ui, Executor background) {
        this.services = services;
        this.store = store;
        this.request = request;
        this.ui = ui;
        this.background = background;
        getStyleClass().add("root-pane");
        getStylesheets().add(STYLESHEET);
        toasts = new NotificationsView(notifications);
        StackPane.setAlignment(toasts, Pos.BOTTOM_RIGHT);
        placeToasts(false);
        getChildren().addAll(content, toasts);
        showStart();
    }

    public NotificationsViewModel notifications() {
        return notifications;
    }

    /** The start screen's view-model while it is shown. */
    public StartViewModel startViewModel() {
        return start;
    }

    /** The room's view-model while in a room. */
    public RoomViewModel roomViewModel() {
        return room;
    }

    /**
     * Toasts sit above the controls bar in the bottom-right corner; while the room's chat is open they
     * move left of it, since over the panel they would cover its input (a click there hit the toast).
     */
    private void placeToasts(boolean chatOpen) {
        StackPane.setMargin(toasts, new Insets(0, 20 + (chatOpen ? RoomView.CHAT_WIDTH : 0), 84, 0));
    }

    private void show(Node screen) {
        content.getChildren().setAll(screen);
    }

    private void showStart() {
        room = null;
        placeToasts(false);
        start = new StartViewModel(services.calls(), services.devices(), store, ui, background, notifications, this::showRoom);
        StartViewModel vm = start;
        show(new StartView(vm));
        boolean auto = firstStart && request.enterRoom();
        firstStart = false;
        vm.start(request.testSource()).thenRun(() -> {
            if (request.displayName() != null) {
                vm.displayNameProperty().set(request.displayName());
            }
            if (auto) {
                if (request.moqRelay() != null) {
                    vm.moqRelayProperty().set(request.moqRelay());
                    vm.relayModeProperty().set(request.mode().label());
                }
                if (request.ticket() != null) {
                    vm.ticketProperty().set(request.ticket());
                    vm.join();
                } else {
                    vm.createRoom();
                }
            }
        });
    }

    private void showRoom(RoomSession session) {
        StartViewModel old = start;
        start = null;
        if (old != null) {
            old.close();
        }
        boolean pip = old != null && old.settings().pictureInPicture();
        room = new RoomViewModel(session, pip, request.showStats(), ui, background, notifications, Clock.systemDefaultZone(),
                on -> background.execute(() -> store.save(store.load().withPictureInPicture(on))), this::showStart);
        if (old != null) {
            room.setDevices(services.devices()::list, old.selection().camera(), old.selection().microphone());
        } else {
            room.setDevices(services.devices()::list, DeviceChoice.TEST_PATTERN, DeviceChoice.TEST_TONE);
        }
        boolean echo = old == null || old.settings().echoCancellationOn();
        session.setEchoCancellation(echo);
        room.echoCancellationProperty().set(echo);
        room.echoCancellationProperty().addListener((obs, was, on) ->
                background.execute(() -> store.save(store.load().withEchoCancellation(on))));
        if (request.record() != null) {
            room.setRecordingsDir(request.record());
            room.toggleRecording();
        }
        room.chat().openProperty().addListener((obs, was, open) -> placeToasts(open));
        show(new RoomView(room));
    }

    /** Window closing: leave the room, stop the preview, remember the size. */
    public void shutdown(double width, double height) {
        if (room != null) {
            room.leave();
        }
        if (start != null) {
            start.rememberWindow(width, height);
            start.close();
        } else {
            background.execute(() -> store.save(store.load().withWindowSize(width, height)));
        }
    }
}
