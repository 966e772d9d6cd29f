package dev.parley.app.ui.room;

import dev.parley.app.ui.common.Icons;
import javafx.animation.AnimationTimer;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.collections.ListChangeListener;
import javafx.event.EventHandler;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.Tooltip;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.StackPane;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The room screen: a responsive grid of tiles (or one tile large), the self view as a grid tile or
 * picture-in-picture, the controls bar, the chat panel and the ticket QR layer. Shortcuts M, V, S, D
 * and C work whenever the focus is not in a text field.
 */
public final class RoomView extends BorderPane {
    static final double PIP_WIDTH = 240;
    /** Width of the chat panel at the right edge. */
    public static final double CHAT_WIDTH = 300;

    private final RoomViewModel vm;
    private final GridPane grid = new GridPane();
    private final StackPane pip = new StackPane();
    private final StackPane stage = new StackPane();
    private final Map<TileViewModel, TileView> tiles = new HashMap<>();
    private final AnimationTimer pulse;
    private final EventHandler<KeyEvent> shortcuts = this::onKey;
    private Node qrLayer;

    public RoomView(RoomViewModel vm) {
        this.vm = vm;
        getStyleClass().add("room-view");
        setId("roomView");

        grid.getStyleClass().add("tile-grid");
        grid.setHgap(10);
        grid.setVgap(10);
        pip.getStyleClass().add("pip");
        pip.setMaxSize(PIP_WIDTH, PIP_WIDTH * 9 / 16);
        pip.setPrefSize(PIP_WIDTH, PIP_WIDTH * 9 / 16);
        StackPane.setAlignment(pip, Pos.BOTTOM_RIGHT);
        StackPane.setMargin(pip, new Insets(16));

        Label banner = new Label();
        banner.setId("banner");
        banner.getStyleClass().add("banner");
        banner.textProperty().bind(vm.bannerProperty());
        banner.visibleProperty().bind(vm.bannerProperty().isNotEmpty());
        StackPane.setAlignment(banner, Pos.TOP_CENTER);
        StackPane.setMargin(banner, new Insets(12));

        stage.getStyleClass().add("stage");
        Node devicePanel = devicePanel();
        stage.getChildren().addAll(grid, pip, banner, devicePanel);
        // Clicking the videos takes the focus out of the chat input, so the shortcuts work again.
        stage.setOnMousePressed(e -> stage.requestFocus());
        setCenter(stage);

        ChatView chat = new ChatView(vm.chat());
        chat.visibleProperty().bind(vm.chat().openProperty());
        chat.managedProperty().bind(chat.visibleProperty());
        chat.setPrefWidth(CHAT_WIDTH);
        setRight(chat);

        setBottom(controls());

        vm.gridTiles().addListener((ListChangeListener<TileViewModel>) c -> layoutTiles());
        vm.focusedProperty().addListener((obs, old, now) -> layoutTiles());
        vm.pictureInPictureProperty().addListener((obs, old, now) -> layoutTiles());
        vm.qrVisibleProperty().addListener((obs, old, now) -> showQr(now));
        layoutTiles();

        pulse = new AnimationTimer() {
            @Override
            public void handle(long now) {
                vm.pulse(now);
            }
        };
        sceneProperty().addListener((obs, old, now) -> {
            if (old != null) {
                old.removeEventFilter(KeyEvent.KEY_PRESSED, shortcuts);
            }
            if (now != null) {
                now.addEventFilter(KeyEvent.KEY_PRESSED, shortcuts);
                pulse.start();
            } else {
                pulse.stop();
            }
        });
    }

    public RoomViewModel viewModel() {
        return vm;
    }

    /** The view of a tile, if it has been built. */
    public TileView tileView(TileViewModel t) {
        return tiles.get(t);
    }

