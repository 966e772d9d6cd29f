package dev.parley.net.moq.wire;

import static dev.parley.net.moq.wire.DecodeException.Kind.UNKNOWN_TYPE;

/**
 * The varint that opens every moq-lite stream. Session (0x0 bidi, lite-01/02) is not served, so it decodes
 * as unknown; Goaway exists from lite-04, Setup (uni), Track and Fetch (served from lite-05 on, as the
 * reference does) from lite-05.
 */
public enum StreamType {
    ANNOUNCE(true, 0x1, Version.LITE_02),
    SUBSCRIBE(true, 0x2, Version.LITE_02),
    PROBE(true, 0x4, Version.LITE_03),
    FETCH(true, 0x3, Version.LITE_05),
    GOAWAY(true, 0x5, Version.LITE_04),
    TRACK(true, 0x6, Version.LITE_05),
    GROUP(false, 0x0, Version.LITE_02),
    SETUP(false, 0x1, Version.LITE_05);

    private final boolean bidi;
    private final long code;
    private final Version since;

    StreamType(boolean bidi, long code, Version since) {
        this.bidi = bidi;
        this.code = code;
        this.since = since;
    }

    public boolean bidi() {
        return bidi;
    }

    public long code() {
        return code;
    }

    /** True if {@code version} has this stream. */
    public boolean existsIn(Version version) {
        return version.compareTo(since) >= 0;
    }

    /** The lite-03 type for a code; see {@link #of(boolean, long, Version)}. */
    public static StreamType of(boolean bidi, long code) {
        return of(bidi, code, Version.LITE_03);
    }

    /** The type for a code on a bidi or uni stream of {@code version}; others are a {@link DecodeException.Kind#UNKNOWN_TYPE}. */
    public static StreamType of(boolean bidi, long code, Version version) {
        for (StreamType t : values()) {
            if (t.bidi == bidi && t.code == code && t.existsIn(version)) {
                return t;
            }
        }
        throw new DecodeException(UNKNOWN_TYPE, (bidi ? "bidi" : "uni") + " stream type " + code + " in " + version.alpn());
    }
}
