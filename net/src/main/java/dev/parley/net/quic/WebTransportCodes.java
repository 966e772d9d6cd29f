package dev.parley.net.quic;

/**
 * Maps application stream error codes into the HTTP/3 WebTransport error space and back, as the
 * Rust moq stack does even on raw QUIC sessions: {@code wire = FIRST + c + c / 0x1e} for a 32-bit
 * {@code c}, which skips the reserved HTTP/3 GREASE codes; receiving inverts it with
 * {@code c = wire - FIRST; c -= c / 0x1f}. A received code outside the range decodes as 0. Connection close codes are not mapped.
 */
public final class WebTransportCodes {
    public static final long FIRST = 0x52e4a40fa8dbL;
    public static final long LAST = 0x52e5ac983162L;
    private static final long MAX_APP_CODE = 0xffff_ffffL;

    private WebTransportCodes() {
    }

    /** The wire code for an application code; codes beyond 32 bits are clamped to 2^32-1. */
    public static long toWire(long code) {
        long c = code < 0 ? MAX_APP_CODE : Math.min(code, MAX_APP_CODE);
        return FIRST + c + c / 0x1e;
    }

    /** The application code behind a wire code, or 0 when the wire code is outside the WebTransport range. */
    public static long fromWire(long wire) {
        if (wire < FIRST || wire > LAST) {
            return 0;
        }
        long c = wire - FIRST;
        return c - c / 0x1f;
    }
}
