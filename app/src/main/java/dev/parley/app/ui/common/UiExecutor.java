package dev.parley.app.ui.common;

import java.util.concurrent.Executor;

/**
 * The one way off-thread results reach view-model state. {@link FxUiExecutor} runs on the JavaFX
 * thread; {@link DirectUiExecutor} runs at once, for plain JUnit view-model tests.
 */
public interface UiExecutor extends Executor {
    /** Runs {@code task} on the UI thread: at once when already on it, else soon, in call order. */
    @Override
    void execute(Runnable task);
}
