package dev.parley.media.watch;

import dev.parley.media.MediaException;
import dev.parley.media.codec.EncodedVideo;
import dev.parley.media.codec.VideoCodec;
import dev.parley.media.codec.VideoDecoder;
import dev.parley.media.frame.PixelFormat;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.playout.AudioClock;
import dev.parley.media.source.Clock;
import dev.parley.media.stats.RateMeter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decodes one video rendition (any {@link VideoCodec}, with the catalog's description as decoder
 * configuration) on its own platform thread {@code vdec-<track>}: access units come
 * in through a bounded queue (overflow drops to the next keyframe), frames are converted to BGRA
 * by swscale, held back until the audio clock reaches their timestamp (never beyond 100 ms behind the
 * live edge: {@link AvPacing}), and
 * handed to the {@link FrameGate}. Units already later than the max latency (plus the rendition's
 * declared jitter) are dropped up to the next keyframe when one is already queued; with none queued
 * they are decoded late rather than leaving the picture frozen until the next GOP. If the decoder cannot be opened the thread
 * ends and {@link #failure()} says why.
 */
public final class VideoDecodePipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VideoDecodePipeline.class);

    private final String track;
    private final FrameGate gate;
    private final AudioClock audioClock;
    private final LiveEdge liveEdge;
    private final PixelFormat outFormat;
    private final ArrayBlockingQueue<EncodedVideo> queue = new ArrayBlockingQueue<>(90);
    private final RateMeter decoded = new RateMeter();
    private final AtomicLong lastLatencyMicros = new AtomicLong();
    private final AtomicLong lastAvOffsetMicros = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean gotKeyframe;
    private final VideoCodec codec;
    private final byte[] description;
    private final long jitterMicros;
    private volatile String decoderName;
    private volatile String failure;

    /** An Annex-B H.264 rendition. */
    public VideoDecodePipeline(String track, FrameGate gate, AudioClock audioClock, LiveEdge liveEdge,
                               PixelFormat outFormat) {
        this(track, VideoCodec.H264, null, 0, gate, audioClock, liveEdge, outFormat);
    }

    /**
     * @param description the rendition's codec configuration record (avcC/hvcC), or null
     * @param jitterMillis the rendition's declared jitter: added to the lateness allowance
     */
    public VideoDecodePipeline(String track, VideoCodec codec, byte[] description, long jitterMillis, FrameGate gate,
                               AudioClock audioClock, LiveEdge liveEdge, PixelFormat outFormat) {
        this.codec = codec;
        this.description = description;
        this.jitterMicros = jitterMillis * 1000;
        this.decoderName = codec.label() + " (ffmpeg)";
        this.track = track;
        this.gate = gate;
        this.audioClock = audioClock;
        this.liveEdge = liveEdge;
        this.outFormat = outFormat;
        this.thread = Thread.ofPlatform().name("vdec-" + track).daemon().start(this::run);
    }

    public String track() {
        return track;
    }

    /** Queues an access unit (from the reader thread); false when it had to be dropped. */
    public boolean offer(EncodedVideo unit) {
        if (!running) {
            return false;
        }
        if (!queue.offer(unit)) {
            queue.clear(); // decoder fell far behind: restart from the next keyframe
            skipped.incrementAndGet();
            return unit.keyframe() && queue.offer(unit);
        }
        return true;
    }

    private void run() {
        boolean waitKey = true;
        VideoDecoder opened;
        try {
            opened = new VideoDecoder(codec, description, outFormat);
        } catch (MediaException e) {
            failure = e.getMessage();
            LOG.warn("cannot decode {}: {}", track, e.getMessage());
            return;
        }
        try (VideoDecoder decoder = opened) {
            decoderName = decoder.name();
            while (running) {
                EncodedVideo unit = queue.poll(200, TimeUnit.MILLISECONDS);
                if (unit == null) {
                    continue;
                }
                if (unit.keyframe()) {
                    waitKey = false;
                    gotKeyframe = true;
                } else if (waitKey || (liveEdge.tooLate(liveEdge.latenessMicros(unit.timestampMicros()) - jitterMicros)
                        && keyframeQueued())) {
                    waitKey = true;
                    skipped.incrementAndGet();
                    continue;
                }
                long t0 = System.nanoTime();
                var frames = decoder.decode(unit);
                long took = System.nanoTime() - t0;
                for (VideoFrame f : frames) {
                    decoded.record(unit.data().length, took);
                    lastLatencyMicros.set(latency(f.captureMicros()));
                    pace(f.captureMicros());
                    gate.deliver(this, f);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("video decoder for {} stopped: {}", track, e.getMessage());
        }
    }

    /** True when a keyframe waits in the queue: only then does dropping late units catch up instead of freezing. */
    private boolean keyframeQueued() {
        for (EncodedVideo u : queue) {
            if (u.keyframe()) {
                return true;
            }
        }
        return false;
    }

    // Parley stamps frames with the capture time (Unix epoch µs); other hang publishers send a
    // presentation time from 0, where only the lateness behind the live edge means anything.
    private long latency(long ts) {
        long now = Clock.nowMicros();
        return dev.parley.media.hang.MediaTimeline.onWallClock(ts, now) ? now - ts : liveEdge.latenessMicros(ts);
    }

    // Holds a frame until the audio clock reaches it, at most until it is 100 ms behind its live edge (AvPacing).
    private void pace(long ts) throws InterruptedException {
        long audio = audioClock.nowMicros();
        if (audio < 0) {
            lastAvOffsetMicros.set(0);
            return;
        }
        long hold = AvPacing.holdMicros(ts, audio, liveEdge.latenessMicros(ts));
        if (hold > 0) {
            TimeUnit.MICROSECONDS.sleep(hold);
            audio = audioClock.nowMicros();
        }
        lastAvOffsetMicros.set(audio < 0 ? 0 : ts - audio);
    }

    /** True once a keyframe has reached the decoder. */
    public boolean started() {
        return gotKeyframe;
    }

    /** The rendition's declared jitter in microseconds (extra lateness allowed before skipping). */
    long jitterMicros() {
        return jitterMicros;
    }

    /** Why the decoder could not be opened, or null. */
    public String failure() {
        return failure;
    }

    public String decoderName() {
        return decoderName;
    }

    public double decodeMillis() {
        return decoded.meanMillis();
    }

    public double decodeFps() {
        return decoded.perSecond();
    }

    public long decodedFrames() {
        return decoded.total();
    }

    public long latencyMicros() {
        return lastLatencyMicros.get();
    }

    public long avOffsetMicros() {
        return lastAvOffsetMicros.get();
    }

    public long skipped() {
        return skipped.get();
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Stops the thread and frees the decoder. Idempotent; safe from any thread but its own. */
    @Override
    public void close() {
        running = false;
        queue.clear();
        if (Thread.currentThread() != thread) {
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