    private HBox controls() {
        Button mute = control("mute", Icons.MIC, "Mute (M)", vm::toggleMute, vm.micMutedProperty());
        mute.textProperty().bind(Bindings.when(vm.micMutedProperty()).then("Unmute").otherwise("Mute"));
        Button camera = control("camera", Icons.CAMERA, "Camera on/off (V)", vm::toggleCamera, null);
        camera.textProperty().bind(Bindings.when(vm.cameraOnProperty()).then("Stop video").otherwise("Start video"));
        camera.getStyleClass().add("toggle");
        vm.cameraOnProperty().addListener((o, a, on) -> toggleClass(camera, !on));
        Button share = control("share", Icons.SCREEN, "Share screen (S)", vm::toggleScreenShare, vm.screenSharingProperty());
        share.setText("Share");
        Button stats = control("stats", Icons.STATS, "Stats overlay (D)", vm::toggleStats, vm.statsVisibleProperty());
        stats.setText("Stats");
        Button chat = control("chatToggle", Icons.CHAT, "Chat (C)", vm::toggleChat, vm.chat().openProperty());
        chat.setText("Chat");
        Label badge = new Label();
        badge.setId("unreadBadge");
        badge.getStyleClass().add("badge");
        badge.textProperty().bind(vm.chat().unreadProperty().asString());
        badge.visibleProperty().bind(vm.chat().unreadProperty().greaterThan(0));
        badge.setMouseTransparent(true);
        StackPane chatWithBadge = new StackPane(chat, badge);
        StackPane.setAlignment(badge, Pos.TOP_RIGHT);
        Button echo = control("echoCancellation", Icons.MIC, "Echo cancellation and noise suppression: talk without a headset",
                vm::toggleEchoCancellation, vm.echoCancellationProperty());
        echo.textProperty().bind(Bindings.when(vm.echoCancellationProperty()).then("Echo cancel on").otherwise("Echo cancel off"));
        Button record = control("record", Icons.RECORD, "Record the call: everyone's video and audio, one file each (announced in the chat)",
                vm::toggleRecording, vm.recordingProperty());
        record.textProperty().bind(Bindings.when(vm.recordingProperty()).then("\u25CF REC").otherwise("Record"));
        Button devices = control("devices", Icons.CAMERA, "Camera, microphone and speaker: switch without leaving the call",
                vm::toggleDevices, vm.devicesVisibleProperty());
        devices.setText("Devices");
        Button selfView = control("selfView", Icons.PIP, "Self view: grid tile or picture-in-picture", vm::togglePictureInPicture, vm.pictureInPictureProperty());
        selfView.setText("Self view");
        Button copy = control("copyTicket", Icons.COPY, "Copy the room ticket", () -> vm.copyTicket(t -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(t);
            javafx.scene.input.Clipboard.getSystemClipboard().setContent(content);
        }), null);
        copy.setText("Copy ticket");
        Button qr = control("showQr", Icons.QR, "Show the ticket as a QR code", () -> vm.qrVisibleProperty().set(true), null);
        qr.setText("QR");
        Button leave = control("leave", Icons.LEAVE, "Leave the room", vm::leave, null);
        leave.setText("Leave");
        leave.getStyleClass().add("danger");

