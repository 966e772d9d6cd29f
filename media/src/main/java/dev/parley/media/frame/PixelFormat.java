package dev.parley.media.frame;

/** Pixel layouts Parley moves between stages. */
public enum PixelFormat {
    /** Planar YUV 4:2:0: Y (w×h), then U and V (w/2×h/2), tightly packed. */
    I420,
    /** Packed 8-bit B, G, R, A; little-endian int ARGB, what JavaFX {@code PixelFormat.getByteBgraPreInstance()} reads. */
    BGRA;

    /** Bytes for one tightly packed frame. */
    public int frameBytes(int width, int height) {
        return switch (this) {
            case I420 -> width * height + 2 * ((width / 2) * (height / 2));
            case BGRA -> width * height * 4;
        };
    }
}
