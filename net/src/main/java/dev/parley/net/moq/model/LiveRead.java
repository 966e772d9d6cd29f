package dev.parley.net.moq.model;

import java.time.Duration;

/**
 * The reads of every live track reader (the watcher's video, audio and catalog readers, the room's
 * heartbeat and chat readers), each bounded by {@link #WAIT} so a reader notices close and a newer group
 * without depending on the network: a lost stream must never freeze a reader.
 */
public final class LiveRead {
    /** Longest single wait of a reader thread. */
    public static final Duration WAIT = Duration.ofMillis(250);

    private LiveRead() {}

    /** What waiting for the next group gave. */
    public sealed interface Next {
        record Group(GroupConsumer group) implements Next {}

        /** Nothing new within {@link #WAIT}: check whether to go on and ask again. */
        record Waiting() implements Next {}

        /** The track ended or the handle was closed. */
        record Ended() implements Next {}
    }

    /** What waiting for the next frame of a group gave. */
    public sealed interface Frame {
        record Data(byte[] frame) implements Frame {}

        /** Nothing within {@link #WAIT}, and no newer group yet: ask again. */
        record Waiting() implements Frame {}

        /** The group stalled while a newer group of the track has started: move on to it. */
        record Stalled() implements Frame {}

        /** The group ended (every frame read) or the handle was closed. */
        record Ended() implements Frame {}
    }

    /**
     * The next group, waiting at most {@link #WAIT}.
     *
     * @throws MoqException the track's abort error
     */
    public static Next nextGroup(TrackConsumer track) {
        try {
            GroupConsumer g = track.nextGroup(WAIT);
            return g == null ? new Next.Ended() : new Next.Group(g);
        } catch (MoqException e) {
            if (e.error() == MoqError.TIMEOUT) {
                return new Next.Waiting();
            }
            throw e;
        }
    }

    /**
     * The next frame of {@code g}. Before giving up on a stalled group it waits up to {@code stallBudget}
     * for the frame even when a newer group has started (audio uses a small budget so a retransmission
     * that is just late still plays; video uses zero: the newer group starts with a keyframe).
     *
     * @throws MoqException the group's abort error
     */
    public static Frame frame(GroupConsumer g, Duration stallBudget) {
        try {
            byte[] f = stallBudget.isPositive() ? g.readFrame(stallBudget) : g.readFrameUnlessSuperseded(WAIT);
            return f != null ? new Frame.Data(f) : ended(g);
        } catch (MoqException e) {
            if (e.error() != MoqError.TIMEOUT) {
                throw e;
            }
        }
        if (!stallBudget.isPositive()) {
            return new Frame.Waiting();
        }
        return frame(g, Duration.ZERO);
    }

    private static Frame ended(GroupConsumer g) {
        return g.isDone() ? new Frame.Ended() : new Frame.Stalled();
    }
}
