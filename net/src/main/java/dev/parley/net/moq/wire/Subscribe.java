package dev.parley.net.moq.wire;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * SUBSCRIBE: the first message on a Subscribe stream.
 *
 * @param id         chosen by the subscriber, from 0, never reused on a session
 * @param broadcast  broadcast path
 * @param track      track name
 * @param priority   subscriber priority, 0..255, higher first
 * @param ordered    true = oldest group first (VOD), false = newest first (live)
 * @param maxLatency drop non-latest groups older than this; zero = no limit (ms on the wire)
 * @param startGroup first group wanted; empty = the latest
 * @param endGroup   last group wanted; empty = unbounded
 */
public record Subscribe(long id, String broadcast, String track, int priority, boolean ordered,
                        Duration maxLatency, OptionalLong startGroup, OptionalLong endGroup)
        implements SubscribeRequest {

    public Subscribe {
        Objects.requireNonNull(broadcast, "broadcast");
        Objects.requireNonNull(track, "track");
        Objects.requireNonNull(maxLatency, "maxLatency");
        Objects.requireNonNull(startGroup, "startGroup");
        Objects.requireNonNull(endGroup, "endGroup");
        Checks.u8(priority, "priority");
        Checks.varint(id, "subscribe id");
    }

    /** A live subscription as both public implementations send it: unordered, no latency cap, latest on. */
    public static Subscribe live(long id, String broadcast, String track, int priority) {
        return new Subscribe(id, broadcast, track, priority, false, Duration.ZERO, OptionalLong.empty(), OptionalLong.empty());
    }

    public static Subscribe decode(WireReader r, WireLimits limits) {
        return decode(r, limits, Version.LITE_03);
    }

    /** lite-02 stops after the priority: live, unordered, no cap, latest on. */
    public static Subscribe decode(WireReader r, WireLimits limits, Version version) {
        long id = r.varint();
        String broadcast = r.string();
        String track = r.string();
        int priority = r.u8();
        if (!version.subscribeOptions()) {
            return live(id, broadcast, track, priority);
        }
        return new Subscribe(id, broadcast, track, priority, r.bool(), r.durationMillis(), r.optional(), r.optional());
    }

    @Override
    public void encodeBody(WireWriter w, Version version) {
        w.varint(id).string(broadcast).string(track).u8(priority);
        if (version.subscribeOptions()) {
            w.bool(ordered).durationMillis(maxLatency).optional(startGroup).optional(endGroup);
        }
    }
}
