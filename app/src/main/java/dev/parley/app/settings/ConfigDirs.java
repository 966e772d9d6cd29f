package dev.parley.app.settings;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where Parley keeps its files, by the platform's rules (the identity key lives in the same folder):
 * {@code $XDG_CONFIG_HOME/parley} or {@code ~/.config/parley} on Linux and other Unix systems,
 * {@code %APPDATA%\Parley} on Windows, {@code ~/Library/Application Support/Parley} on macOS. A named
 * profile gets its own sub-folder {@code profiles/NAME}. Everything is passed in, so tests choose the
 * folder.
 */
public final class ConfigDirs {
    private ConfigDirs() {}

    /** The folder of this process's user and platform. */
    public static Path system(String profile) {
        return resolve(System.getProperty("os.name", ""), System.getenv(), Path.of(System.getProperty("user.home")), profile);
    }

    /**
     * The config folder for the given platform facts.
     *
     * @param profile profile name, or {@code null} for the default profile
     */
    public static Path resolve(String osName, Map<String, String> env, Path home, String profile) {
        String os = osName.toLowerCase(Locale.ROOT);
        Path base;
        if (os.contains("win")) {
            String appData = env.get("APPDATA");
            base = (appData == null || appData.isBlank() ? home.resolve("AppData").resolve("Roaming") : Path.of(appData))
                    .resolve("Parley");
        } else if (os.contains("mac") || os.contains("darwin")) {
            base = home.resolve("Library").resolve("Application Support").resolve("Parley");
        } else {
            String xdg = env.get("XDG_CONFIG_HOME");
            // The XDG spec says relative values are invalid and must be ignored.
            base = (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".config"))
                    .resolve("parley");
        }
        return profile == null ? base : base.resolve("profiles").resolve(profile);
    }
}
