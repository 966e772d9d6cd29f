package dev.parley.app.testing;

import dev.parley.app.service.BgraFrame;
import dev.parley.app.service.VideoFeed;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A one-slot mailbox of test frames; records the viewport requests and releases. */
public final class SolidFeed implements VideoFeed {
    private final AtomicReference<BgraFrame> slot = new AtomicReference<>();
    public final AtomicInteger released = new AtomicInteger();
    public volatile int viewportWidth = -1;
    public volatile int viewportHeight = -1;

    /** Offers a frame of one colour (B, G, R bytes; opaque); replaces an untaken one. */
    public void offer(int width, int height, int b, int g, int r) {
        ByteBuffer buf = ByteBuffer.allocateDirect(width * height * 4);
        for (int i = 0; i < width * height; i++) {
            buf.put((byte) b).put((byte) g).put((byte) r).put((byte) 255);
        }
        buf.flip();
        offer(new BgraFrame(buf, width, height, width * 4, released::incrementAndGet));
    }

    public void offer(BgraFrame frame) {
        BgraFrame old = slot.getAndSet(frame);
        if (old != null) {
            old.close();
        }
    }

    @Override
    public BgraFrame poll() {
        return slot.getAndSet(null);
    }

    @Override
    public void setViewport(int width, int height) {
        viewportWidth = width;
        viewportHeight = height;
    }
}
