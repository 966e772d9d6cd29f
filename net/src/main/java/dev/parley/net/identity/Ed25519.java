package dev.parley.net.identity;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Conversions between raw 32-byte Ed25519 keys and JDK key objects, and signatures. Private keys for
 * TLS are always JDK keys, which encode as PKCS#8 v1 (48 bytes): the QUIC native TLS stack cannot parse
 * the v2 form. Signing and verifying go through BouncyCastle's lightweight API, many times faster
 * than the JDK's provider (a 50-peer gossip simulation verifying every entry took 39 s with it and
 * over 120 s with the JDK's).
 */
final class Ed25519 {
    static final int KEY_LENGTH = 32;
    static final int SIGNATURE_LENGTH = 64;
    /** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key follows. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private Ed25519() {
    }

    static PrivateKey privateKey(byte[] seed) {
        try {
            return KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519 support", e);
        }
    }

    /** Derives the raw public key from a seed (the JDK has no public API for this). */
    static byte[] publicKeyBytes(byte[] seed) {
        return new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
    }

    static PublicKey publicKey(byte[] raw) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki(raw)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    static byte[] spki(byte[] raw) {
        byte[] out = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + KEY_LENGTH);
        System.arraycopy(raw, 0, out, SPKI_PREFIX.length, KEY_LENGTH);
        return out;
    }

    /** The raw key inside an Ed25519 SubjectPublicKeyInfo, or null if it is not one. */
    static byte[] rawFromSpki(byte[] spki) {
        if (spki == null || spki.length != SPKI_PREFIX.length + KEY_LENGTH
                || !Arrays.equals(spki, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            return null;
        }
        return Arrays.copyOfRange(spki, SPKI_PREFIX.length, spki.length);
    }

    static byte[] sign(Ed25519PrivateKeyParameters key, byte[] message) {
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, key);
        s.update(message, 0, message.length);
        return s.generateSignature();
    }

    /** False for a malformed signature or a key that is not a curve point, never an exception. */
    static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (signature == null || signature.length != SIGNATURE_LENGTH || publicKey.length != KEY_LENGTH) {
            return false;
        }
        try {
            Ed25519Signer v = new Ed25519Signer();
            v.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
            v.update(message, 0, message.length);
            return v.verifySignature(signature);
        } catch (IllegalArgumentException invalidKey) {
            return false;
        }
    }
}
