package dev.parley.app.ui;

import javafx.scene.image.Image;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The window gets every icon size, and each one decodes at its nominal size. */
class WindowIconsTest {
    @org.junit.jupiter.api.BeforeAll
    static void startToolkit() {
        try {
            javafx.application.Platform.startup(() -> { });
        } catch (IllegalStateException alreadyRunning) {
            // another test in this JVM started JavaFX already
        }
    }

    @Test
    void allIconSizesLoad() {
        List<Image> icons = ParleyApp.windowIcons();
        assertThat(icons).hasSize(8);
        assertThat(icons).allSatisfy(i -> assertThat(i.isError()).as("decodes").isFalse());
        assertThat(icons.stream().mapToDouble(Image::getWidth).toArray())
                .containsExactly(16, 24, 32, 48, 64, 128, 256, 512);
    }
}
