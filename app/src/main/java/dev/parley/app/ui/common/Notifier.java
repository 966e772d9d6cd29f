package dev.parley.app.ui.common;

/** Shows short messages to the user; view-models report errors through it, never as stack traces. */
public interface Notifier {
    void info(String message);

    void error(String message);
}
