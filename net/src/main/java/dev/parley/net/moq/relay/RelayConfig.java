package dev.parley.net.moq.relay;

import dev.parley.net.moq.session.SessionConfig;
import dev.parley.net.moq.wire.Version;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a {@link MoqRelay}.
 *
 * @param session      limits of every relay session (stalled-subscriber bounds come from its stale-group grace)
 * @param versions     moq-lite versions served, newest first
 * @param setupTimeout raw QUIC lite-05: how long to wait for the client's SETUP (its Path) before using {@code /}
 * @param pullTimeout  pull by ticket: how long dialing the publisher and waiting for its announce may take
 * @param pullGrace    pull by ticket: how long an unused pulled broadcast is kept before its upstream closes
 */
public record RelayConfig(SessionConfig session, List<Version> versions, Duration setupTimeout,
                          Duration pullTimeout, Duration pullGrace) {
    public static final RelayConfig DEFAULT = new RelayConfig(SessionConfig.DEFAULT, Version.NEWEST_FIRST,
            Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(5));

    public RelayConfig {
        Objects.requireNonNull(session, "session");
        versions = List.copyOf(versions);
        Objects.requireNonNull(setupTimeout, "setupTimeout");
        Objects.requireNonNull(pullTimeout, "pullTimeout");
        Objects.requireNonNull(pullGrace, "pullGrace");
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("no moq-lite version");
        }
    }

    public RelayConfig withPullGrace(Duration grace) {
        return new RelayConfig(session, versions, setupTimeout, pullTimeout, grace);
    }

    public RelayConfig withSession(SessionConfig s) {
        return new RelayConfig(s, versions, setupTimeout, pullTimeout, pullGrace);
    }

    /** The ALPNs (and WebSocket app protocols) of {@link #versions}. */
    public List<String> alpns() {
        return Version.alpns(versions);
    }
}
