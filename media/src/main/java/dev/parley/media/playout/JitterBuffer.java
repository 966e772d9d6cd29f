package dev.parley.media.playout;

import dev.parley.media.codec.EncodedAudio;

import java.util.TreeMap;

/**
 * Adaptive jitter buffer for 20 ms audio packets, driven by one {@link #pop()} per 20 ms playout
 * tick. It holds a target depth between {@value #MIN_TARGET_MS} and {@value #MAX_TARGET_MS} ms:
 * an underrun raises the target by one frame, a long stretch with surplus depth drops one frame
 * and lowers it again; more than 80 ms beyond the target (after a stall) is dropped at once, so
 * audio never lags live by more than about 160 ms. Packets are ordered by timestamp; late duplicates are discarded; a gap in
 * front of buffered packets is reported as {@link Recover} when exactly one frame is missing and the
 * next is here (its in-band FEC can rebuild the lost one), else as {@link Lost} (conceal). Bounded to one
 * second of audio. Not thread-safe on its own: callers synchronise (see {@code AudioPlayout}).
 */
public final class JitterBuffer {
    public static final int FRAME_MICROS = 20_000;
    public static final int MIN_TARGET_MS = 40;
    public static final int MAX_TARGET_MS = 80;
    private static final int CAPACITY = 50;
    private static final int SHRINK_AFTER_TICKS = 100; // 2 s of steady surplus
    private static final int CATCH_UP_FRAMES = 4; // 80 ms beyond target

    /** What to play for one tick. */
    public sealed interface Slot permits Play, Lost, Recover, Silence {
    }

    /** Decode and play this packet. */
    public record Play(EncodedAudio packet) implements Slot {
    }

    /** The packet for this tick is missing but later ones are here: conceal. */
    public record Lost(long timestampMicros) implements Slot {
    }

    /**
     * The packet for this tick is missing and the one right after it is buffered: rebuild this
     * frame from {@code next}'s in-band FEC. {@code next} stays buffered and plays on the next tick.
     */
    public record Recover(long timestampMicros, EncodedAudio next) implements Slot {
    }

    /** Buffering (start or after an underrun): play silence. */
    public record Silence() implements Slot {
    }

    private final TreeMap<Long, EncodedAudio> packets = new TreeMap<>();
    private int targetFrames = MIN_TARGET_MS / 20;
    private boolean buffering = true;
    private long nextTimestamp = -1;
    private int surplusTicks;
    private long underruns;
    private long lost;
    private long late;
    private long dropped;

    /** Adds a packet; returns false if it came too late or duplicates one already buffered. */
    public boolean push(EncodedAudio packet) {
        long ts = packet.timestampMicros();
        if (nextTimestamp >= 0 && ts < nextTimestamp - FRAME_MICROS / 2) {
            late++;
            return false;
        }
        if (packets.putIfAbsent(ts, packet) != null) {
            return false;
        }
        while (packets.size() > CAPACITY) {
            packets.pollFirstEntry();
            dropped++;
        }
        return true;
    }

    /** The slot for the next 20 ms tick. */
    public Slot pop() {
        if (buffering) {
            if (packets.size() < targetFrames) {
                return new Silence();
            }
            buffering = false;
            nextTimestamp = packets.firstKey();
        }
        if (packets.isEmpty()) {
            underruns++;
            targetFrames = Math.min(MAX_TARGET_MS / 20, targetFrames + 1);
            buffering = true;
            surplusTicks = 0;
            // conceal the first missing frame so the output fades instead of clicking
            long ts = nextTimestamp;
            nextTimestamp += FRAME_MICROS;
            lost++;
            return new Lost(ts);
        }
        if (packets.size() > targetFrames + CATCH_UP_FRAMES) {
            // far behind (a stall or a burst): jump back to the target depth at once, latency first
            while (packets.size() > targetFrames) {
                packets.pollFirstEntry();
                dropped++;
            }
            nextTimestamp = packets.firstKey();
            surplusTicks = 0;
        } else if (packets.size() > targetFrames + 1) {
            if (++surplusTicks >= SHRINK_AFTER_TICKS) {
                surplusTicks = 0;
                packets.pollFirstEntry();
                dropped++;
                nextTimestamp = packets.isEmpty() ? nextTimestamp : packets.firstKey();
                targetFrames = Math.max(MIN_TARGET_MS / 20, targetFrames - 1);
            }
        } else {
            surplusTicks = 0;
        }
        var first = packets.firstEntry();
        if (first.getKey() <= nextTimestamp + FRAME_MICROS / 2) {
            packets.pollFirstEntry();
            nextTimestamp = first.getKey() + FRAME_MICROS;
            return new Play(first.getValue());
        }
        long ts = nextTimestamp;
        nextTimestamp += FRAME_MICROS;
        lost++;
        // exactly one frame missing: the packet after the gap is the one due next tick
        return first.getKey() <= nextTimestamp + FRAME_MICROS / 2 ? new Recover(ts, first.getValue()) : new Lost(ts);
    }

    /** Current target depth in milliseconds (40–80). */
    public int targetMillis() {
        return targetFrames * 20;
    }

    /** Buffered audio in milliseconds. */
    public int depthMillis() {
        return packets.size() * 20;
    }

    public long underruns() {
        return underruns;
    }

    /** Ticks whose packet was missing (reported as {@link Lost} or {@link Recover}). */
    public long lost() {
        return lost;
    }

    public long late() {
        return late;
    }

    public long dropped() {
        return dropped;
    }

    /** Forgets everything (e.g. after switching tracks). */
    public void reset() {
        packets.clear();
        buffering = true;
        nextTimestamp = -1;
        surplusTicks = 0;
    }
}
