package dev.parley.media.watch;

import dev.parley.media.codec.H264Decoder;
import dev.parley.media.codec.OpusWarmUp;
import dev.parley.media.codec.Scaler;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.hang.AudioRendition;
import dev.parley.media.hang.Catalog;
import dev.parley.media.hang.VideoRendition;
import org.bytedeco.ffmpeg.global.avutil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pays a fresh process's one-time costs of watching before the media arrives. Cold, the first catalog
 * parse (Jackson's databind and the schema check) took 0.4-1 s and the first decoder open (FFmpeg's
 * natives) about 0.6 s; both sat between the catalog's arrival and the first frame on screen. Started
 * on daemon thread {@code watch-warmup} when a watch begins dialing, they overlap the QUIC handshake
 * instead. It parses one small catalog, opens and closes one decoder and one scaler, and primes the Opus
 * decoder ({@link OpusWarmUp#prime()}), nothing more, so the CPU spent at call start stays that of the
 * class loading that would happen anyway.
 */
public final class WatchWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WatchWarmUp.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    /** {@link System#nanoTime()} when the warm-up finished (0 = not yet): startup timelines print it. */
    private static volatile long finishedNanos;

    private WatchWarmUp() {
    }

    /** Starts the warm-up on a background thread unless it already ran or runs; returns at once. */
    public static void start() {
        if (STARTED.compareAndSet(false, true)) {
            Thread.ofPlatform().name("watch-warmup").daemon().start(WatchWarmUp::run);
        }
    }

    /** {@link System#nanoTime()} when the warm-up finished, or 0 while it runs or never ran. */
    public static long finishedNanos() {
        return finishedNanos;
    }

    private static void run() {
        try {
            Catalog.parse(Catalog.of(Map.of("video/h264-180p", VideoRendition.h264("avc1.42e01e", 320, 180, 250_000, 30)),
                    Map.of("audio/opus", AudioRendition.opus(48_000, 1, 32_000))).toJson());
            new H264Decoder(PixelFormat.BGRA).close();
            new Scaler(16, 16, avutil.AV_PIX_FMT_YUV420P, 16, 16, avutil.AV_PIX_FMT_BGRA).close();
            // after the video parts, on this thread: started with the media instead, it competed with the
            // catalog parse and the first decode for the same cores
            OpusWarmUp.prime();
        } catch (RuntimeException | LinkageError e) {
            // only a speed-up: without it the first catalog and frame merely come later
            LOG.debug("watch warm-up skipped: {}", e.toString());
        } finally {
            finishedNanos = System.nanoTime();
        }
    }
}
