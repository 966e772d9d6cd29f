package dev.parley.rooms.gossip.net;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.ticket.EndpointAddr;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each peer can be dialed. Two kinds of knowledge are kept apart and merged when asked: the
 * addresses a peer's packets were actually seen coming from (its connections to us, our successful
 * dials), and what it reports about itself (tickets, membership data, its room address entry). A peer
 * behind a NAT reports private addresses nobody outside can reach, while the address it was seen at is
 * its NAT's public mapping, which works; so a report never replaces a seen address, the two are merged.
 * ({@link EndpointAddr} keeps its addresses in canonical order; the endpoint itself tries the address
 * it last talked to a peer at first, and all of them within moments of each other.) Thread-safe.
 */
final class AddressBook {
    /** Seen addresses kept per peer, newest first (a peer that moved leaves an older one behind). */
    static final int MAX_SEEN = 2;

    private record Entry(List<InetSocketAddress> seen, EndpointAddr reported) {
    }

    private final Map<EndpointId, Entry> entries = new ConcurrentHashMap<>();

    /** {@code peer}'s packets came from {@code address}. */
    void seen(EndpointId peer, InetSocketAddress address) {
        entries.compute(peer, (id, e) -> {
            List<InetSocketAddress> seen = new ArrayList<>();
            seen.add(address);
            if (e != null) {
                e.seen().stream().filter(a -> !a.equals(address)).limit(MAX_SEEN - 1).forEach(seen::add);
            }
            return new Entry(List.copyOf(seen), e == null ? null : e.reported());
        });
    }

    /** What a peer says about itself (or a ticket says about it); replaces the previous report only. */
    void reported(EndpointAddr addr) {
        entries.compute(addr.id(), (id, e) -> new Entry(e == null ? List.of() : e.seen(), addr));
    }

    /** The addresses to dial {@code peer} at, seen and reported; null when nothing is known. */
    EndpointAddr dialable(EndpointId peer) {
        Entry e = entries.get(peer);
        return e == null ? null : merge(peer, e.seen(), e.reported());
    }

    /** Seen addresses plus the reported ones, and the report's relays; null if there is none. */
    static EndpointAddr merge(EndpointId peer, List<InetSocketAddress> seen, EndpointAddr reported) {
        List<InetSocketAddress> direct = new ArrayList<>(seen);
        List<String> relays = List.of();
        if (reported != null) {
            reported.directAddresses().stream().filter(a -> !direct.contains(a)).forEach(direct::add);
            relays = reported.relayUrls();
        }
        if (direct.isEmpty() && relays.isEmpty()) {
            return null;
        }
        return new EndpointAddr(peer, direct, relays);
    }
}
