package dev.parley.media.playout;

import dev.parley.media.codec.EncodedAudio;

import java.util.TreeMap;

/**
 * Adaptive jitter buffer for 20 ms audio packets, driven by one {@link #pop()} per 20 ms playout
 * tick. Its target depth follows the measured arrival jitter ({@link ArrivalJitter}): one frame plus
 * enough frames to cover the 97th percentile of recent jitter, so a clean link plays with 20 ms of
 * buffering and a jittery one grows up to {@value #MAX_TARGET_MS} ms. An underrun raises a floor
 * under the target by one frame (at most {@value #MAX_FLOOR_ABOVE_JITTER} above what the jitter asks
 * for, then or later, and decaying by a frame every {@value #FLOOR_DECAY_TICKS} ticks without one), which covers jitter
 * the arrival times do not show (the playout thread's own). Surplus depth is shed
 * without an audible jump where possible: after {@value #SURPLUS_TICKS} ticks above target the
 * packets it hands out are marked {@link Play#droppable()} (the player skips one if it decodes to
 * silence); if no quiet frame came within {@value #FORCE_DROP_TICKS} ticks one frame is dropped
 * anyway; more than 80 ms beyond the target (after a stall) is dropped at once, latency first.
 * Packets are ordered by timestamp; late duplicates are discarded; a gap in front of buffered packets
 * is reported as {@link Recover} when exactly one frame is missing and the next is here (its in-band
 * FEC can rebuild the lost one), else as {@link Lost} (conceal). Bounded to one second of audio.
 * Pure (arrival times injected); not thread-safe on its own: callers synchronise (see {@code AudioPlayout}).
 */
public final class JitterBuffer {
    public static final int FRAME_MICROS = 20_000;
    public static final int MIN_TARGET_MS = 20;
    public static final int MAX_TARGET_MS = 200;
    /** The target before the jitter estimate has {@value #WARM_UP_PACKETS} packets to go on. */
    public static final int INITIAL_TARGET_MS = 40;
    static final int WARM_UP_PACKETS = 50;
    static final int SURPLUS_TICKS = 25; // 0.5 s
    static final int FORCE_DROP_TICKS = 100; // 2 s
    static final int FLOOR_DECAY_TICKS = 100; // 2 s
    static final int MAX_FLOOR_ABOVE_JITTER = 3; // frames: the floor covers playout-side hiccups, not stalls
    private static final int CAPACITY = 50;
    private static final int CATCH_UP_FRAMES = 4; // 80 ms beyond target
    private static final int JITTER_SLACK_MICROS = 2_000; // scheduling noise that needs no extra frame
    private static final int MAX_FRAMES = MAX_TARGET_MS / 20;

    /** What to play for one tick. */
    public sealed interface Slot permits Play, Lost, Recover, Silence {
    }

    /**
     * Decode and play this packet. When {@code droppable}, the buffer holds more than its target:
     * if the packet decodes to silence, the player may skip it and {@link #pop()} again, which
     * shortens the delay by 20 ms without a glitch.
     */
    public record Play(EncodedAudio packet, boolean droppable) implements Slot {
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
    private final ArrivalJitter jitter = new ArrivalJitter();
    private int targetFrames = INITIAL_TARGET_MS / 20;
    private int floorFrames = 1;
    private int ticksSinceUnderrun;
    private boolean buffering = true;
    private long nextTimestamp = -1; // -1 until playout starts (and again after a reset)
    private int surplusTicks;
    private long underruns;
    private long lost;
    private long late;
    private long dropped;

