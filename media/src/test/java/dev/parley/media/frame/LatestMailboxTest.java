package dev.parley.media.frame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class LatestMailboxTest {
    @Test
    void slowReaderSeesOnlyTheNewestAndReplacedFramesAreReleased() throws Exception {
        BufferPool pool = new BufferPool(PixelFormat.BGRA.frameBytes(4, 4), 4);
        LatestMailbox<VideoFrame> box = LatestMailbox.forFrames();
        VideoFrame a = VideoFrame.allocate(4, 4, PixelFormat.BGRA, 1, pool);
        VideoFrame b = VideoFrame.allocate(4, 4, PixelFormat.BGRA, 2, pool);
        box.put(a);
        box.put(b);
        assertThat(box.dropped()).isEqualTo(1);
        assertThatThrownBy(a::retain).as("replaced frame was released").isInstanceOf(IllegalStateException.class);
        VideoFrame got = box.take(1, TimeUnit.SECONDS);
        assertThat(got.captureMicros()).isEqualTo(2);
        got.close();
        assertThat(box.poll()).isNull();
        Thread t = Thread.ofVirtual().start(() -> box.put(VideoFrame.allocate(4, 4, PixelFormat.BGRA, 3, pool)));
        VideoFrame c = box.take(5, TimeUnit.SECONDS);
        assertThat(c.captureMicros()).isEqualTo(3);
        c.close();
        t.join();
        box.close();
        VideoFrame d = VideoFrame.allocate(4, 4, PixelFormat.BGRA, 4, pool);
        box.put(d);
        assertThatThrownBy(d::retain).as("put after close releases").isInstanceOf(IllegalStateException.class);
        assertThat(box.take(10, TimeUnit.MILLISECONDS)).isNull();
    }
}
