package dev.parley.media.source;

import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The capture-time barcode in the top rows of a test-pattern frame. The top {@value #ROWS} rows
 * are split into 64 equal blocks; block {@code i} (from the left) is white when bit {@code 63 − i}
 * of the capture time in milliseconds since the Unix epoch is 1, black otherwise. Drawing is 64
 * block fills per row; reading samples the centre of each block, so it survives scaling and lossy
 * coding as long as blocks stay a few pixels wide.
 */
public final class TimestampBarcode {
    /** Height of the barcode band at the resolution it was drawn. */
    public static final int ROWS = 16;
    private static final byte WHITE = (byte) 235;
    private static final byte BLACK = (byte) 16;
    private static final byte NEUTRAL = (byte) 128;

    private TimestampBarcode() {
    }

    /** Draws the barcode for {@code millis} into an I420 frame buffer of the given size. */
    public static void draw(ByteBuffer i420, int width, int height, long millis) {
        if (height < ROWS || width < 64) {
            throw new IllegalArgumentException("frame too small for a barcode: " + width + "x" + height);
        }
        byte[] row = new byte[width];
        for (int i = 0; i < 64; i++) {
            int from = blockStart(i, width);
            int to = blockStart(i + 1, width);
            Arrays.fill(row, from, to, ((millis >>> (63 - i)) & 1) == 1 ? WHITE : BLACK);
        }
        for (int y = 0; y < ROWS; y++) {
            i420.put(y * width, row);
        }
        int cw = width / 2;
        byte[] chroma = new byte[cw];
        Arrays.fill(chroma, NEUTRAL);
        int uBase = width * height;
        int vBase = uBase + cw * (height / 2);
        for (int y = 0; y < ROWS / 2; y++) {
            i420.put(uBase + y * cw, chroma);
            i420.put(vBase + y * cw, chroma);
        }
    }

    /**
     * Reads the barcode from a frame whose band is {@code ROWS × height / sourceHeight} rows tall
     * (pass the frame's own height when it was not scaled).
     */
    public static long read(VideoFrame frame, int sourceHeight) {
        int band = Math.max(1, ROWS * frame.height() / sourceHeight);
        int y = band / 2;
        ByteBuffer d = frame.data();
        long value = 0;
        for (int i = 0; i < 64; i++) {
            int x = (blockStart(i, frame.width()) + blockStart(i + 1, frame.width())) / 2;
            int luma = frame.format() == PixelFormat.I420
                    ? Byte.toUnsignedInt(d.get(y * frame.width() + x))
                    : bgraLuma(d, (y * frame.width() + x) * 4);
            value = (value << 1) | (luma >= 128 ? 1 : 0);
        }
        return value;
    }

    /** Reads the barcode from an unscaled frame. */
    public static long read(VideoFrame frame) {
        return read(frame, frame.height());
    }

    private static int bgraLuma(ByteBuffer d, int at) {
        int b = Byte.toUnsignedInt(d.get(at));
        int g = Byte.toUnsignedInt(d.get(at + 1));
        int r = Byte.toUnsignedInt(d.get(at + 2));
        return (r * 77 + g * 150 + b * 29) >> 8;
    }

    private static int blockStart(int i, int width) {
        return i * width / 64;
    }
}
