package dev.parley.net.relay;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.relay.RelayFrame.ClientAuth;
import dev.parley.net.relay.RelayFrame.ServerChallenge;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.bouncycastle.crypto.params.Blake3Parameters;

import java.nio.charset.StandardCharsets;

/**
 * The relay's challenge authentication: the client signs
 * {@code blake3::derive_key("iroh-relay handshake v1 challenge signature", challenge)} (32 bytes) with its
 * Ed25519 key, which proves it holds the key of the id it claims. BLAKE3 comes from BouncyCastle.
 */
public final class RelayAuth {
    static final String CONTEXT = "iroh-relay handshake v1 challenge signature";

    private RelayAuth() {}

    /** The 32-byte message a client signs for {@code challenge}. */
    public static byte[] message(byte[] challenge) {
        return deriveKey(CONTEXT, challenge);
    }

    /** BLAKE3 {@code derive_key(context, material)}, 32 bytes. */
    static byte[] deriveKey(String context, byte[] material) {
        Blake3Digest d = new Blake3Digest(256);
        d.init(Blake3Parameters.context(context.getBytes(StandardCharsets.UTF_8)));
        d.update(material, 0, material.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    /** The client's answer to {@code challenge}. */
    public static ClientAuth answer(Identity identity, ServerChallenge challenge) {
        return new ClientAuth(identity.id(), identity.sign(message(challenge.challenge())));
    }

    /** True when {@code auth} signs {@code challenge} with the key it names. */
    public static boolean verify(byte[] challenge, ClientAuth auth) {
        EndpointId id = auth.publicKey();
        return Identity.verify(id, message(challenge), auth.signature());
    }
}
