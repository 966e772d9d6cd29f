package dev.parley.net.moq.wire;

import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import static dev.parley.net.moq.wire.DecodeException.Kind.INVALID_VALUE;
import static dev.parley.net.moq.wire.DecodeException.Kind.TOO_LARGE;

/**
 * SETUP (lite-05, the one message of each side's Setup uni stream, type 0x1): a list of
 * {@code {ID, Length, Value}} parameters. Varint values are a QUIC varint inside the value bytes.
 * Unknown IDs are skipped, a repeated ID is an error.
 *
 * @param probe  0x1: how this side answers PROBE (0 none, 1 report, 2 increase); absent = none
 * @param path   0x2: the client's {@code path[?query]} on bindings without a URL (raw QUIC)
 * @param role   0x3: the client's role (0 both, 1 publisher, 2 subscriber)
 * @param origin 0x5: the sender's origin (hop) id
 */
public record Setup(OptionalLong probe, Optional<String> path, OptionalLong role, OptionalLong origin) implements Message {
    public static final long PROBE = 0x1;
    public static final long PATH = 0x2;
    public static final long ROLE = 0x3;
    public static final long ORIGIN = 0x5;
    /** Probe capability: the publisher reports its estimated send bitrate. */
    public static final long PROBE_REPORT = 1;
    /** Parameters beyond this are a {@link DecodeException.Kind#TOO_LARGE}. */
    static final int MAX_PARAMETERS = 64;

    public Setup {
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(origin, "origin");
        probe.ifPresent(v -> Checks.varint(v, "probe"));
        role.ifPresent(v -> Checks.varint(v, "role"));
        origin.ifPresent(v -> Checks.varint(v, "origin"));
    }

    /** The peer's probe capability: absent means none. */
    public long probeCapability() {
        return probe.orElse(0);
    }

    public static Setup decode(WireReader r, WireLimits limits, Version version) {
        long count = r.varint();
        if (count > MAX_PARAMETERS) {
            throw new DecodeException(TOO_LARGE, "setup with " + count + " parameters");
        }
        Set<Long> seen = new HashSet<>();
        OptionalLong probe = OptionalLong.empty();
        OptionalLong role = OptionalLong.empty();
        OptionalLong origin = OptionalLong.empty();
        Optional<String> path = Optional.empty();
        for (long i = 0; i < count; i++) {
            long id = r.varint();
            if (!seen.add(id)) {
                throw new DecodeException(INVALID_VALUE, "setup parameter " + id + " repeated");
            }
            if (id == PATH) {
                path = Optional.of(r.string()); // Length then raw UTF-8: the layout of a string
                continue;
            }
            byte[] value = r.bytes();
            if (id == PROBE || id == ROLE || id == ORIGIN) {
                WireReader v = new WireReader(value);
                long x = v.varint();
                v.expectEnd();
                if (id == PROBE) {
                    probe = OptionalLong.of(x);
                } else if (id == ROLE) {
                    role = OptionalLong.of(x);
                } else {
                    origin = OptionalLong.of(x);
                }
            }
        }
        return new Setup(probe, path, role, origin);
    }

    @Override
    public void encodeBody(WireWriter w, Version version) {
        int count = (probe.isPresent() ? 1 : 0) + (path.isPresent() ? 1 : 0) + (role.isPresent() ? 1 : 0)
                + (origin.isPresent() ? 1 : 0);
        w.varint(count);
        probe.ifPresent(v -> varintParam(w, PROBE, v));
        path.ifPresent(p -> w.varint(PATH).string(p));
        role.ifPresent(v -> varintParam(w, ROLE, v));
        origin.ifPresent(v -> varintParam(w, ORIGIN, v));
    }

    private static void varintParam(WireWriter w, long id, long value) {
        w.varint(id).varint(VarInt.size(value)).varint(value);
    }
}
