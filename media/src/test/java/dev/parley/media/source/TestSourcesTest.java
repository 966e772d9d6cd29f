package dev.parley.media.source;

import dev.parley.media.frame.VideoFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class TestSourcesTest {
    @Test
    void patternCarriesCaptureTimeBarcodeAndStopsWhenUnsubscribed() throws Exception {
        TestPatternSource src = new TestPatternSource(640, 360, 30);
        List<long[]> seen = new ArrayList<>();
        CountDownLatch ten = new CountDownLatch(10);
        var sub = src.subscribe(f -> {
            synchronized (seen) {
                seen.add(new long[]{f.captureMicros() / 1000, TimestampBarcode.read(f)});
            }
            ten.countDown();
        });
        assertThat(ten.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(src.isCapturing()).isTrue();
        sub.close();
        assertThat(src.isCapturing()).as("capture stops when nothing consumes it").isFalse();
        long count = src.capturedCount();
        Thread.sleep(100);
        assertThat(src.capturedCount()).isEqualTo(count);
        synchronized (seen) {
            assertThat(seen).allSatisfy(p -> assertThat(p[1]).isEqualTo(p[0]));
        }
    }

    @Test
    void barcodeBitOrderIsMsbLeft() {
        VideoFrame f = VideoFrame.allocate(128, 64, dev.parley.media.frame.PixelFormat.I420, 0, null);
        TimestampBarcode.draw(f.data(), 128, 64, 1L); // only bit 0 set → only the rightmost block white
        assertThat(Byte.toUnsignedInt(f.data().get(127 - 1))).isEqualTo(235);
        assertThat(Byte.toUnsignedInt(f.data().get(0))).isEqualTo(16);
        TimestampBarcode.draw(f.data(), 128, 64, Long.MIN_VALUE); // bit 63 → leftmost block white
        assertThat(Byte.toUnsignedInt(f.data().get(0))).isEqualTo(235);
        assertThat(TimestampBarcode.read(f)).isEqualTo(Long.MIN_VALUE);
        f.close();
    }
}
