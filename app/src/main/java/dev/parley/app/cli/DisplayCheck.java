package dev.parley.app.cli;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a window can be opened, before JavaFX is touched (JavaFX would fail later with a
 * native error nobody can read). On Linux and the BSDs a window needs an X11 or Wayland display; macOS
 * and Windows always have one in a desktop session. The headless Monocle platform (tests, screenshots)
 * needs none.
 */
public final class DisplayCheck {
    private final String osName;
    private final Map<String, String> env;
    private final String glassPlatform;

    public DisplayCheck(String osName, Map<String, String> env, String glassPlatform) {
        this.osName = osName.toLowerCase(Locale.ROOT);
        this.env = Map.copyOf(env);
        this.glassPlatform = glassPlatform == null ? "" : glassPlatform;
    }

    /** The check for this process. */
    public static DisplayCheck system() {
        return new DisplayCheck(System.getProperty("os.name", ""), System.getenv(),
                System.getProperty("glass.platform", ""));
    }

    /** Empty when a window can open, else why not, in words for the user. */
    public Optional<String> problem() {
        if (glassPlatform.equalsIgnoreCase("Monocle")) {
            return Optional.empty();
        }
        if (osName.contains("win") || osName.contains("mac") || osName.contains("darwin")) {
            return Optional.empty();
        }
        if (isSet("DISPLAY") || isSet("WAYLAND_DISPLAY")) {
            return Optional.empty();
        }
        return Optional.of("no display found (neither DISPLAY nor WAYLAND_DISPLAY is set)");
    }

    private boolean isSet(String name) {
        String value = env.get(name);
        return value != null && !value.isBlank();
    }
}
