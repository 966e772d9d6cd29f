package dev.parley.app.ui.start;

import dev.parley.app.service.DeviceChoice;
import dev.parley.app.ui.video.VideoSurface;
import javafx.animation.AnimationTimer;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/** The start screen; binds to a {@link StartViewModel} and forwards clicks to it. */
public final class StartView extends BorderPane {
    private final AnimationTimer meter;

    public StartView(StartViewModel vm) {
        getStyleClass().add("start-view");

        Label brand = new Label("Parley");
        brand.getStyleClass().add("brand");
        Label tagline = new Label("Peer-to-peer video calls");
        tagline.getStyleClass().add("tagline");
        VBox header = new VBox(2, brand, tagline);
        header.getStyleClass().add("start-header");
        setTop(header);

        TextField name = new TextField();
        name.setId("displayName");
        name.setPromptText("Your name");
        name.textProperty().bindBidirectional(vm.displayNameProperty());
        Label nameError = errorLabel("nameError", vm.nameErrorProperty());

        ComboBox<DeviceChoice> camera = picker("camera", vm.cameras(), vm.cameraProperty());
        ComboBox<DeviceChoice> mic = picker("microphone", vm.microphones(), vm.microphoneProperty());
        ComboBox<DeviceChoice> screen = picker("screen", vm.screens(), vm.screenProperty());
        CheckBox echo = new CheckBox("Echo cancellation and noise suppression");
        echo.setId("echoCancellation");
        echo.setTooltip(new javafx.scene.control.Tooltip("Lets you talk without a headset: removes what your speakers play from your microphone"));
        echo.selectedProperty().bindBidirectional(vm.echoCancellationProperty());

        Label notice = new Label();
        notice.setId("deviceNotice");
        notice.getStyleClass().add("notice");
        notice.setWrapText(true);
        notice.textProperty().bind(vm.deviceNoticeProperty());
        notice.visibleProperty().bind(vm.deviceNoticeProperty().isNotEmpty());
        notice.managedProperty().bind(notice.visibleProperty());

        Button newRoom = new Button("New room");
        newRoom.setId("newRoom");
        newRoom.getStyleClass().add("primary");
        newRoom.setMaxWidth(Double.MAX_VALUE);
        newRoom.disableProperty().bind(vm.busyProperty());
        newRoom.setOnAction(e -> vm.createRoom());

        TextField relay = new TextField();
        relay.setId("moqRelay");
        relay.setPromptText("Media relay for a new room (optional): https://host:port/");
        relay.textProperty().bindBidirectional(vm.moqRelayProperty());
        HBox.setHgrow(relay, Priority.ALWAYS);
        javafx.scene.control.ChoiceBox<String> relayMode = new javafx.scene.control.ChoiceBox<>(
                javafx.collections.FXCollections.observableArrayList("relay", "hybrid"));
        relayMode.setId("relayMode");
        relayMode.valueProperty().bindBidirectional(vm.relayModeProperty());
        relayMode.disableProperty().bind(vm.moqRelayProperty().isEmpty());
        relayMode.setTooltip(new javafx.scene.control.Tooltip(
                "relay: everyone sends once to the relay and watches through it; hybrid: direct first, the relay when a direct path fails"));
        HBox relayRow = new HBox(8, relay, relayMode);

        Label or = new Label("or join with a ticket");
        or.getStyleClass().add("divider-label");

        TextField ticket = new TextField();
        ticket.setId("ticket");
        ticket.setPromptText("Paste a room ticket");
        ticket.textProperty().bindBidirectional(vm.ticketProperty());
        ticket.setOnAction(e -> vm.join());
        HBox.setHgrow(ticket, Priority.ALWAYS);
        Button join = new Button("Join");
        join.setId("join");
        join.disableProperty().bind(vm.busyProperty());
        join.setOnAction(e -> vm.join());
        HBox joinRow = new HBox(8, ticket, join);
        Label ticketError = errorLabel("ticketError", vm.ticketErrorProperty());

        VBox form = new VBox(6,
                fieldLabel("Your name"), name, nameError,
                fieldLabel("Camera"), camera,
                fieldLabel("Microphone"), mic, echo,
                fieldLabel("Screen to share"), screen,
                notice, spacer(10), newRoom, relayRow, spacer(4), or, joinRow, ticketError);
        form.getStyleClass().addAll("card", "start-form");
        form.setPrefWidth(360);
        form.setMinWidth(300);

        VideoSurface preview = new VideoSurface();
        preview.setId("preview");
        preview.feedProperty().bind(vm.previewFeedProperty());
        Label placeholder = new Label();
        placeholder.setId("previewMessage");
        placeholder.getStyleClass().add("preview-placeholder");
        placeholder.setWrapText(true);
        placeholder.visibleProperty().bind(vm.previewMessageProperty().isNotEmpty().or(preview.hasFrameProperty().not()));
        placeholder.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> vm.previewMessageProperty().get().isEmpty() ? "Waiting for the first frame…" : vm.previewMessageProperty().get(),
                vm.previewMessageProperty()));
        StackPane previewBox = new StackPane(preview, placeholder);
        previewBox.getStyleClass().add("preview");
        VBox.setVgrow(previewBox, Priority.ALWAYS);

        ProgressBar level = new ProgressBar(0);
        level.setId("micLevel");
        level.getStyleClass().add("mic-meter");
        level.progressProperty().bind(vm.micLevelProperty());
        level.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(level, Priority.ALWAYS);
        HBox meterRow = new HBox(10, fieldLabel("Mic"), level);
        meterRow.setAlignment(Pos.CENTER_LEFT);

        VBox previewCard = new VBox(10, previewBox, meterRow);
        previewCard.getStyleClass().addAll("card", "preview-card");
        HBox.setHgrow(previewCard, Priority.ALWAYS);

        HBox body = new HBox(24, form, previewCard);
        body.getStyleClass().add("start-body");
        setCenter(body);

        meter = new AnimationTimer() {
            @Override
            public void handle(long now) {
                vm.pulse();
            }
        };
        sceneProperty().addListener((obs, old, now) -> {
            if (now == null) {
                meter.stop();
            } else {
                meter.start();
            }
        });
    }

    private static Label fieldLabel(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("field-label");
        return l;
    }

    private static Label errorLabel(String id, javafx.beans.value.ObservableStringValue text) {
        Label l = new Label();
        l.setId(id);
        l.getStyleClass().add("inline-error");
        l.setWrapText(true);
        l.textProperty().bind(text);
        l.visibleProperty().bind(l.textProperty().isNotEmpty());
        l.managedProperty().bind(l.visibleProperty());
        return l;
    }

    private static ComboBox<DeviceChoice> picker(String id, javafx.collections.ObservableList<DeviceChoice> items,
                                               javafx.beans.property.ObjectProperty<DeviceChoice> value) {
        ComboBox<DeviceChoice> box = new ComboBox<>(items);
        box.setId(id);
        box.setMaxWidth(Double.MAX_VALUE);
        box.valueProperty().bindBidirectional(value);
        return box;
    }

    private static Region spacer(double h) {
        Region r = new Region();
        r.setMinHeight(h);
        return r;
    }
}
