package dev.parley.media.voice;

import dev.parley.media.frame.AudioBlock;
import dev.parley.media.playout.AudioSink;
import dev.parley.media.source.AudioSource;

import java.util.List;
import java.util.Optional;

/**
 * Echo cancellation, noise suppression and gain control for the microphone, with everything the app
 * plays as the echo reference. There is one per process ({@link #shared()}): one speaker, one
 * microphone. Speaker sinks are wrapped with {@link #tap} (their blocks go to a {@link FarEndMixer});
 * the microphone with {@link #process}, whose capture thread drains the mixed far end into the
 * {@link EchoCanceller} and then processes each block, so the native module is only ever called from
 * that one thread. On by default; {@link #setEnabled} switches it at once (the canceller re-converges
 * within about a second when switched back on). If the native library does not load, the microphone
 * passes through unchanged and {@link #stats()} says why. Thread-safe.
 */
public final class VoiceProcessing {
    private static final VoiceProcessing SHARED = new VoiceProcessing();
    /**
     * How far ahead of a microphone block's end the far end is drained with it. The canceller must get
     * each far-end frame no later than the microphone frame that holds its echo, and an echo can come
     * back as soon as the block sounds (a speaker next to the microphone; a loop through the sound
     * server, where it measured 0 ± 12 ms after the placement), while the mixer hands out frames
     * {@value FarEndMixer#SETTLE_SLOTS} slots behind the time it is given. With 50 ms the reference
     * leads the microphone by 20 ms; what is drained was written long before (the speakers hold 60 ms).
     */
    static final long REFERENCE_LEAD_NANOS = 50_000_000L;

    private final FarEndMixer farEnd = new FarEndMixer();
    private volatile boolean enabled = true;
    private volatile EchoStats stats = EchoStats.OFF;
    private volatile long statsAtNanos;

    /** A separate instance (tests); the app uses {@link #shared()}. */
    VoiceProcessing() {
    }

    /** The process's voice processing. */
    public static VoiceProcessing shared() {
        return SHARED;
    }

    /** Switches processing on or off for the microphone from its next block. */
    public void setEnabled(boolean on) {
        enabled = on;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Whether it is active (a processed microphone captured within the last second), its echo reduction estimate, or why it cannot run. */
    public EchoStats stats() {
        EchoStats s = stats;
        return System.nanoTime() - statsAtNanos > 1_000_000_000L && s.unavailable() == null ? EchoStats.OFF : s;
    }

    private void report(EchoStats s) {
        stats = s;
        statsAtNanos = System.nanoTime();
    }

    /** How often the echo reference's timeline was re-anchored (more than once: stalls or drift; tests). */
    long farEndReanchors() {
        return farEnd.reanchors();
    }

    /** How often a playout's blocks were placed anew in the echo reference (tests). */
    long farEndResyncs() {
        return farEnd.resyncs();
    }

    /** A sink that also feeds what it plays into the echo reference. */
    public AudioSink tap(AudioSink sink) {
        return new AudioSink() {
            @Override
            public void write(short[] pcm) {
                // it sounds once what the sink already holds has played
                farEnd.add(this, pcm, System.nanoTime() + sink.latencyMicros() * 1000);
                sink.write(pcm);
            }

            @Override
            public long latencyMicros() {
                return sink.latencyMicros();
            }

            @Override
            public String name() {
                return sink.name();
            }

            @Override
            public void close() {
                farEnd.remove(this);
                sink.close();
            }
        };
    }

    /** The microphone with echo cancellation, noise suppression and gain control applied (mono only). */
    public AudioSource process(AudioSource microphone) {
        return microphone.channels() == 1 ? new ProcessedMicrophone(microphone, this) : microphone;
    }

    /**
     * When the block's last sample was captured, on {@link System#nanoTime()}'s clock: from its capture
     * timestamp (the microphone's sample clock), so a processing thread that runs late still lines the
     * block up with the far end that sounded while it was recorded; now for sources without a plausible
     * timestamp (older than a second, or in the future).
     */
    static long capturedUntilNanos(AudioBlock block) {
        long now = System.nanoTime();
        long ageNanos = (dev.parley.media.source.Clock.nowMicros() - block.captureMicros()) * 1000;
        long durationNanos = block.samples().length / block.channels() * 1_000_000_000L / block.sampleRate();
        return ageNanos >= durationNanos && ageNanos < 1_000_000_000L ? now - ageNanos + durationNanos : now;
    }

    /**
     * Runs on the processed microphone's capture thread: feeds the far end played since the last block,
     * then cleans this block in place. {@code canceller} is that thread's (created lazily; empty if
     * the library does not load).
     */
    AudioBlock apply(AudioBlock block, Optional<EchoCanceller> canceller, EchoMeter meter) {
        List<short[]> far = farEnd.drain(block.samples().length / EchoCanceller.FRAME_SAMPLES,
                capturedUntilNanos(block) + REFERENCE_LEAD_NANOS);
        if (canceller.isEmpty()) {
            report(new EchoStats(false, Double.NaN, EchoCanceller.loadFailure()));
            return block;
        }
        if (!enabled) {
            report(EchoStats.OFF);
            return block;
        }
        EchoCanceller aec = canceller.get();
        for (short[] f : far) {
            aec.render(f);
        }
        short[] samples = block.samples().clone();
        short[] before = new short[EchoCanceller.FRAME_SAMPLES];
        short[] after = new short[EchoCanceller.FRAME_SAMPLES];
        short[] lastFar = far.isEmpty() ? new short[EchoCanceller.FRAME_SAMPLES] : far.get(far.size() - 1);
        for (int off = 0; off + EchoCanceller.FRAME_SAMPLES <= samples.length; off += EchoCanceller.FRAME_SAMPLES) {
            System.arraycopy(samples, off, before, 0, before.length);
            aec.capture(samples, off);
            System.arraycopy(samples, off, after, 0, after.length);
            meter.frame(lastFar, before, after);
        }
        report(new EchoStats(true, meter.reductionDb(), null));
        return new AudioBlock(samples, block.sampleRate(), block.channels(), block.captureMicros());
    }
}
