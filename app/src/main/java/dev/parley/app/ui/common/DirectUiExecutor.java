package dev.parley.app.ui.common;

/** Runs tasks on the calling thread; for tests that drive view-models without JavaFX running. */
public final class DirectUiExecutor implements UiExecutor {
    @Override
    public void execute(Runnable task) {
        task.run();
    }
}
