package dev.parley.media.source;

import dev.parley.media.frame.VideoFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The webcam-capture frame path without a camera: packed RGB24 bytes as the driver hands them over,
 * through swscale, to I420 frames, checked against BT.601 limited-range colours.
 */
@Timeout(60)
class RgbToI420Test {
    // {R, G, B} -> {Y, U, V}, BT.601 limited range (swscale's default for RGB -> YUV).
    private static final int[][] RED = {{255, 0, 0}, {82, 90, 240}};
    private static final int[][] GREEN = {{0, 255, 0}, {145, 54, 34}};
    private static final int[][] BLUE = {{0, 0, 255}, {41, 240, 110}};
    private static final int[][] WHITE = {{255, 255, 255}, {235, 128, 128}};

    /** A w×h RGB24 picture in a direct buffer; {@code colour} gives each pixel's colour. */
    private static ByteBuffer picture(int w, int h, java.util.function.BiFunction<Integer, Integer, int[][]> colour) {
        ByteBuffer b = ByteBuffer.allocateDirect(w * h * 3);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] rgb = colour.apply(x, y)[0];
                b.put((byte) rgb[0]).put((byte) rgb[1]).put((byte) rgb[2]);
            }
        }
        return b.flip();
    }

    private static void assertColour(VideoFrame f, int x, int y, int[][] expected) {
        ByteBuffer d = f.data();
        int w = f.width();
        int h = f.height();
        int yv = d.get(y * w + x) & 0xff;
        int u = d.get(w * h + (y / 2) * (w / 2) + x / 2) & 0xff;
        int v = d.get(w * h + (w / 2) * (h / 2) + (y / 2) * (w / 2) + x / 2) & 0xff;
        assertThat(new int[]{yv, u, v}).as("YUV at %d,%d", x, y).satisfies(a -> {
            assertThat(a[0]).isCloseTo(expected[1][0], within(3));
            assertThat(a[1]).isCloseTo(expected[1][1], within(3));
            assertThat(a[2]).isCloseTo(expected[1][2], within(3));
        });
    }

    @Test
    void quadrantsKeepTheirColoursWhenScaledDown() {
        // 640x480 in four quadrants -> 320x240 (same aspect, no crop).
        ByteBuffer rgb = picture(640, 480, (x, y) -> x < 320 ? (y < 240 ? RED : GREEN) : (y < 240 ? BLUE : WHITE));
        try (RgbToI420 c = new RgbToI420(640, 480, 320, 240); VideoFrame f = c.convert(rgb, 42)) {
            assertThat(f.width()).isEqualTo(320);
            assertThat(f.height()).isEqualTo(240);
            assertThat(f.captureMicros()).isEqualTo(42);
            assertColour(f, 80, 60, RED);
            assertColour(f, 80, 180, GREEN);
            assertColour(f, 240, 60, BLUE);
            assertColour(f, 240, 180, WHITE);
        }
    }

    @Test
    void aFourByThreeCameraIsCentreCroppedToSixteenByNineNotStretched() {
        // Top and bottom 60 rows red/blue: exactly what a 4:3 -> 16:9 centre crop removes.
        ByteBuffer rgb = picture(640, 480, (x, y) -> y < 60 ? RED : y >= 420 ? BLUE : (x < 320 ? GREEN : WHITE));
        try (RgbToI420 c = new RgbToI420(640, 480, 1280, 720); VideoFrame f = c.convert(rgb, 0)) {
            for (int y : new int[]{0, 1, 360, 718, 719}) {
                assertColour(f, 10, y, GREEN);
                assertColour(f, 1270, y, WHITE);
            }
        }
    }

    @Test
    void aWideCameraLosesItsSideColumnsForANarrowerTarget() {
        // 640x360 (16:9) -> 480x360 (4:3): 80 columns go on each side.
        ByteBuffer rgb = picture(640, 360, (x, y) -> x < 80 ? RED : x >= 560 ? BLUE : (y < 180 ? GREEN : WHITE));
        try (RgbToI420 c = new RgbToI420(640, 360, 480, 360); VideoFrame f = c.convert(rgb, 0)) {
            for (int x : new int[]{0, 1, 240, 478, 479}) {
                assertColour(f, x, 10, GREEN);
                assertColour(f, x, 350, WHITE);
            }
        }
    }

    @Test
    void framesComeFromThePoolAndTheSourceBufferIsReusable() {
        ByteBuffer rgb = picture(320, 240, (x, y) -> BLUE);
        try (RgbToI420 c = new RgbToI420(320, 240, 320, 240)) {
            VideoFrame a = c.convert(rgb, 1);
            long first = new org.bytedeco.javacpp.BytePointer(a.data()).address();
            a.close();
            // the next frame reuses the returned buffer (same native memory)
            try (VideoFrame b = c.convert(rgb, 2)) {
                assertThat(new org.bytedeco.javacpp.BytePointer(b.data()).address()).isEqualTo(first);
                assertColour(b, 100, 100, BLUE);
            }
            assertThat(c.sourceBytes()).isEqualTo(320 * 240 * 3);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.convert(ByteBuffer.allocate(320 * 240 * 3), 0))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
