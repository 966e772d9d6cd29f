package dev.parley.net.path;

import dev.parley.net.stun.Stun;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The path layer's use of STUN (RFC 8489 Binding, codec in {@code dev.parley.net.stun}): ask the home
 * relay's STUN service, on the relay's port number over UDP, for the public address of the endpoint's
 * own socket, its server-reflexive candidate.
 */
final class StunProbe {
    private StunProbe() {
    }

    static boolean isStun(ByteBuf b) {
        return Stun.isStun(b);
    }

    static ByteBuf request(ByteBufAllocator alloc, SecureRandom random) {
        byte[] tx = new byte[12];
        random.nextBytes(tx);
        return Stun.bindingRequest(alloc, tx);
    }

    static Optional<InetSocketAddress> parseResponse(ByteBuf b) {
        return Stun.parseBindingResponse(b).map(Stun.BindingResponse::mapped);
    }

    /** The relay's STUN address: its host and port (the UDP services share the HTTP port number). */
    static InetSocketAddress serverFor(String relayUrl) {
        try {
            URI u = URI.create(relayUrl);
            int port = u.getPort() > 0 ? u.getPort() : "https".equals(u.getScheme()) || "wss".equals(u.getScheme()) ? 443 : 80;
            String host = u.getHost();
            if (host == null) {
                return null;
            }
            InetSocketAddress a = new InetSocketAddress(host, port);
            return a.isUnresolved() ? null : a;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
