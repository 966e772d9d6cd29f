package dev.parley.net.identity;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.interfaces.EdECPrivateKey;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A user's Ed25519 secret key and the {@link EndpointId} it implies. Signs room gossip entries and
 * authenticates QUIC connections. The secret never appears in {@link #toString()}.
 */
public final class Identity {
    /** The length of an Ed25519 signature. */
    public static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_LENGTH;
    private final byte[] seed;
    private final EndpointId id;
    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final Ed25519PrivateKeyParameters signingKey;

    private Identity(byte[] seed) {
        this.seed = seed;
        this.signingKey = new Ed25519PrivateKeyParameters(seed, 0);
        byte[] pub = Ed25519.publicKeyBytes(seed);
        this.id = EndpointId.of(pub);
        this.privateKey = Ed25519.privateKey(seed);
        this.publicKey = Ed25519.publicKey(pub);
    }

    /** A fresh random identity from the JDK's Ed25519 key generator. */
    public static Identity generate() {
        try {
            var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] secret = ((EdECPrivateKey) pair.getPrivate()).getBytes()
                    .orElseThrow(() -> new IllegalStateException("the JDK hid the generated Ed25519 seed"));
            return new Identity(secret);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519 support", e);
        }
    }

    /** Rebuilds an identity from its raw 32-byte secret key (the Ed25519 seed). */
    public static Identity fromSecret(byte[] secret) {
        if (secret == null || secret.length != Ed25519.KEY_LENGTH) {
            throw new IllegalArgumentException("an Ed25519 secret key is 32 bytes, got "
                    + (secret == null ? "nothing" : secret.length + " bytes"));
        }
        return new Identity(secret.clone());
    }

    /** Parses 64 hex characters (surrounding whitespace ignored). */
    public static Identity fromHex(String hex) {
        String trimmed = hex == null ? "" : hex.strip();
        if (trimmed.length() != 2 * Ed25519.KEY_LENGTH) {
            throw new IllegalArgumentException("a secret key is 64 hex characters, got " + trimmed.length());
        }
        try {
            return new Identity(HexFormat.of().parseHex(trimmed));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a secret key is 64 hex characters: " + e.getMessage(), e);
        }
    }

    /**
     * The identity for {@code profile} from the platform key store, created on first use;
     * {@code PARLEY_SECRET} overrides it. See {@link IdentityStore}.
     */
    public static Identity loadOrCreate(String profile) {
        return IdentityStore.platformDefault().loadOrCreate(profile);
    }

    public EndpointId id() {
        return id;
    }

    /** The raw 32-byte secret key; handle with care. */
    public byte[] secretBytes() {
        return seed.clone();
    }

    public String secretHex() {
        return HexFormat.of().formatHex(seed);
    }

    /** The JDK private key (PKCS#8 v1 encoding), safe to hand to the native TLS stack. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** A 64-byte Ed25519 signature over {@code message}. */
    public byte[] sign(byte[] message) {
        return Ed25519.sign(signingKey, message);
    }

    /** True when {@code signature} is {@code signer}'s valid signature over {@code message}. */
    public static boolean verify(EndpointId signer, byte[] message, byte[] signature) {
        return Ed25519.verify(signer.bytes(), message, signature);
    }

    /** The EndpointId behind a certificate's Ed25519 public key, if it has one. */
    public static Optional<EndpointId> idOf(Certificate certificate) {
        return idOf(certificate.getPublicKey());
    }

    /** The EndpointId behind an Ed25519 public key, if it is one. */
    public static Optional<EndpointId> idOf(PublicKey key) {
        byte[] raw = Ed25519.rawFromSpki(key.getEncoded());
        return raw == null ? Optional.empty() : Optional.of(EndpointId.of(raw));
    }

    @Override
    public String toString() {
        return "Identity[" + id.shortHex() + "]";
    }
}
