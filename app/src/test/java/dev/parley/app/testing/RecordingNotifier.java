package dev.parley.app.testing;

import dev.parley.app.ui.common.Notifier;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every message shown. */
public final class RecordingNotifier implements Notifier {
    public final List<String> infos = new CopyOnWriteArrayList<>();
    public final List<String> errors = new CopyOnWriteArrayList<>();

    @Override
    public void info(String message) {
        infos.add(message);
    }

    @Override
    public void error(String message) {
        errors.add(message);
    }
}
