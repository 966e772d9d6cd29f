package dev.parley.media.source;

import dev.parley.media.frame.AudioBlock;
import dev.parley.media.frame.VideoFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Device switching under one subscription: the subscriber keeps its subscription while the device
 * behind it is switched or fails. The failing microphone and camera are test doubles (a device that
 * stops with the error a real one raises), the only way to fail on cue without hardware; the real
 * unplug of a PulseAudio source is {@code dev.parley.media.publish.MicrophoneUnplugTest}.
 */
@Timeout(30)
class SwitchingSourceTest {
    /** A tone that fails like an unplugged device after {@code blocks} blocks. */
    private static final class FailingMicrophone extends AudioSource {
        private final TestToneSource tone = new TestToneSource(440, 0.2);
        private final int blocks;
        private int captured;
        private long next;

        FailingMicrophone(String name, int blocks) {
            super(name);
            this.blocks = blocks;
        }

        @Override
        public int channels() {
            return 1;
        }

        @Override
        protected void open() {
            next = System.nanoTime();
        }

        @Override
        protected AudioBlock capture() {
            if (captured++ >= blocks) {
                throw new DeviceUnavailableException(DeviceKind.MICROPHONE, name(), "line closed", List.of(), null);
            }
            sleepUntil(next += 20_000_000L);
            return new AudioBlock(tone.generate(BLOCK_FRAMES), SAMPLE_RATE, 1, Clock.nowMicros());
        }

        @Override
        protected void closeDevice() {
        }
    }

    /** A test pattern that fails like an unplugged camera after {@code frames} frames. */
    private static final class FailingCamera extends VideoSource {
        private final TestPatternSource pattern = new TestPatternSource(128, 72, 50);
        private final int frames;
        private final AtomicInteger captured = new AtomicInteger();
        private SourceSubscription sub;
        private final java.util.concurrent.BlockingQueue<VideoFrame> q = new java.util.concurrent.ArrayBlockingQueue<>(64);

        FailingCamera(int frames) {
            super("failing camera", 128, 72, 50);
            this.frames = frames;
        }

        @Override
        protected void open() {
            sub = pattern.subscribe(f -> {
                if (!q.offer(f.retain())) {
                    f.close();
                }
            });
        }

