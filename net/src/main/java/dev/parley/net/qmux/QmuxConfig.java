package dev.parley.net.qmux;

import java.time.Duration;

/**
 * Limits of one QMux connection.
 *
 * @param local        what we grant the peer (our receive windows and stream limits)
 * @param sendBuffer   bytes a stream may queue before {@code write} blocks
 * @param pingInterval WebSocket ping interval for the RTT estimate and liveness
 * @param idleTimeout  the connection closes when nothing (not even a pong) arrived for this long
 */
public record QmuxConfig(TransportParameters local, int sendBuffer, Duration pingInterval, Duration idleTimeout) {

    public QmuxConfig {
        if (sendBuffer <= 0) {
            throw new IllegalArgumentException("sendBuffer must be positive");
        }
        if (pingInterval.isNegative() || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }

    /** 4 MiB per connection, 1 MiB per stream, 100 bidi and 1000 uni streams, 256 KiB send buffer, 1 s pings, 30 s idle. */
    public static QmuxConfig defaults() {
        return new QmuxConfig(new TransportParameters(4 << 20, 1 << 20, 1 << 20, 1 << 20, 100, 1000),
                256 << 10, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    public QmuxConfig withLocal(TransportParameters p) {
        return new QmuxConfig(p, sendBuffer, pingInterval, idleTimeout);
    }

    public QmuxConfig withTimers(Duration ping, Duration idle) {
        return new QmuxConfig(local, sendBuffer, ping, idle);
    }
}