        Region left = new Region();
        Region right = new Region();
        HBox.setHgrow(left, Priority.ALWAYS);
        HBox.setHgrow(right, Priority.ALWAYS);
        Label mode = new Label(vm.mode());
        mode.setId("roomMode");
        mode.getStyleClass().add("room-mode");
        mode.setTooltip(new Tooltip("How this room is carried: peer to peer, or through a media relay"));
        HBox bar = new HBox(8, copy, qr, mode, left, mute, camera, share, stats, chatWithBadge, selfView, devices, echo, record, right, leave);
        bar.getStyleClass().add("controls");
        bar.setAlignment(Pos.CENTER);
        return bar;
    }

    /** The devices panel: one picker each for camera, microphone and speaker; a pick switches at once. */
    private Node devicePanel() {
        javafx.scene.layout.GridPane panel = new javafx.scene.layout.GridPane();
        panel.setId("devicePanel");
        panel.getStyleClass().add("device-panel");
        panel.setHgap(8);
        panel.setVgap(6);
        panel.setPadding(new Insets(12));
        panel.setMaxSize(Region.USE_PREF_SIZE, Region.USE_PREF_SIZE);
        panel.setStyle("-fx-background-color: rgba(30,30,30,0.92); -fx-background-radius: 8;");
        picker(panel, 0, "Camera", "cameraPicker", vm.cameras(), vm.cameraProperty(), vm::chooseCamera);
        picker(panel, 1, "Microphone", "microphonePicker", vm.microphones(), vm.microphoneProperty(), vm::chooseMicrophone);
        picker(panel, 2, "Speaker", "speakerPicker", vm.speakers(), vm.speakerProperty(), vm::chooseSpeaker);
        panel.visibleProperty().bind(vm.devicesVisibleProperty());
        panel.managedProperty().bind(panel.visibleProperty());
        StackPane.setAlignment(panel, Pos.BOTTOM_CENTER);
        StackPane.setMargin(panel, new Insets(12));
        return panel;
    }

    private static void picker(javafx.scene.layout.GridPane panel, int row, String label, String id,
                               javafx.collections.ObservableList<dev.parley.app.service.DeviceChoice> items,
                               javafx.beans.value.ObservableValue<dev.parley.app.service.DeviceChoice> current,
                               java.util.function.Consumer<dev.parley.app.service.DeviceChoice> choose) {
        Label l = new Label(label);
        l.setStyle("-fx-text-fill: white;");
        javafx.scene.control.ComboBox<dev.parley.app.service.DeviceChoice> box = new javafx.scene.control.ComboBox<>(items);
        box.setId(id);
        box.setPrefWidth(280);
        box.setFocusTraversable(false);
        box.setValue(current.getValue());
        // the model's choice wins (a failed switch goes back); a list refresh must not read as a pick
        current.addListener((o, was, now) -> box.setValue(now));
        items.addListener((ListChangeListener<dev.parley.app.service.DeviceChoice>) c -> box.setValue(current.getValue()));
        box.setOnAction(e -> {
            if (box.getValue() != null && !box.getValue().equals(current.getValue())) {
                choose.accept(box.getValue());
            }
        });
        panel.add(l, 0, row);
        panel.add(box, 1, row);
    }

    private static Button control(String id, String icon, String tip, Runnable action, ReadOnlyBooleanProperty active) {
        Button b = new Button();
        b.setId(id);
        b.setGraphic(Icons.of(icon));
        b.getStyleClass().add("control");
        b.setTooltip(new Tooltip(tip));
        b.setFocusTraversable(false);
        b.setOnAction(e -> action.run());
        if (active != null) {
            toggleClass(b, active.get());
            active.addListener((obs, old, now) -> toggleClass(b, now));
        }
        return b;
    }

    private static void toggleClass(Node n, boolean on) {
        n.getStyleClass().remove("active");
        if (on) {
            n.getStyleClass().add("active");
        }
    }

    private void onKey(KeyEvent e) {
        if (e.isShortcutDown() || e.isAltDown()) {
            return;
        }
        Scene scene = getScene();
        if (e.getCode() == KeyCode.ESCAPE) {
            if (vm.qrVisibleProperty().get()) {
                vm.qrVisibleProperty().set(false);
                e.consume();
            } else if (vm.focusedProperty().get() != null) {
                vm.toggleFocus(vm.focusedProperty().get());
                e.consume();
            }
            return;
        }
        if (scene != null && scene.getFocusOwner() instanceof TextInputControl) {
            return;
        }
        Runnable action = switch (e.getCode()) {
            case M -> vm::toggleMute;
            case V -> vm::toggleCamera;
            case S -> vm::toggleScreenShare;
            case D -> vm::toggleStats;
            case C -> vm::toggleChat;
            default -> null;
        };
        if (action != null) {
            action.run();
            e.consume();
        }
    }

    private TileView viewFor(TileViewModel t) {
        return tiles.computeIfAbsent(t, k -> new TileView(k, vm));
    }

    /** Grid of ceil(sqrt(n)) columns, or the focused tile alone; the self view in the grid or the corner. */
    private void layoutTiles() {
        tiles.keySet().retainAll(allTiles());
        grid.getChildren().clear();
        grid.getColumnConstraints().clear();
        grid.getRowConstraints().clear();
        TileViewModel focused = vm.focusedProperty().get();
        List<TileViewModel> shown = focused != null ? List.of(focused) : List.copyOf(vm.gridTiles());
        int n = Math.max(1, shown.size());
        int cols = (int) Math.ceil(Math.sqrt(n));
        int rows = (int) Math.ceil(n / (double) cols);
        for (int c = 0; c < cols; c++) {
            ColumnConstraints cc = new ColumnConstraints();
            cc.setPercentWidth(100.0 / cols);
            cc.setHgrow(Priority.ALWAYS);
            grid.getColumnConstraints().add(cc);
        }
        for (int r = 0; r < rows; r++) {
            RowConstraints rc = new RowConstraints();
            rc.setPercentHeight(100.0 / rows);
            rc.setVgrow(Priority.ALWAYS);
            grid.getRowConstraints().add(rc);
        }
        for (int i = 0; i < shown.size(); i++) {
            TileView v = viewFor(shown.get(i));
            v.setMaxSize(Double.MAX_VALUE, Double.MAX_VALUE);
            grid.add(v, i % cols, i / cols);
        }
        pip.getChildren().clear();
        boolean pipShown = vm.pictureInPictureProperty().get() && focused != vm.selfTile();
        if (pipShown) {
            pip.getChildren().add(viewFor(vm.selfTile()));
        }
        pip.setVisible(pipShown);
    }

    private List<TileViewModel> allTiles() {
        var all = new java.util.ArrayList<TileViewModel>();
        all.add(vm.selfTile());
        all.addAll(vm.remoteTiles());
        return all;
    }

    private void showQr(boolean show) {
        if (qrLayer != null) {
            stage.getChildren().remove(qrLayer);
            qrLayer = null;
        }
        if (show) {
            qrLayer = new QrOverlay(vm.ticket(), () -> vm.copyTicket(t -> {
                ClipboardContent content = new ClipboardContent();
                content.putString(t);
                javafx.scene.input.Clipboard.getSystemClipboard().setContent(content);
            }), () -> vm.qrVisibleProperty().set(false));
            stage.getChildren().add(qrLayer);
        }
    }
}
