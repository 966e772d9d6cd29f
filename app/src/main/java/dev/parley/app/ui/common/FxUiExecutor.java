package dev.parley.app.ui.common;

import javafx.application.Platform;

/** Runs tasks on the JavaFX application thread. */
public final class FxUiExecutor implements UiExecutor {
    @Override
    public void execute(Runnable task) {
        if (Platform.isFxApplicationThread()) {
            task.run();
        } else {
            Platform.runLater(task);
        }
    }
}