    /**
     * Adds a packet that arrived at {@code arrivalNanos} (any monotonic clock); returns false if it
     * came too late or duplicates one already buffered.
     */
    public boolean push(EncodedAudio packet, long arrivalNanos) {
        long ts = packet.timestampMicros();
        if (nextTimestamp >= 0) {
            // not while first filling: a new subscription's backlog arrives at once and is not the link's jitter
            jitter.arrived(ts, arrivalNanos);
        }
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
        updateTarget();
        if (buffering) {
            if (packets.size() < targetFrames) {
                return new Silence();
            }
            buffering = false;
            nextTimestamp = packets.firstKey();
        }
        if (packets.isEmpty()) {
            underruns++;
            ticksSinceUnderrun = 0;
            floorFrames = Math.min(jitterFrames() + MAX_FLOOR_ABOVE_JITTER, targetFrames + 1);
            updateTarget();
            buffering = true;
            surplusTicks = 0;
            // conceal the first missing frame so the output fades instead of clicking
            long ts = nextTimestamp;
            nextTimestamp += FRAME_MICROS;
            lost++;
            return new Lost(ts);
        }
        boolean droppable = false;
        if (packets.size() > targetFrames + CATCH_UP_FRAMES) {
            // far behind (a stall or a burst): jump back to the target depth at once, latency first
            while (packets.size() > targetFrames) {
                packets.pollFirstEntry();
                dropped++;
            }
            nextTimestamp = packets.firstKey();
            surplusTicks = 0;
        } else if (packets.size() > targetFrames) {
            if (++surplusTicks >= FORCE_DROP_TICKS) {
                surplusTicks = 0;
                packets.pollFirstEntry();
                dropped++;
                nextTimestamp = packets.firstKey();
            } else {
                droppable = surplusTicks >= SURPLUS_TICKS;
            }
        } else {
            surplusTicks = 0;
        }
        var first = packets.firstEntry();
        if (first.getKey() <= nextTimestamp + FRAME_MICROS / 2) {
            packets.pollFirstEntry();
            nextTimestamp = first.getKey() + FRAME_MICROS;
            return new Play(first.getValue(), droppable);
        }
        long ts = nextTimestamp;
        nextTimestamp += FRAME_MICROS;
        lost++;
        // exactly one frame missing: the packet after the gap is the one due next tick
        return first.getKey() <= nextTimestamp + FRAME_MICROS / 2 ? new Recover(ts, first.getValue()) : new Lost(ts);
    }

    /** The player skipped a {@link Play#droppable()} packet (it was silent). */
    public void skipped() {
        dropped++;
    }

    private void updateTarget() {
        if (++ticksSinceUnderrun >= FLOOR_DECAY_TICKS && floorFrames > 1) {
            floorFrames--;
            ticksSinceUnderrun = 0;
        }
        // the floor stays within MAX_FLOOR_ABOVE_JITTER of what the jitter asks for now: underruns during a
        // transient queue must not keep the buffer deep once the jitter estimate has let go of it
        floorFrames = Math.max(1, Math.min(floorFrames, jitterFrames() + MAX_FLOOR_ABOVE_JITTER));
        targetFrames = Math.clamp(Math.max(jitterFrames(), floorFrames), 1, MAX_FRAMES);
    }

    // one frame plus enough to cover the jitter percentile
    private int jitterFrames() {
        if (jitter.count() < WARM_UP_PACKETS) {
            return INITIAL_TARGET_MS / 20;
        }
        long excess = Math.max(0, jitter.percentileMicros() - JITTER_SLACK_MICROS);
        return 1 + (int) ((excess + FRAME_MICROS - 1) / FRAME_MICROS);
    }

    /** Current target depth in milliseconds ({@value #MIN_TARGET_MS}–{@value #MAX_TARGET_MS}). */
    public int targetMillis() {
        return targetFrames * 20;
    }

    /** Buffered audio in milliseconds. */
    public int depthMillis() {
        return packets.size() * 20;
    }

    /** The 97th percentile of recent arrival jitter, in milliseconds. */
    public double jitterMillis() {
        return jitter.percentileMicros() / 1000.0;
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

    /** Packets dropped to shorten the delay (forced, catching up, or skipped as silent). */
    public long dropped() {
        return dropped;
    }

    /** Forgets the buffered packets (e.g. after switching tracks); the jitter estimate stays. */
    public void reset() {
        packets.clear();
        buffering = true;
        nextTimestamp = -1;
        surplusTicks = 0;
    }
}
