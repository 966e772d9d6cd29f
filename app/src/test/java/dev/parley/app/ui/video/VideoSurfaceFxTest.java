package dev.parley.app.ui.video;

import dev.parley.app.service.BgraFrame;
import dev.parley.app.testing.SolidFeed;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.ByteBuffer;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/** Renders BGRA frames through the PixelBuffer path under Monocle and checks the pixels. */
@ExtendWith(ApplicationExtension.class)
@Timeout(60)
class VideoSurfaceFxTest {
    private final SolidFeed feed = new SolidFeed();
    private VideoSurface surface;

    @Start
    void start(Stage stage) {
        surface = new VideoSurface();
        surface.feedProperty().set(feed);
        stage.setScene(new Scene(new StackPane(surface), 320, 180));
        stage.show();
    }

    private static <T> T fx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get();
    }

    private int pixelOfShownImage(int x, int y) throws Exception {
        return fx(() -> {
            Image snap = surface.imageView().snapshot(null, null);
            return snap.getPixelReader().getArgb(x, y);
        });
    }

    @Test
    void aBgraFrameIsShownWithItsColours() throws Exception {
        fx(() -> surface.renderPulse()); // drain anything the timer did not take yet
        feed.offer(16, 9, 0x20, 0x80, 0xF0);
        WaitForAsyncUtils.waitFor(10, java.util.concurrent.TimeUnit.SECONDS, () -> fx(() -> surface.hasFrameProperty().get()));
        assertThat(pixelOfShownImage(10, 10)).isEqualTo(0xFFF08020);
        assertThat(feed.released.get()).as("the frame went back to its producer").isEqualTo(1);
        assertThat(fx(() -> surface.imageView().getImage().getWidth())).isEqualTo(16);
    }

    @Test
    void paddedRowsAndSizeChangesAreHandled() throws Exception {
        int w = 8;
        int h = 4;
        int stride = w * 4 + 16;
        ByteBuffer buf = ByteBuffer.allocateDirect(stride * h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // Left half blue, right half green; padding bytes are red and must not show.
                boolean left = x < w / 2;
                buf.put(y * stride + x * 4, (byte) (left ? 0xFF : 0)).put(y * stride + x * 4 + 1, (byte) (left ? 0 : 0xFF))
                        .put(y * stride + x * 4 + 2, (byte) 0).put(y * stride + x * 4 + 3, (byte) 0xFF);
            }
            for (int p = w * 4; p < stride; p += 4) {
                buf.put(y * stride + p + 2, (byte) 0xFF).put(y * stride + p + 3, (byte) 0xFF);
            }
        }
        feed.offer(new BgraFrame(buf, w, h, stride, () -> { }));
        WaitForAsyncUtils.waitFor(10, java.util.concurrent.TimeUnit.SECONDS, () -> fx(() -> surface.hasFrameProperty().get()));
        assertThat(fx(() -> surface.imageView().getImage().getWidth())).isEqualTo(8);
        Image img = fx(() -> surface.imageView().getImage());
        assertThat(fx(() -> img.getPixelReader().getArgb(1, 1))).isEqualTo(0xFF0000FF);
        assertThat(fx(() -> img.getPixelReader().getArgb(6, 3))).isEqualTo(0xFF00FF00);

        long before = fx(surface::framesShown);
        feed.offer(32, 18, 0, 0, 0xFF);
        WaitForAsyncUtils.waitFor(10, java.util.concurrent.TimeUnit.SECONDS, () -> fx(surface::framesShown) > before);
        Image bigger = fx(() -> surface.imageView().getImage());
        assertThat(bigger.getWidth()).isEqualTo(32);
        assertThat(fx(() -> bigger.getPixelReader().getArgb(31, 17))).isEqualTo(0xFFFF0000);
    }

    @Test
    void noNewFrameMeansNoWork() throws Exception {
        fx(() -> surface.renderPulse());
        assertThat(fx(() -> surface.renderPulse())).isFalse();
    }
}
