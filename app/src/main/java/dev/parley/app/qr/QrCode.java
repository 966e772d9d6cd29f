package dev.parley.app.qr;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A QR code symbol for a text (a room ticket), as a square of dark and light modules without the quiet
 * zone. Encoded with ZXing, error correction level M (15 %), which fits about 2,300 ASCII characters.
 */
public final class QrCode {
    /** Light modules a reader needs around the symbol. */
    public static final int QUIET_ZONE = 4;

    private final boolean[][] dark;

    private QrCode(boolean[][] dark) {
        this.dark = dark;
    }

    /**
     * Encodes {@code text} as UTF-8 bytes.
     *
     * @throws IllegalArgumentException when the text is empty or too long for a QR code
     */
    public static QrCode encode(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("nothing to encode");
        }
        try {
            var qr = Encoder.encode(text, ErrorCorrectionLevel.M,
                    Map.of(EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name()));
            ByteMatrix m = qr.getMatrix();
            boolean[][] modules = new boolean[m.getHeight()][m.getWidth()];
            for (int y = 0; y < m.getHeight(); y++) {
                for (int x = 0; x < m.getWidth(); x++) {
                    modules[y][x] = m.get(x, y) == 1;
                }
            }
            return new QrCode(modules);
        } catch (WriterException e) {
            throw new IllegalArgumentException("too long for a QR code (" + text.length() + " characters)", e);
        }
    }

    /** Modules per side (21 for version 1, up to 177). */
    public int size() {
        return dark.length;
    }

    public boolean isDark(int x, int y) {
        return dark[y][x];
    }
}
