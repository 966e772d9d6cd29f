package dev.parley.net.path;

import dev.parley.net.identity.EndpointId;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stable stand-in address QUIC sees for each peer reached through the path layer (substrate §4.4):
 * {@code [fd15:70a:510b::N]:12345}, one N per EndpointId for the endpoint's lifetime, as in iroh. These
 * addresses are never sent to: the path layer turns a packet for one into real sends (direct or relay),
 * and an IPv4 socket could not send to them anyway. Thread-safe.
 */
public final class MappedAddresses {
    public static final int PORT = 12345;
    private static final byte[] PREFIX = {(byte) 0xfd, 0x15, 0x07, 0x0a, 0x51, 0x0b};

    private final Map<EndpointId, InetSocketAddress> byId = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, EndpointId> byAddress = new ConcurrentHashMap<>();
    private final AtomicLong counter = new AtomicLong();

    /** The peer's stand-in address, allocated on first use. */
    public InetSocketAddress of(EndpointId id) {
        return byId.computeIfAbsent(id, k -> {
            InetSocketAddress a = address(counter.incrementAndGet());
            byAddress.put(a, k);
            return a;
        });
    }

    /** The peer behind a stand-in address, or null. */
    public EndpointId peer(SocketAddress address) {
        return address instanceof InetSocketAddress isa ? byAddress.get(isa) : null;
    }

    /** Whether {@code address} is a path-layer stand-in (of any endpoint): such an address is never advertised. */
    public static boolean isMapped(SocketAddress address) {
        if (!(address instanceof InetSocketAddress isa) || !(isa.getAddress() instanceof Inet6Address a)) {
            return false;
        }
        byte[] b = a.getAddress();
        for (int i = 0; i < PREFIX.length; i++) {
            if (b[i] != PREFIX[i]) {
                return false;
            }
        }
        return true;
    }

    private static InetSocketAddress address(long n) {
        byte[] b = new byte[16];
        System.arraycopy(PREFIX, 0, b, 0, PREFIX.length);
        for (int i = 0; i < 8; i++) {
            b[15 - i] = (byte) (n >>> (8 * i));
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(b), PORT);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes is always a valid address
        }
    }
}
