package dev.parley.media.playout;

import dev.parley.media.stats.AudioLevelMeter;

/**
 * A sink that measures every block on its way to the device, so the level is what is being played:
 * decoded audio, concealment, or the silence written while the jitter buffer refills.
 */
public final class MeteredSink implements AudioSink {
    private final AudioSink sink;
    private final AudioLevelMeter meter;
    private final int channels;

    public MeteredSink(AudioSink sink, AudioLevelMeter meter, int channels) {
        this.sink = sink;
        this.meter = meter;
        this.channels = channels;
    }

    @Override
    public void write(short[] pcm) {
        meter.measure(pcm, 48_000, channels);
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
        sink.close();
    }
}
