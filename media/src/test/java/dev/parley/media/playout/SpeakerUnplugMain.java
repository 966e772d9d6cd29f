package dev.parley.media.playout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Child JVM of {@link SpeakerUnplugTest}: a playout writing 20 ms blocks to {@code SpeakerSink.openOrNull()}
 * (Java Sound → ALSA → the test's PulseAudio). Prints {@code ready <sink>} after 25 blocks, {@code change …}
 * for each route change and {@code after <n> <sink>} once 25 more blocks were written after the first
 * change; exit 0 then, 3 without a change within 20 s.
 */
public final class SpeakerUnplugMain {
    public static void main(String[] args) throws Exception {
        AtomicInteger written = new AtomicInteger();
        AtomicInteger atChange = new AtomicInteger(-1);
        CountDownLatch changed = new CountDownLatch(1);
        SpeakerRoute.shared().onChange(c -> {
            System.out.println("change fallback=" + c.fallback() + " to=" + c.to() + " message=" + c.message());
            atChange.compareAndSet(-1, written.get());
            changed.countDown();
        });
        AudioSink sink = SpeakerSink.openOrNull();
        Thread playout = Thread.ofPlatform().daemon().start(() -> {
            short[] block = new short[960];
            for (int i = 0; i < block.length; i++) {
                block[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 48_000.0));
            }
            while (!Thread.currentThread().isInterrupted()) {
                sink.write(block);
                if (written.incrementAndGet() == 25) {
                    System.out.println("ready " + sink.name());
                }
            }
        });
        if (!changed.await(40, TimeUnit.SECONDS)) {
            System.out.println("no change after " + written.get() + " blocks");
            System.exit(3);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (written.get() < atChange.get() + 25 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        System.out.println("after " + (written.get() - atChange.get()) + " " + sink.name());
        playout.interrupt();
        System.exit(0);
    }
}
