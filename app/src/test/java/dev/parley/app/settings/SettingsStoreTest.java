package dev.parley.app.settings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SettingsStoreTest {
    @TempDir
    Path dir;

    @Test
    void missingFileGivesDefaults() {
        assertThat(new SettingsStore(dir.resolve("none")).load()).isEqualTo(Settings.defaults());
    }

    @Test
    void roundTripsThroughJsonAndCreatesTheFolder() throws Exception {
        SettingsStore store = new SettingsStore(dir.resolve("a/b"));
        Settings s = Settings.defaults().withDisplayName(" Ada ").withDevices("cam0", "test:tone", "off")
                .withWindowSize(1440, 900).withLastRoom("roomxyz").withPictureInPicture(true).withEchoCancellation(false)
                .withHomeRelay(" http://198.18.1.2:3340/ ");
        store.save(s);
        assertThat(Files.readString(store.file())).contains("\"displayName\" : \"Ada\"");
        Settings back = new SettingsStore(dir.resolve("a/b")).load();
        assertThat(back).isEqualTo(s);
        assertThat(back.displayName()).isEqualTo("Ada");
        assertThat(back.echoCancellationOn()).isFalse();
        assertThat(back.homeRelay()).isEqualTo("http://198.18.1.2:3340/");
        assertThat(back.withHomeRelay("  ").homeRelay()).as("blank: no relay").isNull();
        try (var files = Files.list(dir.resolve("a/b"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("settings.json");
        }
    }

    @Test
    void corruptFileGivesDefaultsAndIsKeptAside() throws Exception {
        SettingsStore store = new SettingsStore(dir);
        Files.writeString(store.file(), "{\"displayName\": [garbage");
        assertThat(store.load()).isEqualTo(Settings.defaults());
        assertThat(dir.resolve("settings.json.bad")).exists();
        assertThat(store.file()).doesNotExist();
    }

    @Test
    void unknownFieldsAndSillySizesAreTolerated() throws Exception {
        SettingsStore store = new SettingsStore(dir);
        Files.writeString(store.file(), "{\"displayName\":\"Bo\",\"future\":1,\"windowWidth\":-5,\"windowHeight\":100}");
        Settings s = store.load();
        assertThat(s.displayName()).isEqualTo("Bo");
        assertThat(s.windowWidth()).isEqualTo(Settings.DEFAULT_WIDTH);
        assertThat(s.windowHeight()).isEqualTo(Settings.MIN_HEIGHT);
        assertThat(s.echoCancellationOn()).as("files from before the setting existed: on").isTrue();
    }
}
