package dev.parley.net.relay;

import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded queue of messages for one channel, fed from any thread and drained on the channel's event
 * loop: one task per burst rather than one per message, and only while the channel is writable, so a
 * slow reader's backlog stays here (bounded, counted as drops by the caller) instead of growing Netty's
 * outbound buffer. The owner's handler calls {@link #drain()} when the channel becomes writable again and
 * {@link #discard()} when it closes.
 */
final class OutboundQueue {
    private final Channel channel;
    private final int capacity;
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    OutboundQueue(Channel channel, int capacity) {
        this.channel = channel;
        this.capacity = capacity;
    }

    /** Queues {@code msg} (any thread); false, and {@code msg} released, when the queue is full. */
    boolean offer(Object msg) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            ReferenceCountUtil.release(msg);
            return false;
        }
        queue.add(msg);
        if (scheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(this::drain);
            } catch (RejectedExecutionException shutDown) {
                discard();
            }
        }
        return true;
    }

    /** Writes what is queued while the channel takes it (event loop). */
    void drain() {
        scheduled.set(false); // first: an offer racing with this drain schedules another
        if (!channel.isActive()) {
            discard();
            return;
        }
        boolean wrote = false;
        while (channel.isWritable()) {
            Object msg = queue.poll();
            if (msg == null) {
                break;
            }
            size.decrementAndGet();
            channel.write(msg, channel.voidPromise());
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    /** Releases everything queued (the channel is gone). */
    void discard() {
        Object msg;
        while ((msg = queue.poll()) != null) {
            size.decrementAndGet();
            ReferenceCountUtil.release(msg);
        }
    }

    int size() {
        return size.get();
    }
}
