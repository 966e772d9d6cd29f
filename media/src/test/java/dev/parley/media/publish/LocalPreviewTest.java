package dev.parley.media.publish;

import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.source.TestPatternSource;
import dev.parley.media.source.TimestampBarcode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class LocalPreviewTest {
    @Test
    void previewDeliversScaledBgraWithTheCaptureBarcodeAndReleasesTheSource() {
        TestPatternSource src = TestPatternSource.hd();
        try (LocalPreview preview = new LocalPreview(src, 640, 360)) {
            VideoFrame f = preview.takeFrame(Duration.ofSeconds(10));
            assertThat(f).isNotNull();
            try (f) {
                assertThat(f.format()).isEqualTo(PixelFormat.BGRA);
                assertThat(f.width()).isEqualTo(640);
                assertThat(TimestampBarcode.read(f, 720)).isEqualTo(f.captureMicros() / 1000);
            }
            assertThat(src.isCapturing()).isTrue();
        }
        assertThat(src.isCapturing()).as("closing the preview stops capture").isFalse();
        src.close();
    }
}
