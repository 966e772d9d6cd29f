package dev.parley.net.moq.wire;

import static dev.parley.net.moq.wire.DecodeException.Kind.UNKNOWN_TYPE;

/**
 * The varint that opens every moq-lite-03 stream. Session (0x0 bidi), Fetch (0x3) and Goaway (0x5) exist
 * in other versions but are not served on lite-03, so they decode as unknown.
 */
public enum StreamType {
    ANNOUNCE(true, 0x1),
    SUBSCRIBE(true, 0x2),
    PROBE(true, 0x4),
    GROUP(false, 0x0);

    private final boolean bidi;
    private final long code;

    StreamType(boolean bidi, long code) {
        this.bidi = bidi;
        this.code = code;
    }

    public boolean bidi() {
        return bidi;
    }

    public long code() {
        return code;
    }

    /** The type for a code on a bidi or uni stream; unknown codes are a {@link DecodeException.Kind#UNKNOWN_TYPE}. */
    public static StreamType of(boolean bidi, long code) {
        for (StreamType t : values()) {
            if (t.bidi == bidi && t.code == code) {
                return t;
            }
        }
        throw new DecodeException(UNKNOWN_TYPE, (bidi ? "bidi" : "uni") + " stream type " + code);
    }
}