        @Override
        protected VideoFrame capture() {
            if (captured.incrementAndGet() > frames) {
                throw new DeviceUnavailableException(DeviceKind.CAMERA, name(), "no such device (unplugged)", List.of(), null);
            }
            try {
                return q.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        @Override
        protected void closeDevice() {
            sub.close();
            pattern.close();
            for (VideoFrame f; (f = q.poll()) != null; ) {
                f.close();
            }
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** The dominant frequency of a block, by zero crossings. */
    private static double frequency(short[] s) {
        int crossings = 0;
        for (int i = 1; i < s.length; i++) {
            if ((s[i - 1] < 0) != (s[i] < 0)) {
                crossings++;
            }
        }
        return crossings / 2.0 / (s.length / (double) AudioSource.SAMPLE_RATE);
    }

    @Test
    void aSwitchedMicrophoneReachesTheSameSubscriberAndTheOldOneStops() throws Exception {
        TestToneSource a = new TestToneSource(500, 0.3);
        TestToneSource b = new TestToneSource(2000, 0.3);
        List<DeviceChange> changes = new CopyOnWriteArrayList<>();
        List<Double> heard = new CopyOnWriteArrayList<>();
        try (SwitchingAudioSource mic = new SwitchingAudioSource(a, failed -> TestToneSource.silence())) {
            mic.onChange(changes::add);
            try (SourceSubscription sub = mic.subscribe(block -> heard.add(frequency(block.samples())))) {
                await(() -> heard.size() >= 10, "blocks of the first microphone");
                mic.switchTo(b);
                int at = heard.size();
                await(() -> heard.size() >= at + 10, "blocks after the switch");
                assertThat(heard.getLast()).isBetween(1900.0, 2100.0);
                assertThat(heard.getFirst()).isBetween(450.0, 550.0);
                assertThat(a.isCapturing()).as("the old microphone stopped").isFalse();
                assertThat(b.isCapturing()).isTrue();
                assertThat(mic.current()).isSameAs(b);
            }
            assertThat(b.isCapturing()).as("no subscriber: the device stops too").isFalse();
        }
        assertThat(changes).containsExactly(new DeviceChange(DeviceKind.MICROPHONE, "test tone 500 Hz", "test tone 2000 Hz", null));
    }

    @Test
    void aMicrophoneThatFailsIsReplacedByTheFallbackAndTheSubscriberKeepsGettingBlocks() throws Exception {
        List<Set<String>> asked = new CopyOnWriteArrayList<>();
        List<DeviceChange> changes = new CopyOnWriteArrayList<>();
        AtomicInteger blocks = new AtomicInteger();
        // the first fallback fails too: the second ask names both, and the silence takes over
        try (SwitchingAudioSource mic = new SwitchingAudioSource(new FailingMicrophone("usb mic", 10), failed -> {
            asked.add(failed);
            return failed.size() == 1 ? new FailingMicrophone("laptop mic", 5) : TestToneSource.silence();
        })) {
            mic.onChange(changes::add);
            try (SourceSubscription sub = mic.subscribe(b -> blocks.incrementAndGet())) {
                await(() -> changes.size() == 2, "two fallbacks");
                int at = blocks.get();
                await(() -> blocks.get() >= at + 10, "blocks from the silence");
            }
            assertThat(mic.current().name()).isEqualTo("silence (no microphone)");
        }
        assertThat(asked).containsExactly(Set.of("usb mic"), Set.of("usb mic", "laptop mic"));
        assertThat(changes).extracting(DeviceChange::from, DeviceChange::to, DeviceChange::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("usb mic", "laptop mic", "line closed"),
                org.assertj.core.groups.Tuple.tuple("laptop mic", "silence (no microphone)", "line closed"));
        assertThat(changes.getFirst().message()).isEqualTo(
                "Microphone \"usb mic\" stopped (line closed); now using \"laptop mic\".");
    }

    @Test
    void anUnpluggedCameraFallsBackToTheTestPatternUnderTheSameSubscription() throws Exception {
        List<DeviceChange> changes = new CopyOnWriteArrayList<>();
        List<Integer> widths = new CopyOnWriteArrayList<>();
        try (SwitchingVideoSource camera = new SwitchingVideoSource(new FailingCamera(15),
                failed -> new TestPatternSource(192, 108, 50))) {
            camera.onChange(changes::add);
            assertThat(camera.width()).isEqualTo(128);
            try (SourceSubscription sub = camera.subscribe(f -> widths.add(f.width()))) {
                await(() -> widths.contains(192) && widths.stream().filter(w -> w == 192).count() >= 10,
                        "frames from the fallback");
            }
            assertThat(camera.width()).as("nominal size stays the first camera's").isEqualTo(128);
        }
        assertThat(widths.getFirst()).isEqualTo(128);
        assertThat(changes).hasSize(1);
        assertThat(changes.getFirst().fallback()).isTrue();
        assertThat(changes.getFirst().message()).isEqualTo(
                "Camera \"failing camera\" stopped (no such device (unplugged)); now using \"test pattern 192x108\".");
    }

    @Test
    void theFallbackSkipsDevicesThatFailedInThisCall() {
        List<DeviceInfo> mics = List.of(new DeviceInfo(DeviceKind.MICROPHONE, 0, "usb", "usb", "javasound"),
                new DeviceInfo(DeviceKind.MICROPHONE, 1, "laptop", "laptop", "javasound"));
        assertThat(DeviceFallback.next(mics, Set.of("usb"))).map(DeviceInfo::name).contains("laptop");
        assertThat(DeviceFallback.next(mics, Set.of("laptop"))).map(DeviceInfo::name).contains("usb");
        assertThat(DeviceFallback.next(mics, Set.of("usb", "laptop"))).isEmpty();
        assertThat(DeviceFallback.next(List.of(), Set.of("usb"))).isEmpty();
    }
}
