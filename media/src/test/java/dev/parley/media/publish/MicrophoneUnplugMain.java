package dev.parley.media.publish;

import dev.parley.media.source.MicrophoneSource;
import dev.parley.media.source.SourceSubscription;
import dev.parley.media.source.TestPatternSource;
import dev.parley.media.voice.VoiceProcessing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Child JVM of {@link MicrophoneUnplugTest}: a call's local media on the real default microphone
 * (Java Sound → ALSA → the test's PulseAudio), counting what the microphone slot delivers. Prints
 * {@code ready <device>} after 0.5 s of audio, {@code change …} for each device change and
 * {@code after <n>} once 25 more blocks came after the first change; exit 0 then, 3 when no change
 * came within 20 s.
 */
public final class MicrophoneUnplugMain {
    public static void main(String[] args) throws Exception {
        AtomicInteger blocks = new AtomicInteger();
        AtomicInteger atChange = new AtomicInteger(-1);
        CountDownLatch ready = new CountDownLatch(25);
        CountDownLatch changed = new CountDownLatch(1);
        try (LocalMedia media = LocalMedia.withSources(new TestPatternSource(640, 360, 30),
                VoiceProcessing.shared().process(MicrophoneSource.open(null)), PublishOptions.defaults())) {
            media.onDeviceChange(c -> {
                System.out.println("change fallback=" + c.fallback() + " to=" + c.to() + " message=" + c.message());
                atChange.compareAndSet(-1, blocks.get());
                changed.countDown();
            });
            try (SourceSubscription sub = media.microphone().subscribe(b -> {
                blocks.incrementAndGet();
                ready.countDown();
            })) {
                if (!ready.await(20, TimeUnit.SECONDS)) {
                    System.out.println("no audio from " + media.microphoneName());
                    System.exit(2);
                }
                System.out.println("ready " + media.microphoneName());
                if (!changed.await(20, TimeUnit.SECONDS)) {
                    System.out.println("no change");
                    System.exit(3);
                }
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (blocks.get() < atChange.get() + 25 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                System.out.println("after " + (blocks.get() - atChange.get()) + " now=" + media.microphoneName());
            }
        }
        System.exit(0);
    }
}
