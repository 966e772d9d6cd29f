package dev.parley.app.cli;

/**
 * Opens the desktop window. The command line calls it only after the display check passed; tests
 * pass a recording implementation, {@code Main} passes one that starts JavaFX.
 */
@FunctionalInterface
public interface GuiStarter {
    /** Blocks until the window closes and returns the process exit code. */
    int start(GuiRequest request);
}
