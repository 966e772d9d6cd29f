package dev.parley.net.moq.model;

import java.time.Duration;
import java.util.Objects;

/**
 * Memory bounds of one track. The producer keeps at most {@code maxGroups} groups, drops groups that
 * arrived more than {@code maxGroupAge} ago and keeps the cached bytes under {@code maxCachedBytes}; it
 * always keeps the newest group. Evicting a group only removes the producer's reference: a consumer
 * already reading it keeps it. One group may hold at most {@code maxFramesPerGroup} frames and
 * {@code maxBytesPerGroup} bytes; a write beyond that aborts the group with
 * {@link MoqError#BOUNDS_EXCEEDED}.
 *
 * @param maxGroups         groups kept in the cache, at least 1
 * @param maxGroupAge       groups older than this (by arrival) are evicted when a new group arrives
 * @param maxCachedBytes    byte budget of the cached groups together
 * @param maxFramesPerGroup frame cap per group
 * @param maxBytesPerGroup  byte cap per group
 */
public record TrackLimits(int maxGroups, Duration maxGroupAge, long maxCachedBytes, int maxFramesPerGroup,
                          long maxBytesPerGroup) {
    /** Defaults for live calls: 32 groups, 5 s, 32 MiB per track, 64 Ki frames and 16 MiB per group. */
    public static final TrackLimits DEFAULT =
            new TrackLimits(32, Duration.ofSeconds(5), 32L << 20, 1 << 16, 16L << 20);

    /** Validates that every bound is positive. */
    public TrackLimits {
        Objects.requireNonNull(maxGroupAge, "maxGroupAge");
        if (maxGroups < 1 || maxCachedBytes < 1 || maxFramesPerGroup < 1 || maxBytesPerGroup < 1
                || maxGroupAge.isNegative() || maxGroupAge.isZero()) {
            throw new IllegalArgumentException("track limits must be positive: " + maxGroups + ", " + maxGroupAge
                    + ", " + maxCachedBytes + ", " + maxFramesPerGroup + ", " + maxBytesPerGroup);
        }
    }

    /** A copy with another group count cap. */
    public TrackLimits withMaxGroups(int groups) {
        return new TrackLimits(groups, maxGroupAge, maxCachedBytes, maxFramesPerGroup, maxBytesPerGroup);
    }

    /** A copy with another group age cap. */
    public TrackLimits withMaxGroupAge(Duration age) {
        return new TrackLimits(maxGroups, age, maxCachedBytes, maxFramesPerGroup, maxBytesPerGroup);
    }

    /** A copy with another per-track byte budget. */
    public TrackLimits withMaxCachedBytes(long bytes) {
        return new TrackLimits(maxGroups, maxGroupAge, bytes, maxFramesPerGroup, maxBytesPerGroup);
    }

    /** A copy with other per-group caps. */
    public TrackLimits withGroupCaps(int frames, long bytes) {
        return new TrackLimits(maxGroups, maxGroupAge, maxCachedBytes, frames, bytes);
    }
}
