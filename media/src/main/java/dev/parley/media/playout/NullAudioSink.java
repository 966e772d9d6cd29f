package dev.parley.media.playout;

import java.util.function.Consumer;

/**
 * A sink without a device: it paces writes at real time (so playout runs exactly as with a
 * speaker) and optionally hands the PCM to a tap, which tests use to inspect what would be heard.
 */
public final class NullAudioSink implements AudioSink {
    private final Consumer<short[]> tap;
    private volatile long deadline = -1;

    public NullAudioSink(Consumer<short[]> tap) {
        this.tap = tap;
    }

    public NullAudioSink() {
        this(pcm -> { });
    }

    @Override
    public void write(short[] pcm) {
        tap.accept(pcm);
        long now = System.nanoTime();
        if (deadline < 0 || now - deadline > 200_000_000L) {
            deadline = now;
        }
        deadline += pcm.length * 1_000_000_000L / 48_000;
        long wait = deadline - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public long latencyMicros() {
        // what is "playing" now: the previous block runs until the deadline
        return deadline < 0 ? 0 : Math.max(0, deadline - System.nanoTime()) / 1000;
    }

    @Override
    public String name() {
        return "none (no output device)";
    }

    @Override
    public void close() {
    }
}
