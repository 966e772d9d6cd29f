package dev.parley.app.qr;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Encodes tickets and reads them back with ZXing's decoder from a rendered bitmap. */
class QrCodeTest {
    private static String decode(QrCode qr) throws Exception {
        int scale = 4;
        int side = (qr.size() + 2 * QrCode.QUIET_ZONE) * scale;
        int[] pixels = new int[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int mx = x / scale - QrCode.QUIET_ZONE;
                int my = y / scale - QrCode.QUIET_ZONE;
                boolean dark = mx >= 0 && my >= 0 && mx < qr.size() && my < qr.size() && qr.isDark(mx, my);
                pixels[y * side + x] = dark ? 0xFF000000 : 0xFFFFFFFF;
            }
        }
        var bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(side, side, pixels)));
        return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
    }

    @Test
    void shortAndLongTicketsRoundTrip() throws Exception {
        String shortTicket = "roomabcdefghijklmnopqrstuvwxyz234567";
        assertThat(decode(QrCode.encode(shortTicket))).isEqualTo(shortTicket);
        String longTicket = "room" + "a1b2c3d4e5".repeat(150);
        QrCode big = QrCode.encode(longTicket);
        assertThat(big.size()).isGreaterThan(100);
        assertThat(decode(big)).isEqualTo(longTicket);
    }

    @Test
    void tooLongOrEmptyIsAClearError() {
        assertThatThrownBy(() -> QrCode.encode("x".repeat(5000))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too long");
        assertThatThrownBy(() -> QrCode.encode("")).isInstanceOf(IllegalArgumentException.class);
    }
}
