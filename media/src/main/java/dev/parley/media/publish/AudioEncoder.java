package dev.parley.media.publish;

import dev.parley.media.codec.EncodedAudio;
import dev.parley.media.codec.OpusEncoder;
import dev.parley.media.source.AudioSource;
import dev.parley.media.source.SourceSubscription;
import dev.parley.media.stats.RateMeter;

import java.util.function.Consumer;

/**
 * The Opus pipeline: cuts the captured blocks into packets of the chosen duration (20 ms, or 10 ms
 * for the track a hang web player takes; {@link AudioReblocker}), encodes each on the audio capture
 * thread (about 0.2 ms of work, so no extra thread or queue) and hands packets to the output. Runs
 * only while open.
 */
public final class AudioEncoder implements AutoCloseable {
    private final OpusEncoder encoder;
    private final SourceSubscription subscription;
    private final RateMeter meter = new RateMeter();
    private boolean closed;

    public AudioEncoder(AudioSource source, long bitrate, Consumer<EncodedAudio> output) {
        this(source, bitrate, OpusEncoder.FRAME_MICROS, output);
    }

    /** {@code frameMicros}: the packet duration, 20 000 or 10 000 µs. */
    public AudioEncoder(AudioSource source, long bitrate, long frameMicros, Consumer<EncodedAudio> output) {
        this.encoder = new OpusEncoder(source.channels(), bitrate, OpusEncoder.DEFAULT_LOSS_PERCENT, frameMicros);
        AudioReblocker reblocker = new AudioReblocker(encoder.frameSamples());
        this.subscription = source.subscribe(block -> {
            synchronized (this) {
                if (closed) {
                    return;
                }
                for (var packet : reblocker.add(block)) {
                    long t0 = System.nanoTime();
                    for (EncodedAudio p : encoder.encode(packet)) {
                        meter.record(p.data().length, System.nanoTime() - t0);
                        output.accept(p);
                    }
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
