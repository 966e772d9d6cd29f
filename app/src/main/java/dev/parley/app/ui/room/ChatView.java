package dev.parley.app.ui.room;

import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** The chat panel: message list, and an input that sends on Enter. */
public final class ChatView extends VBox {
    public ChatView(ChatViewModel vm) {
        getStyleClass().add("chat");
        setId("chatPanel");
        Label title = new Label("Chat");
        title.getStyleClass().add("panel-title");

        ListView<ChatLine> list = new ListView<>(vm.lines());
        list.setId("chatList");
        list.getStyleClass().add("chat-list");
        list.setFocusTraversable(false);
        list.setCellFactory(v -> new LineCell());
        vm.lines().addListener((javafx.collections.ListChangeListener<ChatLine>) c -> {
            if (!vm.lines().isEmpty()) {
                list.scrollTo(vm.lines().size() - 1);
            }
        });
        VBox.setVgrow(list, Priority.ALWAYS);

        TextField input = new TextField();
        input.setId("chatInput");
        input.setPromptText("Message everyone (Enter sends)");
        input.textProperty().bindBidirectional(vm.draftProperty());
        input.setOnAction(e -> vm.send());
        HBox.setHgrow(input, Priority.ALWAYS);

        getChildren().addAll(title, list, new HBox(input));
        setSpacing(8);
    }

    private static final class LineCell extends ListCell<ChatLine> {
        @Override
        protected void updateItem(ChatLine line, boolean empty) {
            super.updateItem(line, empty);
            getStyleClass().removeAll("chat-system", "chat-self", "chat-other");
            if (empty || line == null) {
                setGraphic(null);
                setText(null);
                return;
            }
            setText(null);
            Label text = new Label(line.text());
            text.setWrapText(true);
            text.getStyleClass().add("chat-text");
            text.maxWidthProperty().bind(getListView().widthProperty().subtract(28));
            Label time = new Label(line.time());
            time.getStyleClass().add("chat-time");
            if (line.kind() == ChatLine.Kind.SYSTEM) {
                getStyleClass().add("chat-system");
                HBox row = new HBox(6, text, time);
                row.setAlignment(Pos.CENTER_LEFT);
                setGraphic(row);
            } else {
                getStyleClass().add(line.kind() == ChatLine.Kind.SELF ? "chat-self" : "chat-other");
                Label sender = new Label(line.sender());
                sender.getStyleClass().add("chat-sender");
                HBox head = new HBox(6, sender, time);
                head.setAlignment(Pos.BASELINE_LEFT);
                setGraphic(new VBox(1, head, text));
            }
        }
    }
}
