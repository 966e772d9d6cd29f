package dev.parley.media.publish;

import dev.parley.media.codec.EncodedVideo;
import dev.parley.media.codec.H264Encoder;
import dev.parley.media.codec.VideoEncoderConfig;
import dev.parley.media.frame.LatestMailbox;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.source.SourceSubscription;
import dev.parley.media.source.VideoSource;
import dev.parley.media.stats.EncoderStats;
import dev.parley.media.stats.RateMeter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One rendition's encoder: subscribes to the source, keeps only the latest captured frame (a slow
 * encoder skips frames instead of queueing), and encodes on its own platform thread
 * {@code encode-<track>}, handing access units to the output on that thread. The encoder opens
 * on start and closes on {@link #close()}; the first output is a keyframe.
 */
public final class RenditionEncoder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RenditionEncoder.class);

    private final String track;
    private final String encoderName;
    private final VideoEncoderConfig config;
    private final Consumer<EncodedVideo> output;
    private final LatestMailbox<VideoFrame> mailbox = LatestMailbox.forFrames();
    private final RateMeter captured = new RateMeter();
    private final RateMeter encoded = new RateMeter();
    private final SourceSubscription subscription;
    private final Thread thread;
    private volatile H264Encoder encoder;
    private volatile long bitrate;
    private volatile boolean running = true;
    private volatile long keyframes;
    private long nextDueMicros = -1;

    public RenditionEncoder(String track, VideoSource source, String encoderName, VideoEncoderConfig config,
                            Consumer<EncodedVideo> output) {
        this.track = track;
        this.encoderName = encoderName;
        this.config = config;
        this.output = output;
        this.thread = Thread.ofPlatform().name("encode-" + track).daemon().start(this::run);
        long intervalMicros = 1_000_000L / config.fps();
        boolean thin = source.fps() > config.fps() + 0.5;
        this.subscription = source.subscribe(f -> {
            // a source faster than this rendition is thinned on a fixed schedule (no drift, no jitter drops)
            if (thin) {
                if (nextDueMicros >= 0 && f.captureMicros() < nextDueMicros - intervalMicros / 4) {
                    return;
                }
                long ts = f.captureMicros();
                nextDueMicros = nextDueMicros < 0 || ts - nextDueMicros > intervalMicros
                        ? ts + intervalMicros : nextDueMicros + intervalMicros;
            }
            captured.record(0, 0);
            mailbox.put(f.retain());
        });
    }

    public String track() {
        return track;
    }

    /** Asks for a keyframe on the next frame (a new subscriber joined). */
    public void requestKeyframe() {
        H264Encoder e = encoder;
        if (e != null) {
            e.requestKeyframe();
        }
    }

    /** The nominal bitrate of this rendition (its preset's). */
    public long nominalBitrate() {
        return config.bitrate();
    }

    /** Encodes at this bitrate from the next frame on (the publisher's congestion response). */
    public void setBitrate(long bitsPerSecond) {
        bitrate = bitsPerSecond;
        H264Encoder e = encoder;
        if (e != null) {
            e.setBitrate(bitsPerSecond);
        }
    }

    /** The target bitrate in effect. */
    public long bitrate() {
        return bitrate > 0 ? bitrate : config.bitrate();
    }

    private void run() {
        try (H264Encoder enc = H264Encoder.open(encoderName, config)) {
            if (bitrate > 0) {
                enc.setBitrate(bitrate);
            }
            encoder = enc;
            while (running) {
                VideoFrame f = mailbox.take(200, TimeUnit.MILLISECONDS);
                if (f == null) {
                    continue;
                }
                try (f) {
                    long t0 = System.nanoTime();
                    var units = enc.encode(f);
                    long took = System.nanoTime() - t0;
                    for (EncodedVideo u : units) {
                        encoded.record(u.data().length, took);
                        if (u.keyframe()) {
                            keyframes++;
                        }
                        output.accept(u);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("encoder for {} stopped: {}", track, e.getMessage());
        } finally {
            encoder = null;
        }
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    public EncoderStats stats() {
        return new EncoderStats(track, encoderName, thread.isAlive(), captured.perSecond(), encoded.perSecond(),
                encoded.meanMillis(), encoded.bitsPerSecond(), encoded.total(), keyframes);
    }

    /** Stops capture for this rendition, the thread and the encoder. Idempotent. */
    @Override
    public void close() {
        subscription.close();
        running = false;
        mailbox.close();
        try {
            thread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
