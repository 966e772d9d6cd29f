package dev.parley.media.publish;

import dev.parley.media.codec.EncodedAudio;
import dev.parley.media.codec.OpusEncoder;
import dev.parley.media.source.AudioSource;
import dev.parley.media.source.SourceSubscription;
import dev.parley.media.stats.RateMeter;

import java.util.function.Consumer;

/**
 * The Opus pipeline: encodes each 20 ms block on the audio capture thread (about 0.2 ms of work, so
 * no extra thread or queue) and hands packets to the output. Runs only while open.
 */
public final class AudioEncoder implements AutoCloseable {
    private final OpusEncoder encoder;
    private final SourceSubscription subscription;
    private final RateMeter meter = new RateMeter();
    private boolean closed;

    public AudioEncoder(AudioSource source, long bitrate, Consumer<EncodedAudio> output) {
        this.encoder = new OpusEncoder(source.channels(), bitrate);
        this.subscription = source.subscribe(block -> {
            synchronized (this) {
                if (closed) {
                    return;
                }
                long t0 = System.nanoTime();
                for (EncodedAudio p : encoder.encode(block)) {
                    meter.record(p.data().length, System.nanoTime() - t0);
                    output.accept(p);
                }
            }
        });
    }

    public long bitrateBps() {
        return meter.bitsPerSecond();
    }

    public long packets() {
        return meter.total();
    }

    @Override
    public void close() {
        subscription.close();
        synchronized (this) {
            if (!closed) {
                closed = true;
                encoder.close();
            }
        }
    }
}
