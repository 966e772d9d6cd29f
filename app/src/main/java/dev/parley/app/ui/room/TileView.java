package dev.parley.app.ui.room;

import dev.parley.app.service.LinkQuality;
import dev.parley.app.ui.common.Icons;
import dev.parley.app.ui.stats.StatsOverlayView;
import dev.parley.app.ui.video.VideoSurface;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableBooleanValue;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Circle;

import java.util.Locale;

/**
 * One participant: video (or an initial when there is none), name bar with link quality dot and mute
 * icon, connection state, active-speaker border, and the stats overlay. Double-click toggles the
 * large view.
 */
public final class TileView extends StackPane {
    private static final PseudoClass SPEAKING = PseudoClass.getPseudoClass("speaking");
    private static final PseudoClass LOCAL = PseudoClass.getPseudoClass("local");

    private final TileViewModel vm;
    private final VideoSurface video = new VideoSurface();

    public TileView(TileViewModel vm, RoomViewModel room) {
        this.vm = vm;
        getStyleClass().add("tile");
        setId("tile-" + vm.id());
        setMinSize(0, 0);
        pseudoClassStateChanged(LOCAL, vm.participant().isLocal());

        video.feedProperty().set(vm.participant().video());
        video.visibleProperty().bind(vm.cameraOnProperty());

        String name = vm.name();
        Label initial = new Label(name.isEmpty() ? "?" : name.substring(0, 1).toUpperCase(Locale.ROOT));
        initial.getStyleClass().add("avatar");
        Label placeholderText = new Label();
        placeholderText.getStyleClass().add("tile-placeholder-text");
        placeholderText.textProperty().bind(Bindings.createStringBinding(() -> {
            if (!vm.cameraOnProperty().get()) {
                return "Camera off";
            }
            String conn = vm.connectionTextProperty().get();
            return conn.isEmpty() ? "No video yet" : conn;
        }, vm.cameraOnProperty(), vm.connectionTextProperty()));
        VBox placeholder = new VBox(10, initial, placeholderText);
        placeholder.setAlignment(Pos.CENTER);
        placeholder.getStyleClass().add("tile-placeholder");
        ObservableBooleanValue showVideo = video.hasFrameProperty().and(vm.cameraOnProperty());
        placeholder.visibleProperty().bind(Bindings.not(showVideo));

        Circle dot = new Circle(4.5);
        dot.getStyleClass().add("quality-dot");
        vm.qualityProperty().addListener((obs, old, now) -> styleDot(dot, now));
        styleDot(dot, vm.qualityProperty().get());
        Label nameLabel = new Label(name);
        nameLabel.getStyleClass().add("tile-name");
        var muteIcon = Icons.of(Icons.MIC_OFF);
        muteIcon.getStyleClass().add("mute-icon");
        muteIcon.visibleProperty().bind(vm.mutedProperty());
        muteIcon.managedProperty().bind(muteIcon.visibleProperty());
        muteIcon.setScaleX(0.7);
        muteIcon.setScaleY(0.7);
        Label relayed = new Label("relay");
        relayed.getStyleClass().add("tile-relay");
        relayed.setTooltip(new javafx.scene.control.Tooltip("This participant's media comes through the room's media relay"));
        relayed.visibleProperty().bind(vm.viaRelayProperty());
        relayed.managedProperty().bind(relayed.visibleProperty());
        HBox nameBar = new HBox(6, dot, nameLabel, muteIcon, relayed);
        nameBar.setAlignment(Pos.CENTER_LEFT);
        nameBar.getStyleClass().add("tile-namebar");
        nameBar.setMaxSize(USE_PREF_SIZE, USE_PREF_SIZE);
        StackPane.setAlignment(nameBar, Pos.BOTTOM_LEFT);
        StackPane.setMargin(nameBar, new Insets(8));

        Label state = new Label();
        state.getStyleClass().add("tile-state");
        state.textProperty().bind(vm.connectionTextProperty());
        state.visibleProperty().bind(vm.connectionTextProperty().isNotEmpty().and(showVideo));
        StackPane.setAlignment(state, Pos.TOP_RIGHT);
        StackPane.setMargin(state, new Insets(8));

        StatsOverlayView stats = new StatsOverlayView(vm.stats(), !vm.participant().isLocal());
        stats.visibleProperty().bind(room.statsVisibleProperty());
        StackPane.setAlignment(stats, Pos.TOP_LEFT);
        StackPane.setMargin(stats, new Insets(8));

        getChildren().addAll(placeholder, video, nameBar, state, stats);

        vm.speakingProperty().addListener((obs, old, now) -> pseudoClassStateChanged(SPEAKING, now));
        setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                room.toggleFocus(vm);
            }
        });
        // The subscriber picks a rendition from the size the video is shown at.
        widthProperty().addListener((obs, old, now) -> reportSize());
        heightProperty().addListener((obs, old, now) -> reportSize());
    }

    public TileViewModel viewModel() {
        return vm;
    }

    public VideoSurface video() {
        return video;
    }

    private void reportSize() {
        double scale = getScene() == null || getScene().getWindow() == null ? 1 : getScene().getWindow().getOutputScaleY();
        vm.reportSize((int) Math.round(getWidth() * scale), (int) Math.round(getHeight() * scale));
    }

    private static void styleDot(Circle dot, LinkQuality q) {
        dot.getStyleClass().removeAll("good", "fair", "poor", "unknown");
        dot.getStyleClass().add(q.name().toLowerCase(Locale.ROOT));
    }
}
