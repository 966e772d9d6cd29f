package dev.parley.media.voice;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mixes what every playout writes to the speaker into one continuous far-end signal in 10 ms
 * frames on a shared timeline, the echo canceller's reference. Each playout (a source) writes 20 ms
 * blocks at its own pace; its blocks go to consecutive 10 ms slots starting from the slot of its first
 * write, re-anchored when it drifts more than {@value #RESYNC_SLOTS} slots from the wall clock (a
 * stall, a restart). {@link #drain} hands out every slot old enough that all sources had their say,
 * silence where nothing played, so the reference never skips time. Bounded: slots older than
 * {@value #MAX_PENDING_SLOTS} behind now are forgotten. Pure (time injected); thread-safe.
 */
public final class FarEndMixer {
    public static final int FRAME_SAMPLES = 480; // 10 ms at 48 kHz
    private static final long SLOT_NANOS = 10_000_000L;
    static final int RESYNC_SLOTS = 6;
    static final int SETTLE_SLOTS = 3;
    static final int MAX_PENDING_SLOTS = 50;

    private final TreeMap<Long, int[]> slots = new TreeMap<>();
    private final Map<Object, Long> nextSlot = new IdentityHashMap<>();
    private long drained = Long.MIN_VALUE; // the last slot handed out

    /** Adds one source's block of mono 48 kHz PCM (a multiple of 10 ms) written at {@code nowNanos}. */
    public synchronized void add(Object source, short[] pcm, long nowNanos) {
        long now = nowNanos / SLOT_NANOS;
        Long next = nextSlot.get(source);
        if (next == null || Math.abs(next - now) > RESYNC_SLOTS) {
            next = now;
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

    /** The far-end frames up to {@value #SETTLE_SLOTS} slots before now, in order, silence filled. */
    public synchronized List<short[]> drain(long nowNanos) {
        long until = nowNanos / SLOT_NANOS - SETTLE_SLOTS;
        if (drained == Long.MIN_VALUE || drained < until - MAX_PENDING_SLOTS) {
            // first drain, or the canceller was idle for long: resume from the oldest far end still pending
            long oldest = slots.isEmpty() ? until : Math.max(slots.firstKey(), until - MAX_PENDING_SLOTS);
            drained = Math.min(oldest, until) - 1;
        }
        List<short[]> out = new ArrayList<>();
        while (drained < until) {
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
}
