package dev.parley.rooms;

import dev.parley.rooms.gossip.proto.GossipConfig;
import dev.parley.rooms.kv.KvConfig;

import java.time.Duration;
import java.util.Optional;

/**
 * How a room runs.
 *
 * @param displayName      the name shown to others, if any
 * @param gossip           gossip tuning (defaults are iroh's)
 * @param kv               signed KV timing and limits
 * @param subscribeTimeout how long to wait for a peer's announced broadcast
 * @param eventCapacity    room events buffered for a slow consumer before the oldest are dropped
 */
public record RoomOptions(Optional<String> displayName, GossipConfig gossip, KvConfig kv, Duration subscribeTimeout,
                          int eventCapacity) {

    public static RoomOptions defaults() {
        return new RoomOptions(Optional.empty(), GossipConfig.defaults(), KvConfig.defaults(), Duration.ofSeconds(10), 1024);
    }

    public RoomOptions withDisplayName(String name) {
        return new RoomOptions(Optional.of(name), gossip, kv, subscribeTimeout, eventCapacity);
    }
}
