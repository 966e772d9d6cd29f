package dev.parley.app.ui.common;

import javafx.animation.PauseTransition;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

import java.util.HashMap;
import java.util.Map;

/** Toasts in the bottom-right corner; each disappears after a few seconds or on click. */
public final class NotificationsView extends VBox {
    static final Duration SHOWN_FOR = Duration.seconds(7);
    private final Map<Notification, Label> labels = new HashMap<>();

    public NotificationsView(NotificationsViewModel vm) {
        getStyleClass().add("notifications");
        setId("notifications");
        setSpacing(8);
        setAlignment(Pos.BOTTOM_RIGHT);
        setPickOnBounds(false);
        setMaxSize(USE_PREF_SIZE, USE_PREF_SIZE);
        vm.items().addListener((ListChangeListener<Notification>) c -> {
            while (c.next()) {
                c.getRemoved().forEach(n -> getChildren().remove(labels.remove(n)));
                c.getAddedSubList().forEach(n -> {
                    Label l = new Label(n.message());
                    l.getStyleClass().addAll("toast", n.error() ? "toast-error" : "toast-info");
                    l.setWrapText(true);
                    l.setMaxWidth(420);
                    l.setOnMouseClicked(e -> vm.dismiss(n));
                    labels.put(n, l);
                    getChildren().add(l);
                    PauseTransition hide = new PauseTransition(SHOWN_FOR);
                    hide.setOnFinished(e -> vm.dismiss(n));
                    hide.play();
                });
            }
        });
    }
}
