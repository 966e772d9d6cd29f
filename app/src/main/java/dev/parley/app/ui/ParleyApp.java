package dev.parley.app.ui;

import dev.parley.app.cli.ExitCodes;
import dev.parley.app.cli.GuiRequest;
import dev.parley.app.settings.ConfigDirs;
import dev.parley.app.settings.Settings;
import dev.parley.app.settings.SettingsStore;
import dev.parley.app.ui.common.FxUiExecutor;
import dev.parley.app.wiring.AppServices;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JavaFX application. Started through {@link #run}, which {@code Main} calls; {@code Main} itself
 * does not extend {@link Application}, because JavaFX refuses to start such a main class from the
 * class path.
 */
public final class ParleyApp extends Application {
    private static volatile GuiRequest request;
    private static volatile AppServices services;

    private ExecutorService background;
    private MainWindow window;

    /** Opens the window and blocks until it closes. */
    public static int run(GuiRequest guiRequest, AppServices appServices) {
        request = guiRequest;
        services = appServices;
        Application.launch(ParleyApp.class);
        return ExitCodes.OK;
    }

    @Override
    public void start(Stage stage) {
        // Blocking service calls (device probing, joining, file writes) run on virtual threads.
        background = Executors.newVirtualThreadPerTaskExecutor();
        SettingsStore store = new SettingsStore(ConfigDirs.system(request.profile()));
        Settings settings = store.load();
        window = new MainWindow(services, store, request, new FxUiExecutor(), background);
        Scene scene = new Scene(window, settings.windowWidth(), settings.windowHeight());
        stage.setTitle(request.profile() == null ? "Parley" : "Parley (" + request.profile() + ")");
        stage.getIcons().setAll(windowIcons());
        stage.setMinWidth(720);
        stage.setMinHeight(520);
        stage.setScene(scene);
        stage.setOnCloseRequest(e -> {
            window.shutdown(stage.getWidth(), stage.getHeight());
            Platform.exit();
        });
        stage.show();
    }

    /** The window and taskbar icons, from the raster set built from {@code icons/parley.svg}. */
    static java.util.List<javafx.scene.image.Image> windowIcons() {
        return java.util.stream.IntStream.of(16, 24, 32, 48, 64, 128, 256, 512)
                .mapToObj(size -> ParleyApp.class.getResource("/dev/parley/app/icons/parley-" + size + ".png"))
                .filter(java.util.Objects::nonNull)
                .map(url -> new javafx.scene.image.Image(url.toExternalForm()))
                .toList();
    }

    /** Lets the leave started by closing the window finish (ours and the demo peers'), so others see us go at once. */
    @Override
    public void stop() {
        if (background != null) {
            background.shutdown();
            try {
                if (!background.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    org.slf4j.LoggerFactory.getLogger(ParleyApp.class).warn("leaving did not finish within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
