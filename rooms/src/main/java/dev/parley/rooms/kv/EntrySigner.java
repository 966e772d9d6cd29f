package dev.parley.rooms.kv;

import dev.parley.net.identity.EndpointId;

/**
 * Signs entries for the one scope this peer may write: its own {@link EndpointId}. The endpoint's
 * identity provides it ({@code EntrySigner.of(identity.id(), identity::sign)}).
 */
public interface EntrySigner {
    EndpointId id();

    /** A 64-byte Ed25519 signature of {@code message} by this peer's key. */
    byte[] sign(byte[] message);

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
