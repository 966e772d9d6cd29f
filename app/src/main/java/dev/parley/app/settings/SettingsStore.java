package dev.parley.app.settings;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Reads and writes {@code settings.json} in a config folder. Writes go to a temporary file that is
 * then moved over the old one, so a crash never leaves half a file. A missing file gives the defaults;
 * an unreadable one is kept aside as {@code settings.json.bad} and the defaults are used, because
 * settings are never worth refusing to start over. Thread-safe; called off the FX thread.
 */
public final class SettingsStore {
    private static final Logger LOG = LoggerFactory.getLogger(SettingsStore.class);
    static final String FILE_NAME = "settings.json";

    private final Path file;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public SettingsStore(Path configDir) {
        this.file = configDir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /** The stored settings, or the defaults. */
    public synchronized Settings load() {
        if (!Files.exists(file)) {
            return Settings.defaults();
        }
        try {
            Settings s = json.readValue(file.toFile(), Settings.class);
            return s == null ? Settings.defaults() : s;
        } catch (JacksonException e) {
            LOG.warn("Settings file {} is unreadable ({}); starting with defaults and keeping it as {}.bad",
                    file, e.getOriginalMessage(), FILE_NAME);
            try {
                Files.move(file, file.resolveSibling(FILE_NAME + ".bad"), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                LOG.warn("Could not move the unreadable settings file aside: {}", moveFailed.getMessage());
            }
            return Settings.defaults();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read settings from " + file, e);
        }
    }

    /** Writes the settings atomically, creating the folder when needed. */
    public synchronized void save(Settings settings) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
            try {
                json.writeValue(tmp.toFile(), settings);
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save settings to " + file, e);
        }
    }
}
