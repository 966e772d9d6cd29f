package dev.parley.media.frame;

/**
 * A block of 16-bit PCM, interleaved when {@code channels > 1}.
 *
 * @param captureMicros capture time of the first sample, microseconds since the Unix epoch
 */
public record AudioBlock(short[] samples, int sampleRate, int channels, long captureMicros) {
    public int frames() {
        return samples.length / channels;
    }

    public long durationMicros() {
        return frames() * 1_000_000L / sampleRate;
    }
}
