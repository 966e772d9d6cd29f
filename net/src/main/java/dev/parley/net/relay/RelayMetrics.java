package dev.parley.net.relay;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The relay's counters, updated from any event loop without locks and rendered as Prometheus text
 * exposition (version 0.0.4) at {@code /metrics}.
 */
public final class RelayMetrics {
    /** Why a datagram frame was not forwarded. */
    public enum Drop {
        /** The destination is not connected to this relay. */
        NO_DESTINATION,
        /** The destination's send queue was full. */
        QUEUE_FULL,
        /** The sender exceeded its rate limit. */
        RATE_LIMITED,
        /** A datagram over 64 KiB, or a WebSocket message over 1 MiB. */
        OVERSIZE,
        /** A frame that broke the protocol (its connection is closed). */
        BAD_FRAME;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final LongAdder connections = new LongAdder();
    private final LongAdder authenticated = new LongAdder();
    private final LongAdder authRefused = new LongAdder();
    private final LongAdder takeovers = new LongAdder();
    private final LongAdder packets = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder endpointGone = new LongAdder();
    private final Map<Drop, LongAdder> drops = new EnumMap<>(Drop.class);
    private final IntSupplier clients;

    RelayMetrics(IntSupplier clients) {
        this.clients = clients;
        for (Drop d : Drop.values()) {
            drops.put(d, new LongAdder());
        }
    }

    void connection() { connections.increment(); }
    void authenticated() { authenticated.increment(); }
    void authRefused() { authRefused.increment(); }
    void takeover() { takeovers.increment(); }
    void endpointGone() { endpointGone.increment(); }

    void forwarded(int datagrams, int byteCount) {
        packets.add(datagrams);
        bytes.add(byteCount);
    }

    void drop(Drop reason, int datagrams) {
        drops.get(reason).add(datagrams);
    }

    /** Authenticated clients connected now. */
    public int clients() { return clients.getAsInt(); }
    /** Datagrams forwarded (each segment of a batch counts). */
    public long packetsForwarded() { return packets.sum(); }
    /** Datagram payload bytes forwarded. */
    public long bytesForwarded() { return bytes.sum(); }
    public long authRefusals() { return authRefused.sum(); }
    public long takeovers() { return takeovers.sum(); }
    /** Datagrams dropped for {@code reason}. */
    public long drops(Drop reason) { return drops.get(reason).sum(); }

    /** Prometheus text exposition of every counter. */
    public String prometheus() {
        StringBuilder b = new StringBuilder(1024);
        gauge(b, "parley_relay_clients", "Authenticated clients connected now.", clients());
        counter(b, "parley_relay_connections_total", "WebSocket connections accepted.", connections.sum());
        counter(b, "parley_relay_auth_total", "Clients authenticated.", authenticated.sum());
        counter(b, "parley_relay_auth_refused_total", "Connections refused authentication.", authRefused.sum());
        counter(b, "parley_relay_takeovers_total", "Connections replaced by a newer one with the same id.", takeovers.sum());
        counter(b, "parley_relay_packets_forwarded_total", "Datagrams forwarded.", packets.sum());
        counter(b, "parley_relay_bytes_forwarded_total", "Datagram bytes forwarded.", bytes.sum());
        counter(b, "parley_relay_endpoint_gone_total", "EndpointGone frames sent.", endpointGone.sum());
        b.append("# HELP parley_relay_dropped_packets_total Datagrams dropped, by reason.\n")
                .append("# TYPE parley_relay_dropped_packets_total counter\n");
        for (Drop d : Drop.values()) {
            b.append("parley_relay_dropped_packets_total{reason=\"").append(d.label()).append("\"} ")
                    .append(drops.get(d).sum()).append('\n');
        }
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String help, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(v).append('\n');
    }

    private static void counter(StringBuilder b, String name, String help, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(v).append('\n');
    }
}
