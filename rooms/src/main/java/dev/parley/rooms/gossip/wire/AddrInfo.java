package dev.parley.rooms.gossip.wire;

import dev.parley.net.postcard.PostcardException;
import dev.parley.net.postcard.PostcardReader;
import dev.parley.net.postcard.PostcardWriter;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A peer's dialable addresses as gossip {@link PeerData}: postcard
 * {@code AddrInfo { relay_url: Option<String>, direct_addresses: BTreeSet<SocketAddr> }}. Addresses
 * are kept in Rust's order (IPv4 before IPv6, then octets, then port) so the bytes are deterministic.
 *
 * @param relayUrl        the home relay URL, if any
 * @param directAddresses literal IP socket addresses, sorted and de-duplicated
 */
public record AddrInfo(Optional<String> relayUrl, List<InetSocketAddress> directAddresses) {
    /** Rust {@code SocketAddr} ordering: V4 &lt; V6, then address bytes, then port. */
    public static final Comparator<InetSocketAddress> RUST_ORDER = Comparator
            .comparingInt((InetSocketAddress a) -> a.getAddress().getAddress().length)
            .thenComparing((a, b) -> Arrays.compareUnsigned(a.getAddress().getAddress(), b.getAddress().getAddress()))
            .thenComparingInt(InetSocketAddress::getPort);

    public AddrInfo {
        for (InetSocketAddress a : directAddresses) {
            if (a.isUnresolved()) {
                throw new IllegalArgumentException("direct addresses must be literal IPs: " + a);
            }
        }
        TreeSet<InetSocketAddress> sorted = new TreeSet<>(RUST_ORDER);
        sorted.addAll(directAddresses);
        directAddresses = List.copyOf(sorted);
    }

    public static AddrInfo of(List<InetSocketAddress> direct) {
        return new AddrInfo(Optional.empty(), direct);
    }

    public void write(PostcardWriter w) {
        if (relayUrl.isPresent()) {
            w.u8(1).string(relayUrl.get());
        } else {
            w.u8(0);
        }
        w.varint(directAddresses.size());
        for (InetSocketAddress a : directAddresses) {
            writeSocketAddr(w, a);
        }
    }

    public static AddrInfo read(PostcardReader r) {
        Optional<String> relay = switch (r.u8()) {
            case 0 -> Optional.empty();
            case 1 -> Optional.of(r.string());
            default -> throw new PostcardException("invalid Option<RelayUrl> tag");
        };
        int n = r.length("address set");
        List<InetSocketAddress> addrs = new ArrayList<>(Math.min(n, 16));
        for (int i = 0; i < n; i++) {
            addrs.add(readSocketAddr(r));
        }
        return new AddrInfo(relay, addrs);
    }

    /** Encodes as gossip peer data. */
    public PeerData toPeerData() {
        PostcardWriter w = new PostcardWriter();
        write(w);
        return PeerData.of(w.toByteArray());
    }

    /** Decodes gossip peer data; empty bytes decode to no addresses, as in iroh. */
    public static AddrInfo fromPeerData(PeerData data) {
        byte[] b = data.bytes();
        if (b.length == 0) {
            return new AddrInfo(Optional.empty(), List.of());
        }
        PostcardReader r = new PostcardReader(b);
        AddrInfo info = read(r);
        r.expectEnd();
        return info;
    }

    /** {@code std::net::SocketAddr}: V4=0 (4 octets) or V6=1 (16 octets), then varint port. */
    public static void writeSocketAddr(PostcardWriter w, InetSocketAddress a) {
        byte[] ip = a.getAddress().getAddress();
        w.u8(ip.length == 4 ? 0 : 1).raw(ip).varint(a.getPort());
    }

    public static InetSocketAddress readSocketAddr(PostcardReader r) {
        int kind = r.u8();
        byte[] ip = switch (kind) {
            case 0 -> r.raw(4);
            case 1 -> r.raw(16);
            default -> throw new PostcardException("invalid SocketAddr variant " + kind);
        };
        int port = r.varint(0xFFFF, "port");
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new PostcardException("invalid IP address");
        }
    }
}
