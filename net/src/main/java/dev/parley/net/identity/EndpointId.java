package dev.parley.net.identity;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A peer's identity: the 32-byte Ed25519 public key, shown as lowercase hex.
 * Immutable; the bytes are copied in and out.
 */
public final class EndpointId implements Comparable<EndpointId> {
    public static final int LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] key;

    private EndpointId(byte[] key) {
        this.key = key;
    }

    /** Wraps a raw 32-byte Ed25519 public key. */
    public static EndpointId of(byte[] publicKey) {
        if (publicKey == null || publicKey.length != LENGTH) {
            throw new IllegalArgumentException("an endpoint id is a 32-byte Ed25519 public key, got "
                    + (publicKey == null ? "nothing" : publicKey.length + " bytes"));
        }
        return new EndpointId(publicKey.clone());
    }

    /** Parses 64 lowercase or uppercase hex characters. */
    public static EndpointId fromHex(String hex) {
        if (hex == null || hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("an endpoint id is 64 hex characters, got "
                    + (hex == null ? "nothing" : hex.length()));
        }
        try {
            return new EndpointId(HEX.parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("an endpoint id is 64 hex characters: " + e.getMessage(), e);
        }
    }

    public byte[] bytes() {
        return key.clone();
    }

    /** Full lowercase hex form. */
    public String hex() {
        return HEX.formatHex(key);
    }

    /** Short form for display: the first 5 bytes as hex. */
    public String shortHex() {
        return HEX.formatHex(key, 0, 5);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EndpointId other && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public int compareTo(EndpointId o) {
        return Arrays.compareUnsigned(key, o.key);
    }

    @Override
    public String toString() {
        return hex();
    }
}
