package dev.parley.net.path;

import dev.parley.net.relay.RelayClient;
import dev.parley.net.stun.Stun;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.net.InetSocketAddress;
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

    /** The relay's STUN address, resolved (the UDP services share the relay's port number); null if unknown. */
    static InetSocketAddress serverFor(String relayUrl) {
        try {
            InetSocketAddress a = RelayClient.stunAddress(relayUrl);
            InetSocketAddress resolved = new InetSocketAddress(a.getHostString(), a.getPort());
            return resolved.isUnresolved() ? null : resolved;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
