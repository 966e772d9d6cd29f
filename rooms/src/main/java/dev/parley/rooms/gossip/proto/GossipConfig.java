package dev.parley.rooms.gossip.proto;

import dev.parley.rooms.gossip.wire.Frames;

import java.time.Duration;

/**
 * Tuning for one gossip topic. {@link #defaults()} are iroh-gossip's (spec §1.6) plus the join retry
 * iroh lacks. Durations are milliseconds.
 *
 * @param activeCapacity          active view size (connected neighbours)
 * @param passiveCapacity         passive view size (address book)
 * @param activeRandomWalkLength  ForwardJoin TTL (ARWL)
 * @param passiveRandomWalkLength TTL at which a ForwardJoin also lands in the passive view (PRWL)
 * @param shuffleRandomWalkLength Shuffle TTL
 * @param shuffleActiveCount      active peers sampled into a Shuffle
 * @param shufflePassiveCount     passive peers sampled into a Shuffle
 * @param shuffleIntervalMs       period of the shuffle timer
 * @param neighborRequestTimeoutMs how long a Neighbor request may stay unanswered
 * @param joinRetryInitialMs      first bootstrap re-join delay while no neighbour is up
 * @param joinRetryMaxMs          cap of the doubling re-join delay
 * @param graftTimeout1Ms         wait after the first IHave before grafting
 * @param graftTimeout2Ms         wait before grafting from the next announcer
 * @param dispatchTimeoutMs       IHave batching delay
 * @param optimizationThreshold   round gap that triggers a tree repair
 * @param messageCacheRetentionMs how long payloads stay available for Graft
 * @param messageIdRetentionMs    how long seen ids suppress repeated copies
 * @param cacheEvictIntervalMs    cache sweep period
 * @param maxMessageSize          frame size limit, shared by the whole swarm
 */
public record GossipConfig(
        int activeCapacity,
        int passiveCapacity,
        int activeRandomWalkLength,
        int passiveRandomWalkLength,
        int shuffleRandomWalkLength,
        int shuffleActiveCount,
        int shufflePassiveCount,
        long shuffleIntervalMs,
        long neighborRequestTimeoutMs,
        long joinRetryInitialMs,
        long joinRetryMaxMs,
        long graftTimeout1Ms,
        long graftTimeout2Ms,
        long dispatchTimeoutMs,
        int optimizationThreshold,
        long messageCacheRetentionMs,
        long messageIdRetentionMs,
        long cacheEvictIntervalMs,
        int maxMessageSize) {

    public GossipConfig {
        if (activeCapacity < 1 || passiveCapacity < 1) {
            throw new IllegalArgumentException("view capacities must be positive");
        }
        if (maxMessageSize < Frames.MIN_MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("maxMessageSize must be at least " + Frames.MIN_MAX_MESSAGE_SIZE);
        }
    }

    public static GossipConfig defaults() {
        return new GossipConfig(5, 30, 6, 3, 6, 3, 4,
                Duration.ofSeconds(60).toMillis(), 500, 500, 5_000,
                80, 40, 5, 7,
                30_000, 90_000, 1_000,
                Frames.DEFAULT_MAX_MESSAGE_SIZE);
    }

    /** The same configuration with another shuffle period (simulations shorten it). */
    public GossipConfig withShuffleInterval(long ms) {
        return new GossipConfig(activeCapacity, passiveCapacity, activeRandomWalkLength, passiveRandomWalkLength,
                shuffleRandomWalkLength, shuffleActiveCount, shufflePassiveCount, ms, neighborRequestTimeoutMs,
                joinRetryInitialMs, joinRetryMaxMs, graftTimeout1Ms, graftTimeout2Ms, dispatchTimeoutMs,
                optimizationThreshold, messageCacheRetentionMs, messageIdRetentionMs, cacheEvictIntervalMs,
                maxMessageSize);
    }

    /** Largest broadcast payload (4063 bytes by default). */
    public int maxPayload() {
        return Frames.maxPayload(maxMessageSize);
    }
}
