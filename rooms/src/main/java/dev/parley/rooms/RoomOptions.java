package dev.parley.rooms;

import dev.parley.net.ticket.EndpointAddr;
import dev.parley.rooms.gossip.proto.GossipConfig;
import dev.parley.rooms.kv.KvConfig;

import java.time.Duration;
import java.util.Optional;

/**
 * How a room runs.
 *
 * @param displayName      the name shown to others, if any
 * @param gossip           gossip tuning (defaults are iroh's)
 * @param kv               signed KV timing and limits (its horizon is how long a silent peer stays present)
 * @param subscribeTimeout how long to wait for a peer's announced broadcast
 * @param eventCapacity    room events buffered for a slow consumer before the oldest are dropped
 * @param reconnect        re-dialing a present peer whose media connection failed
 * @param advertisedAddr   the address others should dial instead of the endpoint's own (a forwarded
 *                         port, or a proxy in front of it); empty: the endpoint's bound address
 */
public record RoomOptions(Optional<String> displayName, GossipConfig gossip, KvConfig kv, Duration subscribeTimeout,
                          int eventCapacity, ReconnectPolicy reconnect, Optional<EndpointAddr> advertisedAddr) {

    public static RoomOptions defaults() {
        return new RoomOptions(Optional.empty(), GossipConfig.defaults(), KvConfig.defaults(), Duration.ofSeconds(10), 1024,
                ReconnectPolicy.defaults(), Optional.empty());
    }

    public RoomOptions withDisplayName(String name) {
        return new RoomOptions(Optional.of(name), gossip, kv, subscribeTimeout, eventCapacity, reconnect, advertisedAddr);
    }

    public RoomOptions withKv(KvConfig kv) {
        return new RoomOptions(displayName, gossip, kv, subscribeTimeout, eventCapacity, reconnect, advertisedAddr);
    }

    public RoomOptions withReconnect(ReconnectPolicy policy) {
        return new RoomOptions(displayName, gossip, kv, subscribeTimeout, eventCapacity, policy, advertisedAddr);
    }

    public RoomOptions withAdvertisedAddr(EndpointAddr addr) {
        return new RoomOptions(displayName, gossip, kv, subscribeTimeout, eventCapacity, reconnect, Optional.of(addr));
    }
}
