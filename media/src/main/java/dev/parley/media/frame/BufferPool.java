package dev.parley.media.frame;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * A bounded pool of equally sized direct buffers. Frames return their buffer here when the last
 * holder releases them, so steady-state capture and decode allocate no native memory.
 */
public final class BufferPool {
    private final int bufferSize;
    private final ArrayBlockingQueue<ByteBuffer> free;

    public BufferPool(int bufferSize, int maxPooled) {
        this.bufferSize = bufferSize;
        this.free = new ArrayBlockingQueue<>(maxPooled);
    }

    public int bufferSize() {
        return bufferSize;
    }

    /** A cleared buffer of {@link #bufferSize()} bytes, reused when one is free. */
    public ByteBuffer take() {
        ByteBuffer b = free.poll();
        if (b == null) {
            b = ByteBuffer.allocateDirect(bufferSize);
        }
        b.clear();
        return b;
    }

    /** Returns a buffer; dropped (left to the GC) when the pool is full. */
    public void give(ByteBuffer buffer) {
        if (buffer.capacity() == bufferSize) {
            free.offer(buffer);
        }
    }
}
