package dev.parley.app.settings;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigDirsTest {
    private final Path home = Path.of("/home/ada");

    @Test
    void linuxUsesXdgConfigHomeOrDotConfig() {
        assertThat(ConfigDirs.resolve("Linux", Map.of("XDG_CONFIG_HOME", "/cfg"), home, null)).isEqualTo(Path.of("/cfg/parley"));
        assertThat(ConfigDirs.resolve("Linux", Map.of(), home, null)).isEqualTo(home.resolve(".config/parley"));
        assertThat(ConfigDirs.resolve("Linux", Map.of("XDG_CONFIG_HOME", "relative"), home, null))
                .as("relative XDG paths are ignored").isEqualTo(home.resolve(".config/parley"));
    }

    @Test
    void windowsUsesAppData() {
        assertThat(ConfigDirs.resolve("Windows 11", Map.of("APPDATA", "/appdata"), home, null)).isEqualTo(Path.of("/appdata/Parley"));
        assertThat(ConfigDirs.resolve("Windows 11", Map.of(), home, null)).isEqualTo(home.resolve("AppData/Roaming/Parley"));
    }

    @Test
    void macUsesApplicationSupport() {
        assertThat(ConfigDirs.resolve("Mac OS X", Map.of("XDG_CONFIG_HOME", "/cfg"), home, null))
                .isEqualTo(home.resolve("Library/Application Support/Parley"));
    }

    @Test
    void profilesGetTheirOwnFolder() {
        assertThat(ConfigDirs.resolve("Linux", Map.of(), home, "alice")).isEqualTo(home.resolve(".config/parley/profiles/alice"));
    }
}
