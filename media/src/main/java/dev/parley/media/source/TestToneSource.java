package dev.parley.media.source;

import dev.parley.media.frame.AudioBlock;

/** A synthetic microphone: a continuous sine tone in 10 ms mono blocks, paced to the wall clock. */
public final class TestToneSource extends AudioSource {
    private final double frequency;
    private volatile double amplitude;
    private long sampleIndex;
    private long nextDeadline;

    public TestToneSource(double frequency, double amplitude) {
        this("test tone " + (int) frequency + " Hz", frequency, amplitude);
    }

    private TestToneSource(String name, double frequency, double amplitude) {
        super(name);
        this.frequency = frequency;
        this.amplitude = amplitude;
    }

    /** Digital silence paced like a microphone: what a call falls back to when no microphone works. */
    public static TestToneSource silence() {
        return new TestToneSource("silence (no microphone)", 1000, 0);
    }

    public TestToneSource() {
        this(1000, 0.3);
    }

    /** Changes the amplitude (0..1 of full scale) from the next block on; 0 makes it digital silence. */
    public void setAmplitude(double amplitude) {
        this.amplitude = Math.clamp(amplitude, 0.0, 1.0);
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    protected void open() {
        nextDeadline = System.nanoTime();
    }

    @Override
    protected AudioBlock capture() {
        if (!sleepUntil(nextDeadline)) {
            return null;
        }
        nextDeadline += BLOCK_MICROS * 1000;
        if (System.nanoTime() - nextDeadline > 1_000_000_000L) {
            nextDeadline = System.nanoTime();
        }
        return new AudioBlock(generate(BLOCK_FRAMES), SAMPLE_RATE, 1, Clock.nowMicros());
    }

    /** The next {@code frames} samples of the tone (phase-continuous across calls). */
    public short[] generate(int frames) {
        short[] s = new short[frames];
        double step = 2 * Math.PI * frequency / SAMPLE_RATE;
        double amplitude = this.amplitude;
        for (int i = 0; i < frames; i++) {
            s[i] = (short) Math.round(Math.sin(step * (sampleIndex + i)) * amplitude * Short.MAX_VALUE);
        }
        sampleIndex += frames;
        return s;
    }

    @Override
    protected void closeDevice() {
    }
}
