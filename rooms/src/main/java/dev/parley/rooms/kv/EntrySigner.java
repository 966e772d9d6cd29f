package dev.parley.rooms.kv;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;

/**
 * Signs entries for the one scope this peer may write: its own {@link EndpointId}. The endpoint's
 * identity provides it ({@link #of(Identity)}); signatures are checked with {@link Identity#verify}.
 */
public interface EntrySigner {
    EndpointId id();

    /** A 64-byte Ed25519 signature of {@code message} by this peer's key. */
    byte[] sign(byte[] message);

    /** Signs with the endpoint's own key. */
    static EntrySigner of(Identity identity) {
        return of(identity.id(), identity::sign);
    }

    static EntrySigner of(EndpointId id, java.util.function.UnaryOperator<byte[]> sign) {
        return new EntrySigner() {
            @Override
            public EndpointId id() {
                return id;
            }

            @Override
            public byte[] sign(byte[] message) {
                return sign.apply(message);
            }
        };
    }
}
