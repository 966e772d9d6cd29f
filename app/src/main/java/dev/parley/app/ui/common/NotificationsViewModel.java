package dev.parley.app.ui.common;

import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The stack of messages shown in the corner of the window, newest last, at most {@value #MAX}. The view
 * removes each one after a few seconds or when clicked. Called on the UI thread.
 */
public final class NotificationsViewModel implements Notifier {
    static final int MAX = 4;
    private final ObservableList<Notification> items = FXCollections.observableArrayList();

    public ObservableList<Notification> items() {
        return items;
    }

    @Override
    public void info(String message) {
        add(new Notification(message, false));
    }

    @Override
    public void error(String message) {
        add(new Notification(message, true));
    }

    public void dismiss(Notification n) {
        items.remove(n);
    }

    private void add(Notification n) {
        items.add(n);
        while (items.size() > MAX) {
            items.removeFirst();
        }
    }
}
