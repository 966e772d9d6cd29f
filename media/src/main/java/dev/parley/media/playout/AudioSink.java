package dev.parley.media.playout;

/**
 * Where decoded PCM goes. {@link #write} blocks roughly until the device can take more, which is
 * what paces the playout thread at real time.
 */
public interface AudioSink extends AutoCloseable {
    /** Writes 48 kHz 16-bit interleaved PCM. */
    void write(short[] pcm);

    /** Audio written but not yet heard, in microseconds. */
    long latencyMicros();

    /** Name for stats ("speaker: …", "none"). */
    String name();

    @Override
    void close();
}
