package dev.parley.net.moq.session;

import dev.parley.net.moq.wire.WireLimits;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timings of one moq-lite session. A peer that goes over a limit has the offending stream
 * reset with {@code BoundsExceeded} (11); the rest of the session keeps going.
 *
 * @param wire                    message and frame size limits for decoding
 * @param maxInboundStreams       concurrent streams the peer may have open towards us (bidi + uni)
 * @param maxRemoteAnnounces      active broadcasts the peer may announce at once
 * @param maxInboundSubscriptions concurrent subscriptions the peer may hold on our broadcasts
 * @param subscribeTimeout        how long {@code MoqSession.subscribe(name)} waits for the announce
 * @param probeInterval           how often a served Probe stream considers sending an estimate
 * @param maxGroupsPerTrack       groups a subscribed remote track keeps for late readers
 * @param servedMaxLatency        for peers that send max latency 0: how far behind the newest group a
 *                                served subscription may fall before older groups are skipped
 * @param staleGroupGrace         how long a group stream may stay open after a newer group of its
 *                                track started: then the publisher resets it and the subscriber stops
 *                                it (a subscriber's max latency, when shorter, wins on the served side)
 * @param ackElicitInterval       while media arrives, how often our Probe stream carries a tiny PROBE so
 *                                that our ACKs are acknowledged and a lost one is repeated
 *                                ({@link AckElicitor}; raw QUIC only: over WebSocket TCP acknowledges
 *                                its ACKs itself); zero: never
 */
public record SessionConfig(WireLimits wire, int maxInboundStreams, int maxRemoteAnnounces,
                            int maxInboundSubscriptions, Duration subscribeTimeout, Duration probeInterval,
                            int maxGroupsPerTrack, Duration servedMaxLatency,
                            Duration staleGroupGrace, Duration ackElicitInterval) {

    public static final SessionConfig DEFAULT = new SessionConfig(WireLimits.DEFAULT, 1024, 1024, 256,
            Duration.ofSeconds(10), Duration.ofMillis(100), 8, Duration.ofSeconds(2), Duration.ofMillis(300),
            // the property exists for A/B measurements under loss (0 turns the keep-alive off; docs/bench-loss.md)
            Duration.ofMillis(Math.max(0, Long.getLong("parley.ackElicitMs", 20))));

    public SessionConfig {
        Objects.requireNonNull(wire, "wire");
        Objects.requireNonNull(subscribeTimeout, "subscribeTimeout");
        Objects.requireNonNull(probeInterval, "probeInterval");
        Objects.requireNonNull(servedMaxLatency, "servedMaxLatency");
        Objects.requireNonNull(staleGroupGrace, "staleGroupGrace");
        Objects.requireNonNull(ackElicitInterval, "ackElicitInterval");
        if (probeInterval.isNegative() || probeInterval.isZero()) {
            throw new IllegalArgumentException("probe interval must be positive: " + probeInterval);
        }
        if (ackElicitInterval.isNegative()) {
            throw new IllegalArgumentException("negative ack-elicit interval: " + ackElicitInterval);
        }
        if (staleGroupGrace.isNegative()) {
            throw new IllegalArgumentException("negative stale group grace: " + staleGroupGrace);
        }
        if (maxInboundStreams < 1 || maxRemoteAnnounces < 0 || maxInboundSubscriptions < 0 || maxGroupsPerTrack < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public SessionConfig withSubscribeTimeout(Duration d) {
        return new SessionConfig(wire, maxInboundStreams, maxRemoteAnnounces, maxInboundSubscriptions, d, probeInterval, maxGroupsPerTrack, servedMaxLatency, staleGroupGrace, ackElicitInterval);
    }

    public SessionConfig withLimits(int streams, int announces, int subscriptions) {
        return new SessionConfig(wire, streams, announces, subscriptions, subscribeTimeout, probeInterval, maxGroupsPerTrack, servedMaxLatency, staleGroupGrace, ackElicitInterval);
    }

    public SessionConfig withStaleGroupGrace(Duration d) {
        return new SessionConfig(wire, maxInboundStreams, maxRemoteAnnounces, maxInboundSubscriptions, subscribeTimeout, probeInterval, maxGroupsPerTrack, servedMaxLatency, d, ackElicitInterval);
    }

    public SessionConfig withAckElicitInterval(Duration d) {
        return new SessionConfig(wire, maxInboundStreams, maxRemoteAnnounces, maxInboundSubscriptions, subscribeTimeout, probeInterval, maxGroupsPerTrack, servedMaxLatency, staleGroupGrace, d);
    }

    public SessionConfig withWire(WireLimits w) {
        return new SessionConfig(w, maxInboundStreams, maxRemoteAnnounces, maxInboundSubscriptions, subscribeTimeout, probeInterval, maxGroupsPerTrack, servedMaxLatency, staleGroupGrace, ackElicitInterval);
    }
}
