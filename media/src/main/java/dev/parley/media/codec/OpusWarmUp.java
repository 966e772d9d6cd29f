package dev.parley.media.codec;

import dev.parley.media.frame.AudioBlock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets the Java Opus decoder ready before a call needs it. Cold, its very first decode loads the
 * decoder's classes (20 ms, over 70 ms on a busy machine); a playout stalling like that mid-stream
 * underruns its jitter buffer. {@link #prime()} decodes, conceals and recovers a quarter second of
 * real packets (encoded by libopus, native) once per process: playout calls it before its first
 * tick, and {@link #start()} runs it early on daemon thread {@code opus-warmup} (watching starts it
 * while the catalog and first groups arrive). It stays that small on purpose: the decoder then runs
 * interpreted at ~2 ms per frame for its first ~1.5 s, and a longer warm-up's CPU burst at call
 * start starved the audio sender in tests more than it helped.
 */
public final class OpusWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(OpusWarmUp.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static boolean done; // guarded by OpusWarmUp.class
    private static final int FRAMES = 12;

    private OpusWarmUp() {
    }

    /** Starts {@link #prime()} on a background thread unless it already ran or runs; returns at once. */
    public static void start() {
        if (STARTED.compareAndSet(false, true)) {
            Thread.ofPlatform().name("opus-warmup").daemon().start(OpusWarmUp::prime);
        }
    }

    /** Primes the decoder now: the first caller does the work (tens of ms); later callers return at once or wait for it. */
    public static synchronized void prime() {
        if (done) {
            return;
        }
        try {
            List<byte[]> packets = encode();
            try (OpusDecoder dec = new OpusDecoder(1)) {
                for (int i = 0; i < packets.size(); i++) {
                    if (i == 5) {
                        dec.recover(packets.get(i));
                    } else if (i == 8) {
                        dec.conceal();
                    }
                    dec.decode(packets.get(i));
                }
            }
        } catch (RuntimeException e) {
            // only a speed-up: without it the first decodes are merely slow
            LOG.debug("Opus decoder warm-up skipped: {}", e.getMessage());
        }
        done = true;
    }

    private static List<byte[]> encode() {
        List<byte[]> out = new ArrayList<>(FRAMES);
        double phase = 0;
        try (OpusEncoder enc = new OpusEncoder(1, 32_000)) {
            for (int f = 0; f < FRAMES; f++) {
                short[] s = new short[OpusEncoder.FRAME_SAMPLES];
                for (int i = 0; i < s.length; i++) {
                    double envelope = 0.3 + 0.7 * Math.abs(Math.sin(Math.PI * (f * s.length + i) / 12_000.0));
                    s[i] = (short) (6000 * envelope * (Math.sin(phase) + 0.5 * Math.sin(2 * phase)));
                    phase += 2 * Math.PI * (150 + f) / OpusEncoder.SAMPLE_RATE;
                }
                for (EncodedAudio p : enc.encode(new AudioBlock(s, OpusEncoder.SAMPLE_RATE, 1, f * 20_000L))) {
                    out.add(p.data());
                }
            }
        }
        return out;
    }
}
