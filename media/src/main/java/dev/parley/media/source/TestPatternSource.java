package dev.parley.media.source;

import dev.parley.media.frame.BufferPool;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;

import java.nio.ByteBuffer;

/**
 * A synthetic camera: four horizontal bands (colour bars, a luma ramp, its mirror, fine stripes)
 * that scroll sideways, paced to the wall clock, with the {@link TimestampBarcode} of each frame's
 * capture time in the top rows. Row templates are built once; each frame is a bulk copy of a
 * shifted window per row, so there is no per-pixel work per frame.
 */
public final class TestPatternSource extends VideoSource {
    private static final int SPEED = 4; // pixels per frame

    private final BufferPool pool;
    private final byte[][] lumaBands;
    private final byte[][] uBands;
    private final byte[][] vBands;
    private long frameIndex;
    private long nextDeadline;

    public TestPatternSource(int width, int height, double fps) {
        super("test pattern " + width + "x" + height, width, height, fps);
        if (width % 64 != 0 || height % 2 != 0 || height < 64) {
            throw new IllegalArgumentException("test pattern needs a width divisible by 64 and an even height ≥ 64");
        }
        this.pool = new BufferPool(PixelFormat.I420.frameBytes(width, height), 8);
        this.lumaBands = new byte[4][];
        this.uBands = new byte[4][];
        this.vBands = new byte[4][];
        buildTemplates();
    }

    /** 1280×720 at 30 fps. */
    public static TestPatternSource hd() {
        return new TestPatternSource(1280, 720, 30);
    }

    // Templates are two widths long so a frame row is the window [shift, shift + width).
    private void buildTemplates() {
        int tw = width * 2;
        int cw = tw / 2;
        int[][] bars = {{235, 128, 128}, {210, 16, 146}, {170, 166, 16}, {145, 54, 34},
                {106, 202, 222}, {81, 90, 240}, {41, 240, 110}, {16, 128, 128}};
        for (int band = 0; band < 4; band++) {
            byte[] y = new byte[tw];
            byte[] u = new byte[cw];
            byte[] v = new byte[cw];
            for (int x = 0; x < tw; x++) {
                int p = x % width;
                int value = switch (band) {
                    case 0 -> bars[p * 8 / width][0];
                    case 1 -> 16 + p * 219 / width;
                    case 2 -> 235 - p * 219 / width;
                    default -> ((p / 8) % 2 == 0) ? 60 : 190;
                };
                y[x] = (byte) value;
                if (x % 2 == 0) {
                    int c = x / 2;
                    u[c] = (byte) (band == 0 ? bars[p * 8 / width][1] : band == 1 ? 90 + p * 60 / width : 128);
                    v[c] = (byte) (band == 0 ? bars[p * 8 / width][2] : band == 2 ? 100 + p * 80 / width : 128);
                }
            }
            lumaBands[band] = y;
            uBands[band] = u;
            vBands[band] = v;
        }
    }

    @Override
    protected void open() {
        frameIndex = 0;
        nextDeadline = System.nanoTime();
    }

    @Override
    protected VideoFrame capture() {
        if (!sleepUntil(nextDeadline)) {
            return null;
        }
        nextDeadline += (long) (1_000_000_000L / fps);
        long lag = System.nanoTime() - nextDeadline;
        if (lag > 1_000_000_000L) {
            nextDeadline = System.nanoTime(); // fell far behind (suspended): do not burst
        }
        long micros = Clock.nowMicros();
        VideoFrame frame = VideoFrame.allocate(width, height, PixelFormat.I420, micros, pool);
        render(frame, frameIndex++);
        TimestampBarcode.draw(frame.data(), width, height, micros / 1000);
        return frame;
    }

    /** Fills a frame with the pattern at position {@code index} (exposed for benchmarks and tests). */
    public void render(VideoFrame frame, long index) {
        ByteBuffer d = frame.data();
        int shift = (int) ((index * SPEED) % width) & ~1;
        int cw = width / 2;
        int ch = height / 2;
        int uBase = width * height;
        int vBase = uBase + cw * ch;
        for (int y = 0; y < height; y++) {
            int band = y * 4 / height;
            d.put(y * width, lumaBands[band], shift, width);
        }
        for (int y = 0; y < ch; y++) {
            int band = y * 4 / ch;
            d.put(uBase + y * cw, uBands[band], shift / 2, cw);
            d.put(vBase + y * cw, vBands[band], shift / 2, cw);
        }
    }

    @Override
    protected void closeDevice() {
        // nothing to release; pooled buffers are reused on restart
    }
}
