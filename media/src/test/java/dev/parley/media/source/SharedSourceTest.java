package dev.parley.media.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The capture thread's lifecycle: started by the first sink, fully gone when the last one leaves. */
@Timeout(30)
class SharedSourceTest {
    /** Counts items every 5 ms and remembers its capture thread. */
    private static final class CountingSource extends SharedSource<Integer> {
        final AtomicReference<Thread> captureThread = new AtomicReference<>();
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closedDevice = new AtomicInteger();
        private int next;

        CountingSource() {
            super("counting");
        }

        @Override
        protected void open() {
            captureThread.set(Thread.currentThread());
            opened.incrementAndGet();
        }

        @Override
        protected Integer capture() {
            sleepUntil(System.nanoTime() + 5_000_000);
            return next++;
        }

        @Override
        protected void release(Integer item) {
        }

        @Override
        protected void closeDevice() {
            closedDevice.incrementAndGet();
        }
    }

    @Test
    void whenTheLastSinkLeavesTheCaptureThreadHasEndedAndTheDeviceIsClosed() throws Exception {
        try (CountingSource source = new CountingSource()) {
            for (int round = 1; round <= 3; round++) {
                CountDownLatch items = new CountDownLatch(3);
                SourceSubscription sub = source.subscribe(i -> items.countDown());
                assertThat(items.await(10, TimeUnit.SECONDS)).isTrue();
                Thread t = source.captureThread.get();
                sub.close();
                // the stop joins the thread: it must be gone by now, not still waiting to tidy up
                // (it used to block on the lock the stop held, so the join ran into its 2 s limit)
                assertThat(t.isAlive()).as("capture thread after stop, round %d", round).isFalse();
                assertThat(source.isCapturing()).isFalse();
                assertThat(source.closedDevice.get()).isEqualTo(round);
                assertThat(source.opened.get()).isEqualTo(round);
            }
        }
    }
}
