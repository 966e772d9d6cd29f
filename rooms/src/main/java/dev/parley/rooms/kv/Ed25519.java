package dev.parley.rooms.kv;

import dev.parley.net.identity.EndpointId;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** Ed25519 over BouncyCastle's lightweight API: verification of entries, and seed-based signers for tests and tools. */
public final class Ed25519 {
    public static final int SIGNATURE_LENGTH = 64;

    private Ed25519() {
    }

    /** True only for a valid signature by {@code signer}; a key that is not a curve point verifies nothing. */
    public static boolean verify(EndpointId signer, byte[] message, byte[] signature) {
        if (signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        try {
            Ed25519Signer v = new Ed25519Signer();
            v.init(false, new Ed25519PublicKeyParameters(signer.bytes(), 0));
            v.update(message, 0, message.length);
            return v.verifySignature(signature);
        } catch (IllegalArgumentException invalidKey) {
            return false;
        }
    }

    /** A signer from a 32-byte secret seed. */
    public static EntrySigner signer(byte[] seed) {
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(seed, 0);
        EndpointId id = EndpointId.of(key.generatePublicKey().getEncoded());
        return EntrySigner.of(id, message -> {
            Ed25519Signer s = new Ed25519Signer();
            s.init(true, key);
            s.update(message, 0, message.length);
            return s.generateSignature();
        });
    }
}
