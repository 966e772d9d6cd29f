package dev.parley.net.qmux;

import java.time.Duration;
import java.util.List;

/**
 * Limits of one QMux connection.
 *
 * @param local        what we grant the peer (our receive windows and stream limits)
 * @param sendBuffer   bytes a stream may queue before {@code write} blocks
 * @param pingInterval WebSocket ping interval for the RTT estimate and liveness
 * @param idleTimeout  the connection closes when nothing (not even a pong) arrived for this long
 * @param protocols    the app protocols carried inside, preferred first: a client offers
 *                     {@code qmux-02/01/00.<protocol>} for each, a server selects the first one the client offers
 *                     (its newest wire format for that protocol)
 */
public record QmuxConfig(TransportParameters local, int sendBuffer, Duration pingInterval, Duration idleTimeout,
                         List<String> protocols) {
    /** The moq-lite versions Parley speaks, newest first (the same list as the moq wire's {@code Version.NEWEST_FIRST}). */
    public static final List<String> MOQ_LITE = List.of("moq-lite-05", "moq-lite-04", "moq-lite-03");

    public QmuxConfig {
        if (sendBuffer <= 0) {
            throw new IllegalArgumentException("sendBuffer must be positive");
        }
        if (pingInterval.isNegative() || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        protocols = List.copyOf(protocols);
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("no app protocol");
        }
    }

    /**
     * 4 MiB per connection, 1 MiB per stream, 100 bidi and 1000 uni streams, 256 KiB send buffer, 1 s pings,
     * 30 s idle, moq-lite-05/04/03.
     */
    public static QmuxConfig defaults() {
        return new QmuxConfig(new TransportParameters(4 << 20, 1 << 20, 1 << 20, 1 << 20, 100, 1000),
                256 << 10, Duration.ofSeconds(1), Duration.ofSeconds(30), MOQ_LITE);
    }

    public QmuxConfig withLocal(TransportParameters p) {
        return new QmuxConfig(p, sendBuffer, pingInterval, idleTimeout, protocols);
    }

    public QmuxConfig withTimers(Duration ping, Duration idle) {
        return new QmuxConfig(local, sendBuffer, ping, idle, protocols);
    }

    public QmuxConfig withProtocols(List<String> preferred) {
        return new QmuxConfig(local, sendBuffer, pingInterval, idleTimeout, preferred);
    }

    /** The WebSocket subprotocols for {@link #protocols}, in order, each in every wire format newest first. */
    public List<String> subprotocols() {
        return protocols.stream()
                .flatMap(p -> QmuxWireFormat.NEWEST_FIRST.stream().map(w -> w.subprotocol(p)))
                .toList();
    }

    /** {@link #subprotocols()} then the bare wire formats newest first (the version then settled in-band). */
    public List<String> serverSubprotocols() {
        List<String> all = new java.util.ArrayList<>(subprotocols());
        QmuxWireFormat.NEWEST_FIRST.forEach(w -> all.add(w.token()));
        return all;
    }
}
