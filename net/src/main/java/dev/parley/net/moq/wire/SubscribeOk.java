package dev.parley.net.moq.wire;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * SUBSCRIBE_OK (type 0x0, lite-03/04 only), the first response on a Subscribe stream. Parley sends exactly one, with the
 * subscriber's priority, unordered, no latency cap, no start and no end, as the Rust publisher does.
 */
public record SubscribeOk(int priority, boolean ordered, Duration maxLatency,
                          OptionalLong startGroup, OptionalLong endGroup) implements SubscribeResponse {
    public static final long TYPE = 0x0;

    public SubscribeOk {
        Objects.requireNonNull(maxLatency, "maxLatency");
        Objects.requireNonNull(startGroup, "startGroup");
        Objects.requireNonNull(endGroup, "endGroup");
        Checks.u8(priority, "priority");
    }

    /** The interoperable reply to a SUBSCRIBE with {@code subscriberPriority}. */
    public static SubscribeOk interop(int subscriberPriority) {
        return new SubscribeOk(subscriberPriority, false, Duration.ZERO, OptionalLong.empty(), OptionalLong.empty());
    }

    public static SubscribeOk decode(WireReader r, WireLimits limits) {
        return new SubscribeOk(r.u8(), r.bool(), r.durationMillis(), r.optional(), r.optional());
    }

    /** lite-02: an empty body, written without a type. */
    public static SubscribeOk decodeLegacy(WireReader r, WireLimits limits) {
        return interop(0);
    }

    @Override
    public long type(Version version) {
        return TYPE;
    }

    @Override
    public void encodeBody(WireWriter w, Version version) {
        if (!version.subscribeOptions()) {
            return; // lite-02: empty
        }
        w.u8(priority).bool(ordered).durationMillis(maxLatency).optional(startGroup).optional(endGroup);
    }
}
