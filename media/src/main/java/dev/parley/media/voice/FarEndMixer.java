package dev.parley.media.voice;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mixes what every playout writes to the speaker into one continuous far-end signal in 10 ms
 * frames on a shared timeline, the echo canceller's reference. Each playout (a source) writes 20 ms
 * blocks at its own pace; its blocks go to consecutive 10 ms slots from the time its first block
 * sounds (write time plus the sink's queued latency), re-anchored when a block sounds more than
 * {@value #RESYNC_SLOTS} slot away from that (the sink ran dry, a stall, a restart). {@link #drain} hands out frames in lockstep with the microphone, a fixed
 * {@value #SETTLE_SLOTS} slots behind the wall clock at its anchor (so all sources had their say),
 * silence where nothing played, so the reference never skips time. Bounded: slots older than
 * {@value #MAX_PENDING_SLOTS} behind now are forgotten. Pure (time injected); thread-safe.
 */
public final class FarEndMixer {
    public static final int FRAME_SAMPLES = 480; // 10 ms at 48 kHz
    private static final long SLOT_NANOS = 10_000_000L;
    static final int RESYNC_SLOTS = 6; // up to 60 ms of scheduling jitter keeps a source continuous
    static final int SETTLE_SLOTS = 3;
    static final int MAX_PENDING_SLOTS = 50;
    static final int REANCHOR_SLOTS = 10;

    private final TreeMap<Long, int[]> slots = new TreeMap<>();
    private final Map<Object, Long> nextSlot = new IdentityHashMap<>();
    private long drained = Long.MIN_VALUE; // the last slot handed out
    private long reanchors;
    private long resyncs;

    /**
     * Adds one source's block of mono 48 kHz PCM (a multiple of 10 ms) that starts sounding at
     * {@code soundsAtNanos} (the write time plus what the sink still holds).
     */
    public synchronized void add(Object source, short[] pcm, long soundsAtNanos) {
        long now = soundsAtNanos / SLOT_NANOS;
        Long next = nextSlot.get(source);
        if (next == null || Math.abs(next - now) > RESYNC_SLOTS) {
            if (next != null) {
                resyncs++;
            }
            next = now; // first block, or the sink ran dry (a gap) or jumped: place it where it sounds
        }
        for (int off = 0; off + FRAME_SAMPLES <= pcm.length; off += FRAME_SAMPLES, next++) {
            if (next <= drained) {
                continue; // its time has already gone to the canceller
            }
            int[] slot = slots.computeIfAbsent(next, k -> new int[FRAME_SAMPLES]);
            for (int i = 0; i < FRAME_SAMPLES; i++) {
                slot[i] += pcm[off + i];
            }
        }
        nextSlot.put(source, next);
        while (!slots.isEmpty() && slots.firstKey() < now - MAX_PENDING_SLOTS) {
            slots.pollFirstEntry();
        }
    }

    /** Forgets a source (its playout closed). */
    public synchronized void remove(Object source) {
        nextSlot.remove(source);
    }

    /**
     * The next {@code frames} far-end frames (silence where nothing played), in lockstep with the
     * caller's microphone frames: the echo canceller needs one reference frame per microphone frame at
     * a fixed offset, whatever the thread scheduling. The first call anchors the timeline
     * {@value #SETTLE_SLOTS} slots before now; it is re-anchored only when it has drifted more than
     * {@value #REANCHOR_SLOTS} slots from that (a stall, the microphone's clock drifting from the wall's).
     */
    public synchronized List<short[]> drain(int frames, long nowNanos) {
        long target = nowNanos / SLOT_NANOS - SETTLE_SLOTS;
        if (drained == Long.MIN_VALUE || Math.abs(drained + frames - target) > REANCHOR_SLOTS) {
            drained = target - frames;
            reanchors++;
        }
        List<short[]> out = new ArrayList<>(frames);
        for (int n = 0; n < frames; n++) {
            drained++;
            int[] mix = slots.remove(drained);
            short[] frame = new short[FRAME_SAMPLES];
            if (mix != null) {
                for (int i = 0; i < FRAME_SAMPLES; i++) {
                    frame[i] = (short) Math.clamp(mix[i], Short.MIN_VALUE, Short.MAX_VALUE);
                }
            }
            out.add(frame);
        }
        slots.headMap(drained, true).clear();
        return out;
    }

    /** How often a source's blocks were placed anew after a gap or a jump (its sink ran dry, a stall). */
    public synchronized long resyncs() {
        return resyncs;
    }

    /** How often the timeline was anchored (1 after the first drain; more means stalls or drift). */
    public synchronized long reanchors() {
        return reanchors;
    }
}
