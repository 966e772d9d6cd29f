package dev.parley.media.codec;

import dev.parley.media.frame.AudioBlock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets the Java Opus decoder JIT-compiled before a call needs it. Cold, it takes about 2 ms per
 * 20 ms frame for the first ~1.5 s (interpreted) instead of ~0.03 ms; on a busy machine that can
 * make playout lag and then drain the jitter buffer. Once per process, on daemon thread
 * {@code opus-warmup}: encode 1 s of a voiced test signal (libopus, native, ~10 ms) and decode it a
 * few times with a throwaway decoder through all three paths (≈ 0.2 s of CPU).
 */
public final class OpusWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(OpusWarmUp.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final int FRAMES = 50;
    private static final int PASSES = 6;

    private OpusWarmUp() {
    }

    /** Starts the warm-up unless it already ran or runs; returns at once. */
    public static void start() {
        if (STARTED.compareAndSet(false, true)) {
            Thread.ofPlatform().name("opus-warmup").daemon().priority(Thread.MIN_PRIORITY).start(OpusWarmUp::run);
        }
    }

    private static void run() {
        try {
            List<byte[]> packets = encode();
            for (int pass = 0; pass < PASSES; pass++) {
                try (OpusDecoder dec = new OpusDecoder(1)) {
                    for (int i = 0; i < packets.size(); i++) {
                        if (i % 10 == 5) {
                            dec.recover(packets.get(i));
                        } else if (i % 10 == 8) {
                            dec.conceal();
                        }
                        dec.decode(packets.get(i));
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("Opus decoder warm-up skipped: {}", e.getMessage());
        }
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
