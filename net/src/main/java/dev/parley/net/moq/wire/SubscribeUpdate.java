package dev.parley.net.moq.wire;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * SUBSCRIBE_UPDATE: changes a live subscription. Parley decodes it but never sends it, because C-era
 * Rust peers fail a subscription that receives one.
 */
public record SubscribeUpdate(int priority, boolean ordered, Duration maxLatency,
                              OptionalLong startGroup, OptionalLong endGroup) implements SubscribeRequest {

    public SubscribeUpdate {
        Objects.requireNonNull(maxLatency, "maxLatency");
        Objects.requireNonNull(startGroup, "startGroup");
        Objects.requireNonNull(endGroup, "endGroup");
        Checks.u8(priority, "priority");
    }

    public static SubscribeUpdate decode(WireReader r, WireLimits limits) {
        return new SubscribeUpdate(r.u8(), r.bool(), r.durationMillis(), r.optional(), r.optional());
    }

    @Override
    public void encodeBody(WireWriter w, Version version) {
        w.u8(priority).bool(ordered).durationMillis(maxLatency).optional(startGroup).optional(endGroup);
    }
}
