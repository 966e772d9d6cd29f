package dev.parley.media.voice;

import dev.parley.media.frame.AudioBlock;
import dev.parley.media.source.AudioSource;
import dev.parley.media.source.SourceSubscription;

import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A microphone passed through {@link VoiceProcessing}: its own capture thread takes the device's
 * blocks from a short queue (the newest win: a stalled consumer never backs up the device) and
 * processes them; it owns the native {@link EchoCanceller}, created when capture starts and disposed
 * when it stops. Errors of the device are reported as this source's own.
 */
final class ProcessedMicrophone extends AudioSource {
    private static final int QUEUE = (int) (200_000 / BLOCK_MICROS); // 200 ms of blocks

    private final AudioSource device;
    private final VoiceProcessing processing;
    private final BlockingQueue<AudioBlock> blocks = new ArrayBlockingQueue<>(QUEUE);
    private volatile RuntimeException deviceError;
    private SourceSubscription subscription;
    private Optional<EchoCanceller> canceller = Optional.empty();
    private EchoMeter meter;

    ProcessedMicrophone(AudioSource device, VoiceProcessing processing) {
        super(device.name());
        this.device = device;
        this.processing = processing;
        device.onError(e -> deviceError = e);
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    protected void open() {
        blocks.clear();
        deviceError = null;
        canceller = EchoCanceller.create();
        meter = new EchoMeter();
        subscription = device.subscribe(b -> {
            while (!blocks.offer(b)) {
                blocks.poll();
            }
        });
    }

    @Override
    protected AudioBlock capture() {
        try {
            AudioBlock b = blocks.poll(100, TimeUnit.MILLISECONDS);
            if (deviceError != null) {
                throw deviceError;
            }
            return b == null ? null : processing.apply(b, canceller, meter);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        super.close();
        device.close();
    }

    @Override
    protected void closeDevice() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
        canceller.ifPresent(EchoCanceller::close);
        canceller = Optional.empty();
    }
}
