package dev.parley.net.ticket;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.postcard.PostcardException;
import dev.parley.net.postcard.PostcardReader;
import dev.parley.net.postcard.PostcardWriter;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A peer's id plus where to reach it: direct UDP socket addresses and relay URLs. Encodes exactly
 * like iroh's {@code EndpointAddr { id, addrs: BTreeSet<TransportAddr> }} in postcard:
 * {@code id[32] varint(n) TransportAddr*}, where {@code TransportAddr} is {@code 00 string} for a
 * relay URL, {@code 01 00 ip4[4] varint(port)} or {@code 01 01 ip6[16] varint(port)} for an IP
 * address, and {@code 02 ...} for a custom transport (skipped when reading). Entries are kept in
 * Rust's {@code Ord} order (relays, then IPv4, then IPv6; each ascending), so bytes are canonical.
 *
 * @param id              the peer's key
 * @param directAddresses resolved socket addresses, sorted, each at most once
 * @param relayUrls       relay URLs as serialized strings, sorted, each at most once
 */
public record EndpointAddr(EndpointId id, List<InetSocketAddress> directAddresses, List<String> relayUrls) {
    private static final int TAG_RELAY = 0;
    private static final int TAG_IP = 1;
    private static final int TAG_CUSTOM = 2;
    private static final Comparator<InetSocketAddress> IP_ORDER = (a, b) -> {
        byte[] x = a.getAddress().getAddress();
        byte[] y = b.getAddress().getAddress();
        if (x.length != y.length) {
            return Integer.compare(x.length, y.length); // V4 (variant 0) before V6
        }
        int c = Arrays.compareUnsigned(x, y);
        return c != 0 ? c : Integer.compare(a.getPort(), b.getPort());
    };
    private static final Comparator<String> UTF8_ORDER = (a, b) ->
            Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    public EndpointAddr {
        Objects.requireNonNull(id, "id");
        Set<InetSocketAddress> ips = new TreeSet<>(IP_ORDER);
        for (InetSocketAddress a : directAddresses) {
            if (a.isUnresolved()) {
                throw new IllegalArgumentException("direct addresses must be IP addresses, got " + a);
            }
            ips.add(a);
        }
        Set<String> relays = new TreeSet<>(UTF8_ORDER);
        relays.addAll(relayUrls);
        directAddresses = List.copyOf(ips);
        relayUrls = List.copyOf(relays);
    }

    /** An address with direct socket addresses only. */
    public static EndpointAddr of(EndpointId id, InetSocketAddress... direct) {
        return new EndpointAddr(id, List.of(direct), List.of());
    }

    /** The postcard bytes. */
    public byte[] encode() {
        PostcardWriter w = new PostcardWriter();
        w.raw(id.bytes());
        w.varint(relayUrls.size() + directAddresses.size());
        for (String relay : relayUrls) {
            w.u8(TAG_RELAY).string(relay);
        }
        for (InetSocketAddress a : directAddresses) {
            byte[] ip = a.getAddress().getAddress();
            w.u8(TAG_IP).u8(ip.length == 4 ? 0 : 1).raw(ip).varint(a.getPort());
        }
        return w.toByteArray();
    }

    /** Parses postcard bytes; the whole input must be one address. Any problem is a {@link TicketException}. */
    public static EndpointAddr decode(byte[] bytes) {
        try {
            return read(new PostcardReader(bytes));
        } catch (PostcardException e) {
            throw new TicketException(e.getMessage(), e);
        }
    }

    private static EndpointAddr read(PostcardReader r) {
        EndpointId id = EndpointId.of(r.raw(EndpointId.LENGTH, "endpoint id"));
        int count = r.varint(r.remaining(), "address count"); // each address takes at least one byte
        List<InetSocketAddress> ips = new ArrayList<>();
        List<String> relays = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            long tag = r.varint(Integer.MAX_VALUE, "address kind");
            switch ((int) tag) {
                case TAG_RELAY -> relays.add(r.string());
                case TAG_IP -> ips.add(readSocketAddr(r));
                case TAG_CUSTOM -> {
                    r.varint(); // custom transport id (u64)
                    r.bytes(); // custom address
                }
                default -> throw new TicketException("unknown address kind " + tag);
            }
        }
        r.expectEnd();
        return new EndpointAddr(id, ips, relays);
    }

    private static InetSocketAddress readSocketAddr(PostcardReader r) {
        int family = r.varint(Integer.MAX_VALUE, "ip family");
        try {
            InetAddress ip = switch (family) {
                case 0 -> Inet4Address.getByAddress(r.raw(4, "ipv4 address"));
                case 1 -> Inet6Address.getByAddress(null, r.raw(16, "ipv6 address"), null);
                default -> throw new TicketException("unknown ip family " + family);
            };
            long port = r.varint();
            if (port > 0xffff) {
                throw new TicketException("port is out of range");
            }
            return new InetSocketAddress(ip, (int) port);
        } catch (UnknownHostException e) {
            throw new TicketException("bad ip address", e);
        }
    }
}
